import Foundation
import Testing

/// A revoked token's live streams end (security issue #21, item 13), against the real binary.
@Suite(.serialized)
struct ServerTokenRevocationTests {
    /// `curl ARGS -o FILE URL` running in the background.
    static func curl(_ arguments: [String], token: String, saving file: URL, _ url: String) throws -> Process {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "-H", "Authorization: Bearer \(token)", "-o", file.path] + arguments + [url]
        try curl.run()
        return curl
    }

    @Test func revokingATokenEndsTheStreamsItOpened() async throws {
        let directory = try TemporaryDirectory()
        let workflow = """
            name: Long
            on: push
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
                  - run: head -c 200000000 /dev/zero | tr '\\0' x
                  - run: for i in $(seq 1 600); do echo "tick $i"; sleep 0.1; done
            """
        let (server, source) = try await ServerFeatureTests.start(directory, [".github/workflows/long.yml": workflow])
        let (created, body) = try await server.request("POST", "/api/tokens", token: server.adminToken, json: ["name": "watcher", "role": "viewer"])
        #expect(created == 201)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let token = try #require(object["token"] as? String)
        let tokenID = try #require(object["id"] as? Int)
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)

        // Live streams with the viewer token and with the admin's, saved as they come, and a
        // download of the 200 MB step read slowly (50 s at 4 MB/s) with the viewer token.
        let events = directory.url.appendingPathComponent("events.txt")
        let others = directory.url.appendingPathComponent("admin.txt")
        let stream = "\(server.url)/api/runs/\(id)/events?logs=1"
        let viewer = try Self.curl([], token: token, saving: events, stream)
        let admin = try Self.curl([], token: server.adminToken, saving: others, stream)
        defer { for curl in [viewer, admin] where curl.isRunning { curl.terminate() } }
        var deadline = Date().addingTimeInterval(60)
        let saved = { (file: URL) in (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        while Date() < deadline, !saved(events).contains("tick 3") || !saved(others).contains("tick 3") {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(saved(events).contains("tick 3") && saved(others).contains("tick 3"), "the streams did not start")
        let job = try #require((try await server.run(id)["jobs"] as? [[String: Any]])?.first?["id"] as? Int)
        let partial = directory.url.appendingPathComponent("download.txt")
        let download = try Self.curl(["--limit-rate", "4M"], token: token, saving: partial, "\(server.url)/api/runs/\(id)/logs?job=\(job)&step=1")
        defer { if download.isRunning { download.terminate() } }
        try await Task.sleep(for: .seconds(1))
        #expect(viewer.isRunning && admin.isRunning && download.isRunning)

        let revoked = Date()
        let revoke = try await server.cli(["token", "revoke", String(tokenID)])
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        // The download ends once the client has read what the sockets already held (a few MB).
        deadline = Date().addingTimeInterval(15)
        var streamEnded: Double?
        while Date() < deadline, viewer.isRunning || download.isRunning {
            if streamEnded == nil, !viewer.isRunning { streamEnded = Date().timeIntervalSince(revoked) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let ended = Date().timeIntervalSince(revoked)
        let downloaded = (try? FileManager.default.attributesOfItem(atPath: partial.path)[.size] as? Int) ?? 0
        print(
            "revoked token: its event stream ended \(String(format: "%.2f", streamEnded ?? ended)) s and its download "
                + "\(String(format: "%.2f", ended)) s after 'gaara token revoke' began (\(downloaded) of the log's 200 MB downloaded)")
        #expect(!viewer.isRunning, "the event stream still flows 15 s after its token was revoked")
        #expect(!download.isRunning, "the download still flows 15 s after its token was revoked")
        #expect(downloaded < 200_000_000)
        #expect(!saved(events).contains("event: end"), "the run ended instead")
        let again = try await server.request("GET", "/api/runs/\(id)/events?logs=1", token: token)
        #expect(again.status == 401)
        // The run goes on, and the admin's stream with it.
        #expect((try await server.run(id)["run"] as? [String: Any])?["status"] as? String == "running")
        #expect(admin.isRunning)
        _ = try await server.request("POST", "/api/runs/\(id)/cancel", token: server.adminToken)
        _ = try await server.waitForRun(id, timeout: 60)
        await server.stop()
    }
}
