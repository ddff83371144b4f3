import Foundation
import GaaraDeployCore
import GaaraProcess
import Testing

@testable import GaaraDeploy

/// Releases on three real SSH hosts (network namespaces of this machine, each with its own sshd and
/// host key, made by `ssh-hosts.sh`): the agent copied once per host, a rolling deploy host by host
/// and a manual rollback through Gaara's real router while `wrk` loads it, with not one request
/// failed; and a host whose key changed after it was pinned is refused.
@Suite(.serialized)
struct SSHRolloutTests {
    static let script: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("GaaraCLITests/Fixtures/support/ssh-hosts.sh").path
    }()

    /// The `gaara` binary the agent is copied from (SwiftPM builds it next to the test bundle).
    static var binary: String? {
        if let override = ProcessInfo.processInfo.environment["GAARA_BIN"] { return override }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("gaara").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// Whether namespaces and sshd can be made here; under CI (GAARA_REQUIRE_SSH=1) they must.
    static func ready() -> Bool {
        let tools = ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/nsenter", "/usr/sbin/ip", "/usr/bin/wrk"]
        let missing = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) } + (getuid() == 0 ? [] : ["root"])
        guard missing.isEmpty, binary != nil else {
            #expect(
                ProcessInfo.processInfo.environment["GAARA_REQUIRE_SSH"] != "1",
                "the SSH host tests need \(missing + (binary == nil ? ["the gaara binary"] : []))")
            print("skipping the SSH host tests: missing \(missing + (binary == nil ? ["the gaara binary"] : []))")
            return false
        }
        return true
    }

    static func shell(_ script: String) async throws -> String {
        let result = try await ChildProcess.capture(
            ChildProcess.Command("/bin/sh", ["-c", script], environment: ProcessInfo.processInfo.environment))
        guard result.status.isSuccess else { throw DeployTargetError("\(script): \(result.output)") }
        return result.output
    }

    @Test func aRollingDeployAcrossThreeHostsAndARollbackUnderLoadFailNoRequest() async throws {
        guard Self.ready(), let binary = Self.binary else { return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-ssh-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let hostsFolder = root.appendingPathComponent("hosts").path
        let addresses = try await Self.shell("'\(Self.script)' start '\(hostsFolder)' 3").split(separator: "\n").map(String.init)
        try #require(addresses.count == 3, "\(addresses)")
        let outcome: Result<Void, any Error>
        do {
            try await Self.scenario(root: root, hostsFolder: hostsFolder, addresses: addresses, binary: binary)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await Self.shell("'\(Self.script)' stop '\(hostsFolder)'")
        try outcome.get()
    }

    static func scenario(root: URL, hostsFolder: String, addresses: [String], binary: String) async throws {
        let router = try await ZeroLossRolloutTests.Router.start(in: root)
        defer { router.task.cancel() }
        let session = SSHSession(
            keyFile: hostsFolder + "/client_key", knownHosts: root.appendingPathComponent("known_hosts").path,
            controlDirectory: root.appendingPathComponent("ssh").path)
        let hosts = addresses.map { "root@\($0)" }
        // The three hosts share this machine's files (only their networks are their own): a scope per
        // host and per run keeps their release folders apart, and the clean-up removes them.
        let run = UUID().uuidString.prefix(8).lowercased()
        var targets: [String: any DeployTarget] = [:]
        for (index, host) in hosts.enumerated() {
            targets[host] = SSHTarget(
                destination: try #require(SSHDestination(host)), session: session, scope: "test-\(run)-\(index)", binary: binary)
        }
        defer { try? FileManager.default.removeItem(atPath: NSHomeDirectory() + "/.gaara/agent/test-\(run)-0") }
        defer { try? FileManager.default.removeItem(atPath: NSHomeDirectory() + "/.gaara/agent/test-\(run)-1") }
        defer { try? FileManager.default.removeItem(atPath: NSHomeDirectory() + "/.gaara/agent/test-\(run)-2") }
        let health = HealthSettings(path: "/up", interval: 0.2, timeout: 2, healthyThreshold: 2, deadline: 30)
        let traffic = RouterTraffic(admin: router.admin, template: RouterTraffic.template(health: health))
        func release(_ number: Int) throws -> ReleaseSpec { try ZeroLossRolloutTests.release(number, in: root) }
        func rollout(_ candidate: ReleaseSpec, from stable: ReleaseSpec?, _ steps: [RolloutStep]) async throws {
            let runner = RolloutRunner(
                service: "web", candidate: candidate, stable: stable, steps: steps, targets: targets, traffic: traffic, health: health,
                stateFile: root.appendingPathComponent("rollout-\(candidate.release).json"), observe: { print("  ssh \(candidate.release): \($0)") })
            let outcome = try await runner.run()
            #expect(outcome == .succeeded(warnings: []), "\(candidate.release): \(outcome)")
        }
        func bodies() async -> Set<String> {
            var seen = Set<String>()
            for _ in 0..<12 {
                let command = ChildProcess.Command(
                    "curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(router.port)/up"], environment: ProcessInfo.processInfo.environment)
                if let body = try? await ChildProcess.capture(command, timeout: 10).output { seen.insert(body) }
            }
            return seen
        }
        let rolling = RolloutStrategy.rolling(maxSurge: 1, maxUnavailable: 0)
        let first = try release(1)
        let second = try release(2)
        do {
            try await rollout(first, from: nil, RolloutPlan.steps(rolling, hosts: hosts, hasOldRelease: false, smokeTests: false))
            #expect(await bodies() == ["release 1"])
            // Each host runs its own copy, listening on the host's address (the router reaches it there).
            for host in hosts {
                #expect(try await targets[host]!.running(service: "web") == ["web-1"], "\(host)")
            }

            let load = ZeroLossRolloutTests.Load(port: router.port)
            try await Task.sleep(for: .milliseconds(500))
            // Rolling: host by host, each new release healthy before its share moves and the old one
            // on that host is drained and stopped.
            let started = Date()
            try await rollout(second, from: first, RolloutPlan.steps(rolling, hosts: hosts, hasOldRelease: true, smokeTests: false))
            print("ssh hosts: rolling deploy across 3 hosts in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            #expect(await bodies() == ["release 2"])
            // The manual rollback: release 1 no longer runs anywhere, so it is started on every host first.
            try await rollout(first, from: second, RolloutPlan.rollback(hosts: hosts, stillRunning: false))
            #expect(await bodies() == ["release 1"])
            try await Task.sleep(for: .milliseconds(300))
            let (requests, failures, report) = try await load.stop()
            let counts = try await ZeroLossRolloutTests.routerCounts(router.admin, service: "web")
            print("ssh hosts: wrk \(requests) requests, \(failures) failed; router by class \(counts.sorted { $0.key < $1.key })")
            #expect(requests > 100, "the load ran: \(report)")
            #expect(failures == 0, "\(report)")
            #expect((counts["5xx"] ?? 0) == 0 && (counts["error"] ?? 0) == 0, "\(counts)")
            #expect((counts["4xx"] ?? 0) <= 4, "\(counts)")
            #expect((counts["2xx"] ?? 0) >= requests, "the router answered every request wrk counted: \(counts)")
            for host in hosts {
                #expect(try await targets[host]!.running(service: "web") == ["web-1"], "\(host)")
            }

            // Host 2 is rebuilt with a new host key: Gaara refuses to talk to it.
            for host in hosts { await session.close(try #require(SSHDestination(host))) }
            _ = try await Self.shell("'\(Self.script)' rekey '\(hostsFolder)' 2")
            let refused = await #expect(throws: DeployTargetError.self) { try await targets[hosts[1]]!.running(service: "web") }
            #expect(
                refused?.message.contains("the host key of \(hosts[1]) is not the one pinned in \(root.path)/known_hosts") == true,
                "\(String(describing: refused))")
            #expect(try await targets[hosts[0]]!.running(service: "web") == ["web-1"], "the other hosts still answer")
        } catch {
            Issue.record("\(error)")
        }
        for host in hosts {
            for spec in [first, second] { try? await targets[host]!.stop(spec) }
            if let destination = SSHDestination(host) { await session.close(destination) }
        }
    }
}
