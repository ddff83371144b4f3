import Foundation
import Testing

/// `gaara serve` against real git pushes, the REST API and the CLI: triggers and their filters,
/// dispatch inputs, concurrency groups, cancel, re-run, live logs, secrets, statuses, artifacts.
@Suite(.serialized)
struct ServerFeatureTests {
    static let pushWorkflow = """
        name: Push
        on:
          push:
            branches: [main]
            tags: ['v*']
            paths-ignore: ['docs/**']
        jobs:
          show:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: echo "ref=$GITHUB_REF sha=$GITHUB_SHA attempt=$GITHUB_RUN_ATTEMPT" && cat README
        """

    static func start(_ directory: TemporaryDirectory, _ files: [String: String]) async throws -> (ServerProcess, PushSource) {
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        let add = try await server.cli(["repo", "add", "app"])
        #expect(add.status == 0, "\(add.stdout)\(add.stderr)")
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: files)
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        return (server, source)
    }

    @Test func pushesStartTheWorkflowsTheirFiltersAccept() async throws {
        let directory = try TemporaryDirectory()
        let (server, source) = try await Self.start(directory, [".github/workflows/push.yml": Self.pushWorkflow, "README": "one\n"])
        let output = try await source.git("push -q origin main")
        // The hook reports the run before the push returns.
        #expect(output.contains("Push #1 queued"), "\(output)")
        var runs = try await server.runs()
        #expect(runs.count == 1)
        let first = try await server.waitForRun(runs[0]["id"] as! Int)
        #expect((first["run"] as? [String: Any])?["conclusion"] as? String == "success")
        let log = try await server.request("GET", "/api/runs/\(runs[0]["id"] as! Int)/logs", token: server.adminToken)
        let sha = try await source.head()
        #expect(String(decoding: log.body, as: UTF8.self).contains("ref=refs/heads/main sha=\(sha) attempt=1"))

        // Only docs changed: paths-ignore skips it. A branch the filter does not list: skipped.
        try await source.commit(["docs/guide.md": "# guide\n"], message: "docs")
        try await source.git("push -q origin main")
        try await source.git("push -q origin main:feature")
        // Deleting a branch starts nothing; a v* tag does; another tag does not.
        try await source.git("push -q origin :feature")
        try await source.git("tag v1.0 && git tag other && git push -q origin v1.0 other")
        runs = try await server.runs()
        #expect(runs.count == 2, "\(runs.map { $0["ref"] ?? "" })")
        #expect(runs.first?["ref"] as? String == "refs/tags/v1.0")
        _ = try await server.waitForRun(runs[0]["id"] as! Int)

        // A workflow with errors gets a failed run that says why, with the file and line.
        try await source.commit(
            [".github/workflows/broken.yml": "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: a\n        uses: b\n"],
            message: "broken")
        try await source.git("push -q origin main")
        runs = try await server.runs()
        let broken = try #require(runs.first { $0["workflow_path"] as? String == ".github/workflows/broken.yml" })
        let detail = try await server.run(broken["id"] as! Int)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "failure")
        let annotations = detail["annotations"] as? [[String: Any]] ?? []
        #expect(annotations.contains { ($0["message"] as? String ?? "").contains("run") && $0["line"] as? Int == 6 }, "\(annotations)")
        await server.stop()
    }

    @Test func dispatchChecksTypedInputsAndPassesThem() async throws {
        let directory = try TemporaryDirectory()
        let workflow = """
            name: Deploy
            on:
              workflow_dispatch:
                inputs:
                  target: {type: choice, options: [staging, production], required: true}
                  dry: {type: boolean, default: true}
                  count: {type: number, default: 1}
            jobs:
              go:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "target=${{ inputs.target }} dry=${{ inputs.dry }} count=${{ inputs.count }}"
            """
        let (server, source) = try await Self.start(directory, [".github/workflows/deploy.yml": workflow])
        try await source.git("push -q origin main")
        let bad: [([String: Any], String)] = [
            (["workflow": "deploy.yml", "inputs": ["target": "moon"]], "must be one of staging, production"),
            (["workflow": "deploy.yml", "inputs": ["target": "staging", "dry": "maybe"]], "true or false"),
            (["workflow": "deploy.yml", "inputs": ["target": "staging", "count": "many"]], "must be a number"),
            (["workflow": "deploy.yml", "inputs": [:]], "input 'target' is required"),
            (["workflow": "deploy.yml", "inputs": ["target": "staging", "extra": "1"]], "declares no input 'extra'"),
            (["workflow": "nope.yml"], "no workflow 'nope.yml'"),
            (["workflow": "deploy.yml", "ref": "no-such-branch", "inputs": ["target": "staging"]], "no ref 'no-such-branch'"),
            (["inputs": ["target": "staging"]], "missing 'workflow'"),
        ]
        for (body, reason) in bad {
            let (status, data) = try await server.request("POST", "/api/repos/app/dispatches", token: server.adminToken, json: body)
            let text = String(decoding: data, as: UTF8.self)
            #expect((400..<500).contains(status) && text.contains(reason), "\(body): \(status) \(text)")
        }
        #expect(try await server.runs().isEmpty, "a refused dispatch started a run")
        let cli = try await server.cli(["dispatch", "app", "deploy.yml", "--input", "target=production", "--input", "dry=false", "--follow"])
        #expect(cli.status == 0, "\(cli.stdout)\(cli.stderr)")
        #expect(cli.stdout.contains("target=production dry=false count=1"), "\(cli.stdout)")
        await server.stop()
    }

    @Test func concurrencyGroupsKeepOneRunningAndOnePending() async throws {
        let directory = try TemporaryDirectory()
        // Each dispatch says how long its job sleeps: the first sleeps until the test cancels it, so
        // the order of events does not hang on how fast a loaded machine answers.
        func workflow(_ name: String, cancel: Bool) -> String {
            """
            name: \(name)
            on:
              workflow_dispatch:
                inputs:
                  seconds: {type: string, default: "1"}
            concurrency:
              group: deploy-\(name)
              cancel-in-progress: \(cancel)
            jobs:
              slow:
                runs-on: ubuntu-latest
                steps:
                  - run: sleep ${{ inputs.seconds }}
            """
        }
        let (server, source) = try await Self.start(
            directory,
            [".github/workflows/queue.yml": workflow("queue", cancel: false), ".github/workflows/replace.yml": workflow("replace", cancel: true)])
        try await source.git("push -q origin main")
        func dispatch(_ workflow: String, seconds: Int) async throws -> Int {
            let (status, data) = try await server.request(
                "POST", "/api/repos/app/dispatches", token: server.adminToken, json: ["workflow": workflow, "inputs": ["seconds": "\(seconds)"]])
            #expect(status == 201)
            let runs = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["runs"] as? [[String: Any]]
            return runs?.first?["id"] as? Int ?? 0
        }
        func conclusion(_ id: Int) async throws -> String {
            (try await server.waitForRun(id)["run"] as? [String: Any])?["conclusion"] as? String ?? ""
        }
        func status(_ id: Int) async throws -> String { (try await server.run(id)["run"] as? [String: Any])?["status"] as? String ?? "" }

        // The first runs; the second waits behind it and is replaced by the third, which waits.
        let first = try await dispatch("queue.yml", seconds: 600)
        _ = try await server.waitForRun(first, until: "running", timeout: 60)
        let second = try await dispatch("queue.yml", seconds: 1)
        let third = try await dispatch("queue.yml", seconds: 1)
        #expect(try await conclusion(second) == "cancelled", "a newer pending run replaces the one waiting in the group")
        let (firstStatus, thirdStatus) = (try await status(first), try await status(third))
        #expect(firstStatus == "running" && thirdStatus != "completed", "the first still runs; the third waits for it")
        // The first ends (cancelled by hand here); then the third runs.
        let (cancelled, _) = try await server.request("POST", "/api/runs/\(first)/cancel", token: server.adminToken)
        #expect(cancelled == 202, "\(cancelled)")
        #expect(try await conclusion(first) == "cancelled")
        #expect(try await conclusion(third) == "success")

        // cancel-in-progress: the running (or still pending) one is cancelled for the newer one.
        let replaced = try await dispatch("replace.yml", seconds: 600)
        _ = try await server.waitForRun(replaced, until: "running", timeout: 60)
        let newer = try await dispatch("replace.yml", seconds: 1)
        #expect(try await conclusion(replaced) == "cancelled")
        #expect(try await conclusion(newer) == "success")
        await server.stop()
    }

    @Test func cancelRerunLiveLogsSecretsStatusesAndArtifacts() async throws {
        let directory = try TemporaryDirectory()
        let workflow = """
            name: Everything
            on:
              push:
              workflow_dispatch:
                inputs:
                  mode: {type: string, default: normal}
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - name: Work
                    run: |
                      if [ "${{ inputs.mode }}" = slow ]; then sleep 60; fi
                      for i in 1 2 3; do echo "line $i"; sleep 0.2; done
                      echo "secret is $TOKEN"
                      mkdir -p out && echo artifact-content > out/result.txt
                      cat > junit.xml <<'XML'
                      <testsuite name="s" tests="2" failures="0"><testcase name="a"/><testcase name="b"/></testsuite>
                      XML
                    env:
                      TOKEN: ${{ secrets.DEPLOY_TOKEN }}
                  - run: gaara gate --junit junit.xml
                  - uses: actions/upload-artifact@v4
                    with: {name: result, path: out/}
                  - if: always()
                    run: echo "cleanup ran"
              flaky:
                runs-on: ubuntu-latest
                steps:
                  - run: test "$GITHUB_RUN_ATTEMPT" -ge 2
            """
        let (server, source) = try await Self.start(directory, [".github/workflows/all.yml": workflow])
        let secret = try await server.request(
            "PUT", "/api/repos/app/secrets/DEPLOY_TOKEN", token: server.adminToken, json: ["value": "hunter2-very-secret"])
        #expect(secret.status == 204)
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        // Live logs through the CLI's event stream; it exits 1 because 'flaky' fails on attempt 1.
        let follow = try await server.cli(["runs", "logs", String(id), "--follow"])
        #expect(follow.status == 1, "\(follow.stdout)\(follow.stderr)")
        #expect(follow.stdout.contains("[build-0] line 3"), "\(follow.stdout)")
        #expect(follow.stdout.contains("secret is ***"))
        #expect(!follow.stdout.contains("hunter2"))
        let stored = try await server.request("GET", "/api/runs/\(id)/logs", token: server.adminToken)
        #expect(!String(decoding: stored.body, as: UTF8.self).contains("hunter2"))
        #expect(String(decoding: stored.body, as: UTF8.self).contains("cleanup ran"))

        // Gate results became commit statuses; the run has its gate table and artifact.
        let sha = try await source.head()
        let statuses = try await server.json("/api/repos/app/commits/\(sha)/statuses") as? [[String: Any]] ?? []
        let states = Dictionary(uniqueKeysWithValues: statuses.map { ($0["context"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states["gaara/tests"] == "success" && states["gaara/quality-gate"] == "success", "\(statuses)")
        #expect(states["gaara/Everything"] == "failure")
        let detail = try await server.run(id)
        #expect(detail["gates_passed"] as? Bool == true)
        let artifact = try #require((detail["artifacts"] as? [[String: Any]])?.first)
        #expect(artifact["name"] as? String == "result" && artifact["files"] as? Int == 1)
        let download = try await server.request("GET", artifact["download_url"] as! String, token: server.adminToken)
        #expect(download.status == 200)
        let archive = directory.url.appendingPathComponent("result.tar.gz")
        try download.body.write(to: archive)
        let listing = try await GaaraBinary.runShell("tar -xzOf '\(archive.path)'")
        #expect(listing.stdout.contains("artifact-content"), "\(listing.stdout)\(listing.stderr)")

        // Re-run only the failed job: a new attempt with 'flaky' alone, which now passes.
        let rerun = try await server.cli(["runs", "rerun", String(id), "--failed-only"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let rerunID = try #require(try await server.runs().first?["id"] as? Int)
        let rerunDetail = try await server.waitForRun(rerunID)
        #expect((rerunDetail["run"] as? [String: Any])?["attempt"] as? Int == 2)
        #expect((rerunDetail["run"] as? [String: Any])?["conclusion"] as? String == "success")
        #expect((rerunDetail["jobs"] as? [[String: Any]])?.map { $0["key"] as? String ?? "" } == ["flaky"])
        let again = try await server.request("POST", "/api/runs/\(rerunID)/rerun", token: server.adminToken, json: ["failed_only": true])
        #expect(again.status == 409)

        // Cancel a running run: it ends cancelled within seconds, and always() steps still run.
        let started = try await server.cli(["dispatch", "app", "all.yml", "--input", "mode=slow"])
        #expect(started.status == 0, "\(started.stderr)")
        let slowID = try #require(try await server.runs().first?["id"] as? Int)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try await server.run(slowID)["jobs"] as? [[String: Any]] ?? []).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(1))
        let begin = Date()
        let cancel = try await server.cli(["runs", "cancel", String(slowID)])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let cancelled = try await server.waitForRun(slowID, timeout: 30)
        #expect(Date().timeIntervalSince(begin) < 15)
        #expect((cancelled["run"] as? [String: Any])?["conclusion"] as? String == "cancelled")
        let slowLog = try await server.request("GET", "/api/runs/\(slowID)/logs", token: server.adminToken)
        #expect(String(decoding: slowLog.body, as: UTF8.self).contains("cleanup ran"))
        let late = try await server.request("POST", "/api/runs/\(slowID)/cancel", token: server.adminToken)
        #expect(late.status == 409)
        await server.stop()
    }

    @Test func schedulesRunOncePerTickAcrossARestart() async throws {
        let directory = try TemporaryDirectory()
        let workflow =
            "name: Nightly\non:\n  schedule:\n    - cron: '* * * * *'\njobs:\n  tick:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo tick\n"
        var (server, source) = try await Self.start(directory, [".github/workflows/nightly.yml": workflow])
        try await source.git("push -q origin main")
        // The next minute boundary fires it.
        let deadline = Date().addingTimeInterval(75)
        var scheduled: [[String: Any]] = []
        while Date() < deadline, scheduled.isEmpty {
            scheduled = try await server.runs("event=schedule")
            try await Task.sleep(for: .milliseconds(200))
        }
        let first = try #require(scheduled.first, "no scheduled run within 75 s")
        let fired = first["created_at"] as? String ?? ""
        // Restart within the same minute: the tick is recorded, so it does not run again.
        await server.stop()
        server = try await ServerProcess(data: server.data)
        try await Task.sleep(for: .seconds(2))
        let after = try await server.runs("event=schedule", token: try await Self.token(server))
        let sameMinute = after.filter { ($0["created_at"] as? String ?? "").prefix(16) == fired.prefix(16) }
        #expect(sameMinute.count == 1, "\(after)")
        await server.stop()
    }

    /// A fresh admin token from the local key (a restarted server prints none).
    static func token(_ server: ServerProcess) async throws -> String {
        let created = try await server.cli(["token", "create", "--role", "admin", "--name", "test"])
        guard created.status == 0 else { throw ServerTestError("token create: \(created.stderr)") }
        return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Commit statuses posted to a GitHub-compatible status API (a small recording server on loopback).
@Suite(.serialized)
struct ServerStatusPostingTests {
    static let recorder = """
        import http.server, json, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with open(sys.argv[1], "a") as out:
                    out.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"), "body": json.loads(body)}) + "\\n")
                self.send_response(201)
                self.end_headers()
                self.wfile.write(b"{}")
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_port, flush=True)
        server.serve_forever()
        """

    @Test func gateStatusesArePostedToTheForge() async throws {
        let directory = try TemporaryDirectory()
        let captured = directory.url.appendingPathComponent("posted.jsonl")
        let portFile = directory.url.appendingPathComponent("port")
        let forge = Process()
        forge.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        forge.arguments = ["python3", "-c", Self.recorder, captured.path]
        _ = FileManager.default.createFile(atPath: portFile.path, contents: nil)
        forge.standardOutput = try FileHandle(forWritingTo: portFile)
        // Its own stdin and stderr: an inherited test-runner pipe would keep the runner waiting.
        forge.standardInput = FileHandle.nullDevice
        forge.standardError = FileHandle.nullDevice
        try forge.run()
        // SIGKILL: a child started from a test thread inherits a mask that blocks SIGTERM.
        defer { kill(forge.processIdentifier, SIGKILL) }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = (try? String(contentsOf: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        let server = try await ServerProcess(
            data: directory.url.appendingPathComponent("data"),
            arguments: ["--status-url", "http://127.0.0.1:\(port)", "--status-token", "forge-token"])
        #expect(try await server.cli(["repo", "add", "app", "--upstream", "octo/app"]).status == 0)
        let workflow = """
            name: Gated
            on: push
            jobs:
              gate:
                runs-on: ubuntu-latest
                steps:
                  - run: printf '<testsuite tests="1" failures="0"><testcase name="t"/></testsuite>' > junit.xml
                  - run: gaara gate --junit junit.xml
            """
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/gated.yml": workflow])
        try await source.git("push -q '\(server.data.path)/repos/app.git' main")
        _ = try await server.waitForRun(1)
        let sha = try await source.head()
        var posted: [[String: Any]] = []
        for _ in 0..<100 {
            let lines = ((try? String(contentsOf: captured, encoding: .utf8)) ?? "").split(separator: "\n")
            posted = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            if posted.contains(where: {
                ($0["body"] as? [String: Any])?["context"] as? String == "gaara/Gated"
                    && ($0["body"] as? [String: Any])?["state"] as? String == "success"
            }) {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(
            posted.allSatisfy { $0["path"] as? String == "/repos/octo/app/statuses/\(sha)" && $0["auth"] as? String == "Bearer forge-token" },
            "\(posted)")
        let states = posted.compactMap { post -> String? in
            guard let body = post["body"] as? [String: Any] else { return nil }
            return "\(body["context"] as? String ?? "")=\(body["state"] as? String ?? "")"
        }
        for expected in ["gaara/Gated=pending", "gaara/Gated=success", "gaara/tests=success", "gaara/quality-gate=success"] {
            #expect(states.contains(expected), "\(states)")
        }
        #expect(posted.allSatisfy { (($0["body"] as? [String: Any])?["target_url"] as? String ?? "").hasPrefix(server.url + "/runs/") })
        await server.stop()
    }
}
