import Foundation
import GaaraDeployCore
import GaaraProcess
import Testing

@testable import GaaraDeploy

/// Real processes: a release answers on its own port, comes back after it dies, is adopted (not
/// started twice) by a new target after a controller restart, and is gone after stop.
@Suite(.serialized)
struct LocalProcessTargetTests {
    /// A release directory whose command serves `up` with Python's http.server on `$PORT`.
    static func releaseDirectory(_ root: URL, text: String) throws -> URL {
        let directory = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try text.write(to: directory.appendingPathComponent("up"), atomically: true, encoding: .utf8)
        return directory
    }

    /// The body of `GET /up`, nil when nothing answers.
    static func get(_ endpoint: TargetEndpoint) async -> String? {
        let command = ChildProcess.Command(
            "curl", ["-sf", "--max-time", "2", "http://\(endpoint)/up"], environment: ProcessInfo.processInfo.environment)
        guard let result = try? await ChildProcess.capture(command, timeout: 10), result.status.isSuccess else { return nil }
        return result.output
    }

    /// Waits up to 20 s (a loaded machine starts Python slowly) for `GET /up` to answer.
    static func waitForAnswer(_ endpoint: TargetEndpoint) async throws -> String? {
        for _ in 0..<200 {
            if let body = await get(endpoint) { return body }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func aReleaseRunsRestartsIsAdoptedAndStops() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = try Self.releaseDirectory(root, text: "release 1 up")
        let release = ReleaseSpec(
            service: "web", release: "web-1", artifact: .command("exec python3 -m http.server \"$PORT\" --bind 127.0.0.1", directory: source.path),
            environment: ["GREETING": "hello"], stopGrace: 5)
        let target = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        let endpoint = try await target.start(release)
        #expect(endpoint.host == "127.0.0.1")
        #expect(try await Self.waitForAnswer(endpoint) == "release 1 up")
        #expect(try await target.start(release) == endpoint, "a second start returns the running release")
        #expect(try await target.running(service: "web") == ["web-1"])
        // The release runs from its own copy: changing the source does not change it.
        try "changed".write(to: source.appendingPathComponent("up"), atomically: true, encoding: .utf8)
        #expect(await Self.get(endpoint) == "release 1 up")

        // Killed from outside, it comes back on the same port.
        let record = try #require(LocalProcessTarget.readRecord(root.appendingPathComponent("targets/web/web-1")))
        kill(-record.pid, SIGKILL)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await Self.waitForAnswer(endpoint) == "release 1 up")
        let restarted = try #require(LocalProcessTarget.readRecord(root.appendingPathComponent("targets/web/web-1")))
        #expect(restarted.pid != record.pid)
        #expect(await target.logTail(release, lines: 20).contains("gaara: the process ended"), "the restart is in the release's log")

        // A new target (a restarted controller) adopts it instead of starting another.
        let adopter = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        #expect(try await adopter.start(release) == endpoint)
        #expect(try await adopter.running(service: "web") == ["web-1"])
        try await adopter.stop(release)
        #expect(await Self.get(endpoint) == nil, "stopped")
        #expect(!LocalProcessTarget.processRuns(restarted.pid, release: "web-1"))
        // The first target's supervisor sees the stop as an exit and restarts it; stopping it ends that too.
        try await target.stop(release)
        try await Task.sleep(for: .milliseconds(700))
        #expect(await Self.get(endpoint) == nil)
        #expect(try await target.running(service: "web").isEmpty)
        try await target.stop(release)  // stopping what does not run succeeds

        // Retired: its folder (copy, log, record) goes; removing it again succeeds.
        let folder = root.appendingPathComponent("targets/web/web-1")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("app/up").path))
        try await target.remove(release)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        try await target.remove(release)
    }

    @Test func aRunningReleaseIsNotRemoved() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = try Self.releaseDirectory(root, text: "still here")
        let release = ReleaseSpec(
            service: "web", release: "web-4", artifact: .command("exec python3 -m http.server \"$PORT\" --bind 127.0.0.1", directory: source.path),
            stopGrace: 5)
        let target = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        let endpoint = try await target.start(release)
        #expect(try await Self.waitForAnswer(endpoint) == "still here")
        try await target.remove(release)
        #expect(await Self.get(endpoint) == "still here")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("targets/web/web-4/app/up").path))
        try await target.stop(release)
        try await target.remove(release)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("targets/web/web-4").path))
    }

    @Test func anImageIsRefusedAndAFailingCommandIsInTheLog() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let target = LocalProcessTarget(root: root)
        await #expect(throws: DeployTargetError.self) {
            _ = try await target.start(ReleaseSpec(service: "web", release: "web-1", artifact: .image("app@sha256:0", port: 80)))
        }
        let source = try Self.releaseDirectory(root, text: "x")
        let failing = ReleaseSpec(
            service: "web", release: "web-2", artifact: .command("echo \"cannot bind $PORT: boom\"; exit 3", directory: source.path), stopGrace: 1)
        _ = try await target.start(failing)
        // Up to 10 s for the first exit to be logged (a loaded machine spawns slowly).
        var log = ""
        for _ in 0..<100 where !log.contains("restarting in") {
            try await Task.sleep(for: .milliseconds(100))
            log = await target.logTail(failing, lines: 5)
        }
        #expect(log.contains("cannot bind") && log.contains("boom") && log.contains("restarting in"), "\(log)")
        try await target.stop(failing)
    }

    /// A blue-green rollout of real processes: the new release is started, found healthy over HTTP,
    /// gets the traffic, and the old one is stopped; a new release that never answers is stopped and
    /// the old one keeps the traffic, the error carrying its output.
    @Test func aBlueGreenRolloutOfRealProcesses() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let target = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        func release(_ number: Int, command: String = "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1") throws -> ReleaseSpec {
            let directory = root.appendingPathComponent("source-\(number)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "release \(number)".write(to: directory.appendingPathComponent("up"), atomically: true, encoding: .utf8)
            return ReleaseSpec(service: "web", release: "web-\(number)", artifact: .command(command, directory: directory.path), stopGrace: 5)
        }
        let first = try release(1)
        let old = try await target.start(first)
        #expect(try await Self.waitForAnswer(old) == "release 1")
        let health = HealthSettings(path: "/up", interval: 0.1, timeout: 2, healthyThreshold: 2, deadline: 20)
        let steps = try RolloutPlan.steps(.blueGreen(scaleDownDelay: 0), hosts: ["local"], hasOldRelease: true, smokeTests: false)
        let traffic = RecordingTraffic()
        let second = try release(2)
        let runner = RolloutRunner(
            service: "web", candidate: second, stable: first, steps: steps, targets: ["local": target], traffic: traffic, health: health,
            stateFile: root.appendingPathComponent("rollout.json"))
        #expect(try await runner.run() == .succeeded(warnings: []))
        let new = try #require(traffic.changes.first?.candidate.endpoints.first)
        #expect(await Self.get(new) == "release 2")
        #expect(await Self.get(old) == nil, "the old release was stopped")
        #expect(try await target.running(service: "web") == ["web-2"])

        // A release that never listens: no traffic, stopped, the old one (web-2) untouched.
        let broken = try release(3, command: "echo 'listening on nothing: config missing'; sleep 30")
        let failing = RolloutRunner(
            service: "web", candidate: broken, stable: second, steps: steps, targets: ["local": target], traffic: traffic,
            health: HealthSettings(path: "/up", interval: 0.1, timeout: 1, healthyThreshold: 2, deadline: 3),
            stateFile: root.appendingPathComponent("rollout-3.json"))
        guard case .aborted(let reason) = try await failing.run() else {
            Issue.record("the broken release was not refused")
            return
        }
        #expect(reason.contains("web-3 on local") && reason.contains("did not become healthy") && reason.contains("config missing"), "\(reason)")
        #expect(await Self.get(new) == "release 2", "the old release still answers")
        #expect(try await target.running(service: "web") == ["web-2"])
        try await target.stop(second)
    }
}
