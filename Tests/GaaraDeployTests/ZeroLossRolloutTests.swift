import Foundation
import GaaraDeployCore
import GaaraProcess
import GaaraRouter
import GaaraRouterCore
import Synchronization
import Testing

@testable import GaaraDeploy

/// Rollouts of real processes through Gaara's real router while `wrk` loads it: a blue-green deploy,
/// a full canary and a rollback, and not one request may fail: counted by `wrk` and by the router.
@Suite(.serialized)
struct ZeroLossRolloutTests {
    /// A router in this process: its proxy port and admin client; cancelled at the end.
    struct Router {
        let port: Int
        let admin: AdminClient
        let task: Task<Void, any Error>

        /// A router whose admin API listens on a Unix socket in `root`, or on loopback TCP with
        /// `adminToken` (what Prometheus scrapes).
        static func start(in root: URL, adminToken: String? = nil) async throws -> Router {
            let socket = root.appendingPathComponent("admin.sock").path
            let service = try RouterService(
                stateFile: root.appendingPathComponent("router.json"), host: "127.0.0.1", port: 0, threads: 2,
                admin: adminToken.map { .tcp(host: "127.0.0.1", port: 0, token: $0) } ?? .unixSocket(socket))
            let (listening, announce) = AsyncStream<String>.makeStream()
            let task = Task { try await service.run(handleSignals: false) { announce.yield($0) } }
            var endpoint: String?
            for await value in listening {
                endpoint = value
                break
            }
            return Router(port: service.proxy.port, admin: AdminClient(endpoint: try #require(endpoint), token: adminToken), task: task)
        }
    }

    /// `wrk` against the router until stopped; its counts.
    final class Load: Sendable {
        /// What the wrk process shares with its reader.
        final class Shared: Sendable {
            let output = Mutex(Data())
            let pid = Mutex<pid_t?>(nil)
        }

        let shared = Shared()
        let run: Task<Void, Never>

        init(port: Int, path: String = "/up") {
            let shared = self.shared
            // Long enough for any machine; stopped with SIGINT, after which wrk prints its counts.
            // (Through ChildProcess: it starts children with no signal blocked, so wrk sees the SIGINT.)
            let command = ChildProcess.Command(
                "wrk", ["-t1", "-c4", "-d600s", "--timeout", "30s", "http://127.0.0.1:\(port)\(path)"],
                environment: ProcessInfo.processInfo.environment)
            run = Task {
                _ = try? await ChildProcess.run(command, onStart: { started in shared.pid.withLock { $0 = started.pid } }) { chunk in
                    shared.output.withLock { $0.append(contentsOf: chunk) }
                }
            }
        }

        /// Stops wrk and returns (requests, failures: non-2xx/3xx answers and socket errors, the report).
        func stop() async throws -> (requests: Int, failures: Int, report: String) {
            while shared.pid.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
            if let pid = shared.pid.withLock({ $0 }) { kill(pid, SIGINT) }
            await run.value
            let report = String(decoding: shared.output.withLock { $0 }, as: UTF8.self)
            let requests = Self.number(in: report, after: #"(\d+) requests in"#)
            let non2xx = Self.number(in: report, after: #"Non-2xx or 3xx responses: (\d+)"#)
            // A read, write or timeout error is a request that failed. A connect error is not: no
            // request was sent, and a rollout never touches the router's listening socket (wrk's
            // keep-alive connections stay open through every rollout here: it reconnects only after
            // a failed connect). On a loaded CI machine a connect() to loopback has failed with the
            // router listening and idle; those are counted in the report, not as failed requests.
            var socketErrors = 0
            if let match = report.firstMatch(of: /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/) {
                socketErrors = [match.2, match.3, match.4].compactMap { Int($0) }.reduce(0, +)
            }
            return (requests, non2xx + socketErrors, report)
        }

        static func number(in text: String, after pattern: String) -> Int {
            guard let regex = try? Regex(pattern), let match = text.firstMatch(of: regex), let captured = match.output[1].substring else { return 0 }
            return Int(captured) ?? 0
        }
    }

    /// The router's `gaara_router_requests_total` for `service`, by status class.
    static func routerCounts(_ admin: AdminClient, service: String) async throws -> [String: Int] {
        let (_, body) = try await admin.send(.GET, "/metrics")
        var counts: [String: Int] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where line.hasPrefix("gaara_router_requests_total{") {
            guard line.contains("service=\"\(service)\""), let match = line.firstMatch(of: /class="([^"]+)"\} (\d+)/) else { continue }
            counts[String(match.1), default: 0] += Int(match.2) ?? 0
        }
        return counts
    }

    /// Release `number` of `web`: Python's http.server on `$BIND_ADDRESS` over a folder under `root`
    /// whose `/up` answers `release N`.
    static func release(_ number: Int, in root: URL) throws -> ReleaseSpec {
        let directory = root.appendingPathComponent("source-\(number)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "release \(number)".write(to: directory.appendingPathComponent("up"), atomically: true, encoding: .utf8)
        return ReleaseSpec(
            service: "web", release: "web-\(number)",
            artifact: .command("exec python3 -m http.server \"$PORT\" --bind \"$BIND_ADDRESS\"", directory: directory.path), stopGrace: 5)
    }

    @Test func blueGreenCanaryAndRollbackUnderLoadFailNoRequest() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-zero-loss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let router = try await Router.start(in: root)
        defer { router.task.cancel() }
        let target = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        let health = HealthSettings(path: "/up", interval: 0.2, timeout: 2, healthyThreshold: 2, deadline: 30)
        let traffic = RouterTraffic(admin: router.admin, template: RouterTraffic.template(health: health))
        func release(_ number: Int) throws -> ReleaseSpec { try Self.release(number, in: root) }
        func rollout(_ candidate: ReleaseSpec, from stable: ReleaseSpec?, _ steps: [RolloutStep]) async throws {
            let runner = RolloutRunner(
                service: "web", candidate: candidate, stable: stable, steps: steps, targets: ["local": target], traffic: traffic, health: health,
                stateFile: root.appendingPathComponent("rollout-\(candidate.release).json"))
            let outcome = try await runner.run()
            #expect(outcome == .succeeded(warnings: []), "\(candidate.release): \(outcome)")
        }
        func body() async -> String? {
            let command = ChildProcess.Command(
                "curl", ["-sf", "--max-time", "5", "http://127.0.0.1:\(router.port)/up"], environment: ProcessInfo.processInfo.environment)
            return try? await ChildProcess.capture(command, timeout: 10).output
        }

        // The first release takes all the traffic before the load starts.
        let first = try release(1)
        try await rollout(
            first, from: nil, RolloutPlan.steps(.blueGreen(scaleDownDelay: 0), hosts: ["local"], hasOldRelease: false, smokeTests: false))
        #expect(await body() == "release 1")

        let load = Load(port: router.port)
        try await Task.sleep(for: .milliseconds(500))
        // Blue-green: release 2 beside 1, switched, 1 drained and stopped.
        let second = try release(2)
        try await rollout(
            second, from: first, RolloutPlan.steps(.blueGreen(scaleDownDelay: 0), hosts: ["local"], hasOldRelease: true, smokeTests: false))
        #expect(await body() == "release 2")
        // A full canary: 5% → 25% → 50% → 100% with short pauses, then 2 drained and stopped.
        let third = try release(3)
        let canary: [CanaryStep] = [
            .weight(5), .pause(seconds: 0.5), .weight(25), .pause(seconds: 0.5), .weight(50), .pause(seconds: 0.5), .weight(100),
        ]
        try await rollout(
            third, from: second,
            RolloutPlan.steps(.canary(steps: canary, scaleDownDelay: 0), hosts: ["local"], hasOldRelease: true, smokeTests: false))
        #expect(await body() == "release 3")
        // A manual rollback to 2, which no longer runs: started again, checked, switched back.
        try await rollout(second, from: third, RolloutPlan.rollback(hosts: ["local"], stillRunning: false))
        #expect(await body() == "release 2")
        try await Task.sleep(for: .milliseconds(500))
        let (requests, failures, report) = try await load.stop()

        let counts = try await Self.routerCounts(router.admin, service: "web")
        let socketErrors = report.split(separator: "\n").first { $0.contains("Socket errors") }.map { $0.trimmingCharacters(in: .whitespaces) }
        print(
            "zero-loss rollouts: wrk \(requests) requests, \(failures) failed (\(socketErrors ?? "no socket errors")); router by class \(counts.sorted { $0.key < $1.key })"
        )
        #expect(requests > 100, "the load ran: \(report)")
        #expect(failures == 0, "\(report)")
        #expect((counts["5xx"] ?? 0) == 0 && (counts["error"] ?? 0) == 0, "\(counts)")
        // wrk's SIGINT closes its 4 connections with at most one request each in flight: the router
        // records those as 499 (client closed request). Nothing else may be a 4xx.
        #expect((counts["4xx"] ?? 0) <= 4, "\(counts)")
        #expect((counts["2xx"] ?? 0) >= requests, "the router answered every request wrk counted: \(counts)")
        #expect(try await target.running(service: "web") == ["web-2"])
        try await target.stop(second)
    }
}
