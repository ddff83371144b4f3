import Foundation
import Testing

/// The runs list follows the server live (issue #20, point 6): a push's run appears and finishes in
/// the list in headless Chromium without a reload, over `GET /api/events/runs`; at 390 px it does
/// not scroll sideways, and every status badge's text has a contrast of at least 4.5:1.
@Suite struct ServerLiveListTests {
    static let script = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/browser/runs_live_check.py")

    @Test func theRunsListShowsAPushedRunAndItsEndWithoutAReload() async throws {
        let directory = try TemporaryDirectory()
        let workflow = """
            name: Live
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: sleep 1; echo built
            """
        let (server, source) = try await ServerFeatureTests.start(directory, [".github/workflows/ci.yml": workflow])
        defer { Task { await server.stop() } }

        let wantBrowser = try await ServerEndToEndTests.browserAvailable()
        let required = ProcessInfo.processInfo.environment["GAARA_REQUIRE_BROWSER"] == "1"
        #expect(wantBrowser || !required, "GAARA_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        var watcher: Task<GaaraBinary.Output, any Error>?
        let ready = directory.url.appendingPathComponent("ready")
        if wantBrowser {
            try FileManager.default.createDirectory(at: ServerEndToEndTests.artifacts, withIntermediateDirectories: true)
            watcher = Task {
                try await GaaraBinary.run(
                    ["python3", Self.script.path, server.url, server.adminToken, ready.path, ServerEndToEndTests.artifacts.path],
                    executable: URL(fileURLWithPath: "/usr/bin/env"))
            }
            let deadline = Date().addingTimeInterval(120)
            while !FileManager.default.fileExists(atPath: ready.path), Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(FileManager.default.fileExists(atPath: ready.path), "the browser never listened")
        } else {
            print("ServerLiveListTests: no Chromium/chromedriver/selenium here; the browser part is skipped")
        }
        // The stream itself: a first event at once, another when the run is queued (it ends itself).
        let events = directory.url.appendingPathComponent("events.txt")
        let curl = Task {
            try await GaaraBinary.runShell(
                "curl -sS -N --max-time 20 -H 'Authorization: Bearer \(server.adminToken)' -o '\(events.path)' '\(server.url)/api/events/runs?timeout=10'; true"
            )
        }
        try await Task.sleep(for: .milliseconds(500))
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        _ = try await server.waitForRun(id)

        _ = try await curl.value
        let stream = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
        #expect(stream.hasPrefix("event: runs\ndata: {\"version\":"), "\(stream)")
        #expect(stream.components(separatedBy: "event: runs\n").count - 1 >= 2, "a change after the first event: \(stream)")

        if let watcher {
            let watched = try await watcher.value
            #expect(watched.status == 0, "\(watched.stdout)\(watched.stderr)")
            let seen = (try? JSONSerialization.jsonObject(with: Data(watched.stdout.utf8)) as? [String: Any]) ?? [:]
            print("runs list in Chromium: \(seen)")
            // The empty list says how a run starts: the repository's push URL.
            #expect(seen["rows_at_load"] as? Int == 0 && (seen["empty_text"] as? String ?? "").contains("No runs yet"), "\(seen)")
            #expect((seen["push_urls"] as? String ?? "").contains("git push \(server.data.path)/repos/app.git main"), "\(seen)")
            #expect(seen["final_status"] as? String == "success" && seen["rows_after"] as? Int == 1, "\(seen)")
            #expect(seen["marker"] as? String == "kept", "the page reloaded: \(seen)")
            #expect(seen["phone_scroll_width"] as? Int ?? 999 <= 390, "the runs list scrolls sideways on a phone: \(seen)")
            // WCAG 1.4.3: text contrast of at least 4.5:1 for every status badge and coloured annotation.
            let contrast = seen["contrast"] as? [String: Double] ?? [:]
            #expect(contrast.count >= 20, "\(contrast)")
            for (what, ratio) in contrast.sorted(by: { $0.key < $1.key }) { #expect(ratio >= 4.5, "\(what): \(ratio):1") }
            #expect(seen["updates"] as? Int ?? 0 >= 1 && (seen["console_errors"] as? [String])?.isEmpty == true, "\(seen)")
        }
    }
}
