import Foundation
import Testing

/// `kill -9` of the server at 20 random moments while runs are busy, each followed by a restart:
/// the database stays intact, nothing the server had acknowledged (runs, log lines, artifacts) is
/// lost, and no run is left "running" forever.
@Suite(.serialized)
struct ServerCrashTests {
    static let workflow = """
        name: Busy
        on: workflow_dispatch
        jobs:
          chatty:
            runs-on: ubuntu-latest
            steps:
              - run: for i in $(seq 1 150); do echo "chatty line $i"; sleep 0.01; done
              - run: mkdir -p out && echo "payload $GITHUB_RUN_ID" > out/payload.txt
              - uses: actions/upload-artifact@v4
                with: {name: payload, path: out/}
          second:
            runs-on: ubuntu-latest
            steps:
              - run: for i in $(seq 1 100); do echo "second line $i"; sleep 0.012; done
        """

    /// A small deterministic generator, so a failing sequence of moments can be replayed from its seed.
    struct Moments {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// What the server had shown before it was killed.
    struct Acknowledged {
        var runs: [Int: (status: String, conclusion: String?)] = [:]
        var logs: [String: String] = [:]
        var artifacts: [Int: [String]] = [:]
    }

    static func integrity(_ data: URL) async throws -> String {
        let script = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check').fetchone()[0])"
        let result = try await GaaraBinary.run(
            ["python3", "-c", script, data.appendingPathComponent("gaara.db").path], executable: URL(fileURLWithPath: "/usr/bin/env"))
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + result.stderr
    }

    static func snapshot(_ server: ServerProcess, token: String) async throws -> Acknowledged {
        var seen = Acknowledged()
        for run in try await server.runs(token: token) {
            let id = run["id"] as! Int
            seen.runs[id] = (run["status"] as! String, run["conclusion"] as? String)
        }
        // The logs of the newest busy runs, step by step, as the API returned them.
        for id in seen.runs.keys.sorted().suffix(2) {
            let detail = try await server.run(id, token: token)
            for job in detail["jobs"] as? [[String: Any]] ?? [] {
                let jobID = job["id"] as! Int
                for step in [0] + (job["steps"] as? [[String: Any]] ?? []).compactMap({ $0["number"] as? Int }) {
                    let (status, body) = try await server.request("GET", "/api/runs/\(id)/logs?job=\(jobID)&step=\(step)", token: token)
                    if status == 200 { seen.logs["\(id)/\(jobID)/\(step)"] = String(decoding: body, as: UTF8.self) }
                }
            }
            let artifacts = (detail["artifacts"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            if !artifacts.isEmpty { seen.artifacts[id] = artifacts }
        }
        return seen
    }

    @Test func killNineAtTwentyRandomMomentsLosesNothing() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data")
        var server = try await ServerProcess(data: data)
        var token = server.adminToken
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/busy.yml": Self.workflow])
        try await source.git("push -q '\(data.path)/repos/app.git' main")
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var moments = Moments(state: seed)
        print("crash test seed \(seed)")
        var interruptedSeen = 0
        var linesChecked = 0
        for round in 1...20 {
            for _ in 0..<2 {
                let (status, body) = try await server.request("POST", "/api/repos/app/dispatches", token: token, json: ["workflow": "busy.yml"])
                #expect(status == 201, "round \(round): \(String(decoding: body, as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(Int(100 + moments.next() * 2400)))
            let acknowledged = try await Self.snapshot(server, token: token)
            await server.stop(SIGKILL)
            #expect(!server.process.isRunning)

            #expect(try await Self.integrity(data) == "ok", "round \(round)")
            server = try await ServerProcess(data: data)
            token = try await ServerFeatureTests.token(server)
            let now = Dictionary(uniqueKeysWithValues: try await server.runs(token: token).map { ($0["id"] as! Int, $0) })
            for (id, before) in acknowledged.runs {
                let after = try #require(now[id], "round \(round): run \(id) was lost")
                let status = after["status"] as? String
                let conclusion = after["conclusion"] as? String
                switch before.status {
                case "completed":
                    #expect(status == "completed" && conclusion == before.conclusion, "round \(round): run \(id) changed: \(after)")
                case "running":
                    // Whatever ran when the server died is interrupted, never left running.
                    #expect(status == "completed" && (conclusion == "interrupted" || conclusion != nil), "round \(round): run \(id): \(after)")
                    if conclusion == "interrupted" { interruptedSeen += 1 }
                default: break
                }
            }
            for (key, text) in acknowledged.logs {
                let parts = key.split(separator: "/").map(String.init)
                let (status, body) = try await server.request("GET", "/api/runs/\(parts[0])/logs?job=\(parts[1])&step=\(parts[2])", token: token)
                let stored = String(decoding: body, as: UTF8.self)
                #expect(
                    status == 200 && stored.hasPrefix(text), "round \(round): log \(key) lost lines (\(text.count) acknowledged, \(stored.count) now)"
                )
                linesChecked += text.split(separator: "\n").count
            }
            for (id, names) in acknowledged.artifacts {
                for name in names {
                    let (status, body) = try await server.request("GET", "/api/runs/\(id)/artifacts/\(name)", token: token)
                    #expect(status == 200 && body.count > 20, "round \(round): artifact \(name) of run \(id) lost (\(status))")
                }
            }
        }
        // Once the queue drains, nothing is queued or running any more.
        let deadline = Date().addingTimeInterval(120)
        var busy: [[String: Any]] = []
        repeat {
            busy = try await server.runs(token: token).filter { ($0["status"] as? String) != "completed" }
            if busy.isEmpty { break }
            try await Task.sleep(for: .milliseconds(250))
        } while Date() < deadline
        #expect(busy.isEmpty, "stuck runs: \(busy)")
        let all = try await server.runs(token: token)
        print("crash test: \(all.count) runs, \(interruptedSeen) interrupted by kills, \(linesChecked) acknowledged log lines kept")
        #expect(all.count == 40)
        #expect(interruptedSeen > 0, "no kill hit a running run; the test proved nothing")
        await server.stop()
        #expect(try await Self.integrity(data) == "ok")
    }
}
