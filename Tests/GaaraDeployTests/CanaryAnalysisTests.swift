import Foundation
import GaaraDeployCore
import GaaraRouter
import Testing

@testable import GaaraDeploy

/// Analysis steps through Gaara's real router, with real processes under `wrk`: the judge rolls
/// back a canary answering 10% errors and a slow one well before their pause ends, promotes a
/// healthy one early, and holds an idle one as inconclusive until a person decides.
/// (A time limit: a held rollout waits for a person, and the test must fail rather than hang.)
@Suite(.serialized, .timeLimit(.minutes(20)))
struct CanaryAnalysisTests {
    /// A server that answers `/up` always and every other path with 200, or 500 every `FAIL_EVERY`-th
    /// time, after `DELAY` seconds (5 ms by default: a server answering in 0.4 ms is slower for its
    /// first requests and when it is woken rarely, as a 5% canary is, and that is not what is judged).
    static let server = """
        import http.server, itertools, os, time
        count = itertools.count(1)
        every = int(os.environ.get("FAIL_EVERY", "0"))
        delay = float(os.environ.get("DELAY", "0.005"))
        started = time.time()
        unhealthy_after = float(os.environ.get("UNHEALTHY_AFTER", "inf"))
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are separate writes: with Nagle on, each answer waits for a delayed ACK (40 ms).
            disable_nagle_algorithm = True
            def do_GET(self):
                fail = self.path == "/up" and time.time() - started > unhealthy_after
                if self.path != "/up":
                    fail = every > 0 and next(count) % every == 0
                    if delay:
                        time.sleep(delay)
                body = b"failed" if fail else os.environ["GAARA_RELEASE"].encode()
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer((os.environ["BIND_ADDRESS"], int(os.environ["PORT"])), Handler).serve_forever()
        """

    struct Outcome {
        let outcome: RolloutAction.Outcome
        let seconds: Double
        let findings: [String]
        let running: [String]
        let stableErrors: Double
        /// The new release's errors as the router counted them.
        let canaryErrors: Double
        /// Requests the load generator saw fail (nil without load).
        let failed: Int?
    }

    /// Release 1 takes the traffic; then, under load on `/` (unless `load` is false), release 2 with
    /// `environment` goes 5% → analysis for `seconds` → 100%. `during` runs while it does.
    static func canary(
        _ environment: [String: String], analysisSeconds seconds: Double, load: Bool = true, steps: [RolloutStep]? = nil,
        adminToken: String? = nil,
        analysis: @Sendable (ZeroLossRolloutTests.Router, URL) async throws -> CanaryAnalysisSettings = { _, _ in
            CanaryAnalysisSettings()
        },
        during: @escaping @Sendable (RolloutRunner) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try server.write(to: source.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        let router = try await ZeroLossRolloutTests.Router.start(in: root, adminToken: adminToken)
        defer { router.task.cancel() }
        let settings = try await analysis(router, root)
        let target = LocalProcessTarget(root: root.appendingPathComponent("targets"))
        let health = HealthSettings(path: "/up", interval: 0.2, timeout: 2, healthyThreshold: 2, deadline: 30)
        let traffic = RouterTraffic(admin: router.admin, template: RouterTraffic.template(health: health))
        func release(_ number: Int, _ variables: [String: String]) -> ReleaseSpec {
            ReleaseSpec(
                service: "web", release: "web-\(number)", artifact: .command("exec python3 server.py", directory: source.path),
                environment: variables, stopGrace: 5)
        }
        let stable = release(1, [:])
        let first = RolloutRunner(
            service: "web", candidate: stable, stable: nil, steps: [.start(hosts: ["local"]), .awaitHealthy(hosts: ["local"]), .route(weight: 100)],
            targets: ["local": target], traffic: traffic, health: health, stateFile: root.appendingPathComponent("rollout-1.json"))
        #expect(try await first.run() == .succeeded(warnings: []))
        let wrk = load ? ZeroLossRolloutTests.Load(port: router.port, path: "/") : nil
        let candidate = release(2, environment)
        let runner = RolloutRunner(
            service: "web", candidate: candidate, stable: stable,
            steps: steps ?? [
                .start(hosts: ["local"]), .awaitHealthy(hosts: ["local"]), .route(weight: 5), .analyze(seconds: seconds), .route(weight: 100),
                .stopOld(hosts: ["local"], after: 0),
            ],
            targets: ["local": target], traffic: traffic, health: health, stateFile: root.appendingPathComponent("rollout-2.json"),
            analysis: settings, repository: root, entrance: RouterEntrance(address: "127.0.0.1:\(router.port)"),
            observe: { print("  web-2: \($0)") })
        let started = Date()
        let side = Task { try await during(runner) }
        let outcome = try await runner.run()
        let seconds = Date().timeIntervalSince(started)
        side.cancel()
        let failed = try await wrk?.stop().failures
        let counts = try await traffic.counts(service: "web")
        let running = try await target.running(service: "web")
        for spec in [stable, candidate] { try? await target.stop(spec) }
        return Outcome(
            outcome: outcome, seconds: seconds, findings: await runner.analysisFindings, running: running,
            stableErrors: counts["web-1"]?.errors ?? -1, canaryErrors: counts["web-2"]?.errors ?? 0, failed: failed)
    }

    @Test func aCanaryAnswering10PercentErrorsIsRolledBackLongBeforeItsPauseEnds() async throws {
        let result = try await Self.canary(["FAIL_EVERY": "10"], analysisSeconds: 300)
        print("10% errors: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s")
        guard case .aborted(let reason) = result.outcome else {
            Issue.record("rolled back: \(result.outcome)")
            return
        }
        #expect(reason.contains("canary error rate") && reason.contains("p ≤"), "\(reason)")
        #expect(result.seconds < 150, "decided by the judge, not by the end of the 300 s step: \(result.seconds) s")
        #expect(result.running == ["web-1"], "the canary is stopped: \(result.running)")
        #expect(result.stableErrors == 0, "the stable release failed nothing")
        #expect(
            result.failed == Int(result.canaryErrors),
            "wrk saw no failure but the canary's own 500s: \(result.failed ?? -1) vs \(result.canaryErrors)")
    }

    @Test func aSlowCanaryIsRolledBackOnLatency() async throws {
        let result = try await Self.canary(["DELAY": "0.2"], analysisSeconds: 300)
        print("+200 ms: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s")
        guard case .aborted(let reason) = result.outcome else {
            Issue.record("rolled back: \(result.outcome)")
            return
        }
        #expect(reason.contains("slower than the stable version's"), "\(reason)")
        #expect(result.seconds < 150, "\(result.seconds) s")
        #expect(result.running == ["web-1"])
        #expect(result.failed == 0, "slow, not failing: wrk saw every request answered")
    }

    @Test func aHealthyCanaryIsPromotedByTheJudgeBeforeItsPauseEnds() async throws {
        let result = try await Self.canary([:], analysisSeconds: 600)
        print("healthy: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s; \(result.findings)")
        #expect(result.outcome == .succeeded(warnings: []))
        #expect(result.seconds < 300, "promoted on the evidence, not after the 600 s step: \(result.seconds) s")
        #expect(result.findings.first?.hasPrefix("analysis passed: canary error rate") == true, "\(result.findings)")
        #expect(result.running == ["web-2"])
        #expect(result.failed == 0, "wrk saw every request of the whole rollout answered")
    }

    @Test func anIdleCanaryIsHeldAsInconclusiveUntilAPersonDecides() async throws {
        let result = try await Self.canary(
            [:], analysisSeconds: 1, load: false,
            during: { runner in
                // Held (paused) at the analysis step: nobody sent traffic, so nothing can be judged.
                while await runner.state.phase != .paused { try await Task.sleep(for: .milliseconds(50)) }
                await runner.send(.promote(full: false))
            })
        #expect(result.outcome == .succeeded(warnings: []))
        #expect(result.findings.first?.contains("analysis inconclusive: the canary got 0 requests") == true, "\(result.findings)")
    }

    @Test func onFailPauseHoldsAWorseCanaryWhereItIsForAPerson() async throws {
        let result = try await Self.canary(
            ["FAIL_EVERY": "10"], analysisSeconds: 300,
            analysis: { _, _ in
                var settings = CanaryAnalysisSettings()
                settings.onFail = .pause
                return settings
            },
            during: { runner in
                while await runner.state.phase != .paused { try await Task.sleep(for: .milliseconds(50)) }
                // Held at 5%: the canary keeps its share (and runs) until the person decides.
                #expect(await runner.state.weight == 5)
                await runner.send(.abort(reason: "decided by hand"))
            })
        #expect(result.outcome == .aborted(reason: "decided by hand"), "\(result.outcome)")
        #expect(result.findings.first?.hasPrefix("analysis failed: canary error rate") == true, "\(result.findings)")
        #expect(result.running == ["web-1"], "after the abort the old release serves alone")
    }

    @Test func withoutUsersTheRolloutsOwnRequestsLetTheJudgeRollBackABrokenCanary() async throws {
        // No load generator: only the analysis's synthetic requests, split by the router's weights.
        let result = try await Self.canary(
            ["FAIL_EVERY": "10"], analysisSeconds: 300, load: false,
            analysis: { _, _ in
                var settings = CanaryAnalysisSettings()
                settings.traffic = .init(path: "/synthetic", rate: 200)
                return settings
            })
        print("synthetic traffic, 10% errors: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s")
        guard case .aborted(let reason) = result.outcome else {
            Issue.record("not rolled back: \(result.outcome) \(result.findings)")
            return
        }
        #expect(reason.contains("canary error rate"), "\(reason)")
        #expect(result.seconds < 150, "decided by the judge on the rollout's own requests: \(result.seconds) s")
        #expect(result.running == ["web-1"])
    }

    @Test func aHealthCheckFailingDuringTheBakeSendsTheTrafficBack() async throws {
        // Healthy for 3 s (its checks before the move pass), then its /up answers 500; `/` stays fine.
        // The router's own checks take it out first, and its requests go to the old release (the
        // standby) until the bake trips on the checks and the traffic goes back.
        let steps: [RolloutStep] = [
            .start(hosts: ["local"]), .awaitHealthy(hosts: ["local"]), .route(weight: 100), .bake(seconds: 300), .stopOld(hosts: ["local"], after: 0),
        ]
        let result = try await Self.canary(["UNHEALTHY_AFTER": "3"], analysisSeconds: 0, steps: steps)
        print("bake: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s; wrk failures \(result.failed ?? -1)")
        guard case .aborted(let reason) = result.outcome else {
            Issue.record("rolled back: \(result.outcome)")
            return
        }
        #expect(reason.contains("during the bake"), "\(reason)")
        // The old release is the router's standby: when the new one fails its checks, requests go
        // there instead of getting 503s.
        #expect(result.failed == 0, "wrk saw every request answered through the failing bake")
        #expect(result.seconds < 150, "long before the 5-minute bake ended: \(result.seconds) s")
        #expect(result.running == ["web-1"], "the old release serves again, the new one is stopped")
    }
}
