import Foundation
import Testing

/// The whole story of `gaara serve`: start it on a free port with an empty data directory, add a
/// repository, `git push` the example app to it, and watch the CI run start, stream its logs and
/// finish with its gates — through the REST API, the CLI and the dashboard in headless Chromium.
@Suite(.serialized)
struct ServerEndToEndTests {
    /// Where screenshots go (kept after the test): $GAARA_TEST_ARTIFACTS or .build/test-artifacts.
    static let artifacts: URL = {
        if let path = ProcessInfo.processInfo.environment["GAARA_TEST_ARTIFACTS"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent("dashboard")
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/test-artifacts/dashboard")
    }()

    static let browserScript = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/browser/dashboard_check.py")

    /// Whether Chromium, chromedriver and Selenium are here; CI sets GAARA_REQUIRE_BROWSER=1 so a
    /// missing browser fails instead of skipping.
    static func browserAvailable() async throws -> Bool {
        let probe = try await GaaraBinary.runShell("test -x /usr/bin/chromium && test -x /usr/bin/chromedriver && python3 -c 'import selenium'")
        return probe.status == 0
    }

    @Test func pushingTheExampleAppRunsItsPipelineLive() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        defer { Task { await server.stop() } }
        let add = try await server.cli(["repo", "add", "gaara-app"])
        #expect(add.status == 0, "\(add.stdout)\(add.stderr)")
        #expect(add.stdout.contains("git push \(server.data.path)/repos/gaara-app.git main"))
        let repo = try await ExamplePipelineTests.repository(in: directory)
        let push = try await GaaraBinary.runShell("cd '\(repo.path)' && git push '\(server.data.path)/repos/gaara-app.git' main 2>&1")
        #expect(push.status == 0, "\(push.stdout)")
        #expect(push.stdout.contains("CI #1 queued"), "\(push.stdout)")
        let sha = try await GaaraBinary.runShell("git -C '\(repo.path)' rev-parse HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // While it runs: the CLI follows the live log, and Chromium watches the run page.
        let wantBrowser = try await Self.browserAvailable()
        let required = ProcessInfo.processInfo.environment["GAARA_REQUIRE_BROWSER"] == "1"
        #expect(wantBrowser || !required, "GAARA_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        if !wantBrowser { print("ServerEndToEndTests: no Chromium/chromedriver/selenium here; the dashboard part is skipped") }
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        async let follow = server.cli(["runs", "logs", "1", "--follow"])
        async let browser: GaaraBinary.Output? =
            wantBrowser
            ? GaaraBinary.run(
                ["python3", Self.browserScript.path, server.url, server.adminToken, "1", "gaara-app", Self.artifacts.path],
                executable: URL(fileURLWithPath: "/usr/bin/env")) : nil
        let followed = try await follow
        let watched = try await browser

        // The CLI saw the pipeline's output live and the run's success.
        #expect(followed.status == 0, "\(followed.stdout.suffix(4000))\(followed.stderr)")
        #expect(followed.stdout.contains("Quality gate passed."), "\(followed.stdout.suffix(4000))")
        #expect(followed.stdout.contains("run 1: success"))

        // The API has the run, its jobs, its gates, and the commit's statuses.
        let detail = try await server.waitForRun(1)
        let run = try #require(detail["run"] as? [String: Any])
        #expect(run["conclusion"] as? String == "success" && run["sha"] as? String == sha && run["event"] as? String == "push")
        let jobs = detail["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count >= 4 && jobs.allSatisfy { $0["conclusion"] as? String == "success" }, "\(jobs.map { $0["name"] ?? "" })")
        #expect(jobs.allSatisfy { !($0["steps"] as? [Any] ?? []).isEmpty })
        #expect(detail["gates_passed"] as? Bool == true)
        let gates = detail["gates"] as? [[String: Any]] ?? []
        #expect(Set(gates.compactMap { $0["context"] as? String }).isSuperset(of: ["gaara/tests", "gaara/coverage/project", "gaara/security"]))
        let statuses = try await server.json("/api/repos/gaara-app/commits/\(sha)/statuses") as? [[String: Any]] ?? []
        let states = Dictionary(uniqueKeysWithValues: statuses.map { ($0["context"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states["gaara/quality-gate"] == "success" && states["gaara/tests"] == "success" && states["gaara/CI"] == "success", "\(states)")
        // The CLI lists and shows it.
        let listed = try await server.cli(["runs", "list", "--repository", "gaara-app"])
        let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.first == ["ID", "STATUS", "REPOSITORY", "WORKFLOW", "EVENT", "BRANCH", "COMMIT", "AGE", "DURATION"], "\(listed.stdout)")
        let row = rows.dropFirst().first ?? []
        #expect(row.prefix(8) == ["1", "success", "gaara-app", "CI", "#1", "push", "main", String(sha.prefix(8))], "\(listed.stdout)")
        #expect(row.count > 10 && row[9] == "ago", "age, then duration: \(listed.stdout)")
        // A job's log by the job's name; a name the run does not have says which it has.
        let runJSON = try await server.json("/api/runs/1") as? [String: Any]
        let jobName = try #require((runJSON?["jobs"] as? [[String: Any]])?.first?["name"] as? String)
        let jobLog = try await server.cli(["runs", "logs", "1", "--job", jobName])
        #expect(jobLog.status == 0 && !jobLog.stdout.isEmpty, "\(jobLog.stderr)")
        let noJob = try await server.cli(["runs", "logs", "1", "--job", "nope"])
        #expect(noJob.status == 2 && noJob.stderr.contains("run 1 has no job 'nope' (it has: '\(jobName)'"), "\(noJob.stderr)")
        let shown = try await server.cli(["runs", "show", "1"])
        #expect(shown.stdout.contains("gate gaara/coverage/project: pass"), "\(shown.stdout)")

        // Without JavaScript the run page already shows the gate table and the logs.
        let (status, page) = try await server.request("GET", "/runs/1", headers: ["Cookie": "gaara_token=\(server.adminToken)"])
        let html = String(decoding: page, as: UTF8.self)
        #expect(status == 200 && html.contains("<table class=\"gates\">") && html.contains("class=\"line\""))
        // Without a token the dashboard sends the browser to the sign-in page.
        let (_, signIn) = try await server.request("GET", "/runs/1")
        #expect(String(decoding: signIn, as: UTF8.self).contains("<h1>Sign in</h1>"))

        // Logs of finished steps are stored compressed.
        let logs = server.data.appendingPathComponent("logs/1")
        let files = FileManager.default.enumerator(atPath: logs.path)?.allObjects as? [String] ?? []
        #expect(!files.isEmpty && files.filter { $0.hasSuffix(".log") }.isEmpty && !files.filter { $0.hasSuffix(".log.gz") }.isEmpty, "\(files)")

        if let watched {
            #expect(watched.status == 0, "\(watched.stdout)\(watched.stderr)")
            let seen = (try? JSONSerialization.jsonObject(with: Data(watched.stdout.utf8)) as? [String: Any]) ?? [:]
            print("dashboard in Chromium: \(seen)")
            #expect(seen["live_lines_first_seen"] as? Int ?? 0 > 0, "\(seen)")
            #expect(seen["status_when_lines_arrived"] as? String != "completed", "lines came only after the end: \(seen)")
            #expect(seen["final_status"] as? String == "success", "\(seen)")
            #expect(seen["gate_rows"] as? Int ?? 0 >= 4 && seen["graph_nodes"] as? Int ?? 0 >= 4, "\(seen)")
            #expect(seen["log_lines"] as? Int ?? 0 > 20 && seen["runs_listed"] as? Int ?? 0 >= 1, "\(seen)")
            #expect(seen["runs_listed_failure_filter"] as? Int == 0 && seen["dispatch_forms"] as? Int == 2, "CI and Deploy: \(seen)")
            for name in ["run-live.png", "run-done.png", "runs.png", "repository.png"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: Self.artifacts.appendingPathComponent(name).path))?[.size] as? Int ?? 0
                #expect(size > 10_000, "\(name) is \(size) bytes")
            }
        }
    }
}
