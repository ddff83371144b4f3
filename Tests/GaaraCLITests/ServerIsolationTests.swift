import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Attack fixtures of the security model: what a pushed workflow can reach on the server's host
/// (issue #21, items 1 and 5). Each runs the real `gaara serve` with its default isolation.
@Suite(.serialized) struct ServerIsolationTests {
    /// The pids of processes whose command line is exactly `argv`.
    static func processes(_ argv: [String]) -> [pid_t] {
        let needle = Array(argv.joined(separator: "\u{0}").utf8) + [0]
        var found: [pid_t] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let line = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            if [UInt8](line) == needle { found.append(pid) }
        }
        return found
    }

    /// Waits until `condition` holds (polling), up to `seconds`.
    static func wait(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    /// The run's whole log as text.
    static func log(_ server: ServerProcess, _ run: Int, token: String) async throws -> String {
        let (status, body) = try await server.request("GET", "/api/runs/\(run)/logs", token: token)
        guard status == 200 else { throw ServerTestError("logs of run \(run): HTTP \(status)") }
        return String(decoding: body, as: UTF8.self)
    }

    /// Pushes `workflow` to the server's repository `app` and waits for its run: the detail and the log.
    static func pushAndRun(_ server: ServerProcess, _ directory: TemporaryDirectory, _ workflow: String) async throws -> ([String: Any], String) {
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/w.yml": workflow])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        let detail = try await server.waitForRun(id)
        return (detail, try await log(server, id, token: server.adminToken))
    }

    @Test func aStepCannotReadTheServersKeysDatabaseOrProcess() async throws {
        let directory = try TemporaryDirectory()
        // The server's home holds a key of its own, and the data directory is inside it (as the
        // default ~/.local/share/gaara is).
        let home = directory.url.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        let sshKey = home.appendingPathComponent(".ssh/id_ed25519")
        try "PRIVATE KEY".write(to: sshKey, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(
            data: home.appendingPathComponent(".local/share/gaara"), environment: ["HOME": home.path])
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let data = server.data.standardizedFileURL.path
        let pid = server.process.processIdentifier
        // What the issue's attacker did: read the keys and the database, or reach them through the
        // server's process (its mount view, environment, memory), or find another run's folder.
        let probes = [
            "$DATA/secrets.key", "$DATA/hook.key", "$DATA/gaara.db", "$DATA/step-marker", "/proc/$PID/root$DATA/hook.key", "/proc/$PID/environ",
            "/proc/$PID/mem", "/proc/$PID/cwd/hook.key", "\(sshKey.path)",
        ]
        let workflow = """
            on: push
            jobs:
              probe:
                runs-on: ubuntu-latest
                steps:
                  - name: Probe
                    shell: bash
                    run: |
                      DATA='\(data)'
                      PID=\(pid)
                      for f in \(probes.map { "\"\($0)\"" }.joined(separator: " ")); do
                        if head -c 1 "$f" >/dev/null 2>&1; then echo "LEAK $f"; else echo "DENIED $f"; fi
                      done
                      if ls "$DATA/runs" 2>/dev/null | grep -qvx "$GITHUB_RUN_ID"; then echo "LEAK other runs"; else echo "DENIED other runs"; fi
                      if env | grep -F "$DATA" | grep -vqF "$DATA/runs/$GITHUB_RUN_ID"; then echo "LEAK environment"; else echo "DENIED environment"; fi
                      if env | grep -q '^GAARA_SERVER'; then echo "LEAK server variables"; else echo "DENIED server variables"; fi
                      echo "whoami=$(id -u)"
            """
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/probe.yml": workflow])
        try await source.git("remote add origin '\(data)/repos/app.git'")
        try await source.git("push -q origin main")
        let runs = try await server.runs()
        let id = try #require(runs.first?["id"] as? Int)
        let detail = try await server.waitForRun(id)
        let log = try await Self.log(server, id, token: server.adminToken)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(log)")
        #expect(!log.contains("LEAK"), "\(log)")
        #expect(log.components(separatedBy: "DENIED ").count - 1 == probes.count + 3, "\(log)")
        if geteuid() == 0 {
            // As root the server hands steps to an unprivileged user.
            #expect(!log.contains("whoami=0"), "\(log)")
        }
        // The data directory and the database are the server's alone.
        var info = stat()
        #expect(stat(data, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(data + "/gaara.db", &info) == 0 && info.st_mode & 0o077 == 0)
        await server.stop()
    }

    @Test func stepProcessesEndWithTheirJobCancelAndAServerCrash() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data")
        var server = try await ServerProcess(data: data)
        let admin = server.adminToken
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        // Each leaves processes behind in every way a step can: in the background, in a new
        // session (setsid), and as a grandchild whose parent exited.
        func leaver(_ base: Int, waits: Bool) -> String {
            """
            on: workflow_dispatch
            jobs:
              leave:
                runs-on: ubuntu-latest
                steps:
                  - run: |
                      setsid sleep \(base + 1) </dev/null >/dev/null 2>&1 &
                      bash -c 'sleep \(base + 2) </dev/null >/dev/null 2>&1 &'
                      sleep \(base + 3) </dev/null >/dev/null 2>&1 &
                      echo left
                      \(waits ? "sleep \(base + 4)" : "true")
            """
        }
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("src"),
            files: [
                ".github/workflows/ends.yml": leaver(2710, waits: false), ".github/workflows/cancel.yml": leaver(2720, waits: true),
                ".github/workflows/crash.yml": leaver(2730, waits: true),
            ])
        try await source.git("remote add origin '\(data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        func dispatch(_ workflow: String) async throws -> Int {
            let (status, body) = try await server.request("POST", "/api/repos/app/dispatches", token: admin, json: ["workflow": workflow])
            #expect(status == 201, "\(String(decoding: body, as: UTF8.self))")
            let object = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            return try #require(((object?["runs"] as? [[String: Any]])?.first)?["id"] as? Int)
        }
        func sleepers(_ base: Int, _ count: Int) -> [pid_t] {
            (1...count).flatMap { Self.processes(["sleep", String(base + $0)]) }
        }

        // A job that succeeds: nothing it started outlives it.
        let ends = try await dispatch("ends.yml")
        _ = try await server.waitForRun(ends, token: admin)
        #expect(try await Self.wait(10) { sleepers(2710, 3).isEmpty }, "left running after the job: \(sleepers(2710, 3))")

        // A cancelled job: all of it stops.
        let cancelled = try await dispatch("cancel.yml")
        #expect(try await Self.wait(120) { sleepers(2720, 4).count == 4 }, "the step did not start its processes")
        let (status, _) = try await server.request("POST", "/api/runs/\(cancelled)/cancel", token: admin)
        #expect(status == 202 || status == 200)
        _ = try await server.waitForRun(cancelled, token: admin)
        #expect(try await Self.wait(10) { sleepers(2720, 4).isEmpty }, "left running after cancel: \(sleepers(2720, 4))")

        // kill -9 of the server mid-step: the next start stops every process the step started.
        let crashed = try await dispatch("crash.yml")
        #expect(try await Self.wait(120) { sleepers(2730, 4).count == 4 }, "the step did not start its processes")
        await server.stop(SIGKILL)
        #expect(sleepers(2730, 4).count == 4, "the crash itself should leave them running")
        server = try await ServerProcess(data: data)
        #expect(try await Self.wait(10) { sleepers(2730, 4).isEmpty }, "left running after a crash and restart: \(sleepers(2730, 4))")
        let detail = try await server.run(crashed, token: admin)
        #expect((detail["run"] as? [String: Any])?["status"] as? String == "completed")
        await server.stop()
    }

    @Test func containersCannotMountTheHostUnderIsolation() async throws {
        guard DockerEngine.isAvailable else {
            #expect(ProcessInfo.processInfo.environment["GAARA_REQUIRE_DOCKER"] != "1", "Docker is required here but not reachable")
            return
        }
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let workflow = """
            on: push
            jobs:
              options:
                runs-on: ubuntu-latest
                container: {image: gaara-test/busybox:1, options: "-v /:/host"}
                steps:
                  - run: cat /host\(server.data.path)/secrets.key | od -c | head -1
              volume:
                runs-on: ubuntu-latest
                services:
                  spy: {image: gaara-test/busybox:1, volumes: ["\(server.data.path):/data"]}
                steps:
                  - run: echo never
            """
        let (detail, log) = try await Self.pushAndRun(server, directory, workflow)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "failure")
        #expect(log.contains("the container option '-v' is not allowed under step isolation") || log.contains("mounts a host path"), "\(log)")
        #expect(log.contains("the volume '\(server.data.path):/data' mounts a host path outside the run's folders"), "\(log)")
        await server.stop()
    }

    @Test func builtInActionsCannotReadOrWriteOutsideTheRun() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let data = server.data.standardizedFileURL.path
        // Built-in actions run as the server: a path, or a link a step made, must not take them
        // to the server's keys or the host.
        let workflow = """
            on: push
            jobs:
              reach:
                runs-on: ubuntu-latest
                steps:
                  - run: ln -s '\(data)/secrets.key' key-link && mkdir -p out && echo fine > out/ok.txt
                  - {uses: actions/upload-artifact@v4, continue-on-error: true, with: {name: direct, path: '\(data)/hook.key'}}
                  - {uses: actions/upload-artifact@v4, continue-on-error: true, with: {name: linked, path: key-link}}
                  - {uses: actions/upload-artifact@v4, with: {name: fine, path: out/}}
                  - {uses: actions/download-artifact@v4, continue-on-error: true, with: {name: fine, path: /etc/gaara-test-drop}}
                  - {uses: actions/cache/save@v4, continue-on-error: true, with: {key: k1, path: /etc/hostname}}
            """
        let (detail, log) = try await Self.pushAndRun(server, directory, workflow)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(log)")
        for action in ["upload-artifact: '\(data)/hook.key'", "download-artifact: '/etc/gaara-test-drop'", "actions/cache: '/etc/hostname'"] {
            #expect(log.contains("\(action) is outside the run's folders"), "\(action): \(log)")
        }
        // The link to secrets.key is refused or not taken as a file: either way no artifact.
        let artifacts = (detail["artifacts"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(artifacts == ["fine"], "\(artifacts)")
        #expect(!FileManager.default.fileExists(atPath: "/etc/gaara-test-drop"))
        await server.stop()
    }
}
