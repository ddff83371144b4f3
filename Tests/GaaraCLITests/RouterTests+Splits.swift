import Foundation
import Testing

/// Weighted splits and sticky clients through the real router: shares within five standard
/// deviations, clients that never flip back as the canary grows, and the active users they make.
extension RouterTests {
    @Test func weightsSplitTenThousandRequestsWithinTwoPercent() async throws {
        let setup = try await Setup()
        let add = try await setup.gaara([
            "add", "web", "--group", "stable=127.0.0.1:\(setup.bluePort)@80", "--group", "canary=127.0.0.1:\(setup.greenPort)@20", "--sticky", "none",
        ])
        #expect(add.status == 0, "\(add.stderr)")
        for (stable, canary) in [(80, 20), (95, 5), (50, 50)] {
            _ = try await setup.gaara(["set-weight", "web", "stable", String(stable)])
            _ = try await setup.gaara(["set-weight", "web", "canary", String(canary)])
            let counts = try await setup.client(["split", "10000"])
            let share = Double(counts["green"] as? Int ?? 0) / 100
            print("weights \(stable)/\(canary): \(counts)")
            // Each request's bucket is random: 5 standard deviations of a binomial share (≤ 2.5 points).
            #expect(abs(share - Double(canary)) <= Self.fiveSigma(percent: canary, of: 10_000), "canary \(canary)%: got \(share)% \(counts)")
            #expect((counts["blue"] as? Int ?? 0) + (counts["green"] as? Int ?? 0) == 10_000)
        }
    }

    /// Five standard deviations, in percentage points, of the share of `count` independent draws
    /// that land on a side taking `percent`% (a test that fails far less than once in a million runs).
    static func fiveSigma(percent: Int, of count: Int) -> Double {
        let p = Double(percent) / 100
        return 5 * (p * (1 - p) / Double(count)).squareRoot() * 100
    }

    @Test func stickyClientsNeverFlipBackAsTheCanaryGrows() async throws {
        let setup = try await Setup()
        _ = try await setup.gaara([
            "add", "web", "--group", "stable=127.0.0.1:\(setup.bluePort)@100", "--group", "canary=127.0.0.1:\(setup.greenPort)@0",
        ])
        let jar = setup.directory.url.appendingPathComponent("jar.json").path
        var onCanary = Set<String>()
        for weight in [0, 5, 20, 50, 100] {
            _ = try await setup.gaara(["set-weight", "web", "stable", String(100 - weight)])
            _ = try await setup.gaara(["set-weight", "web", "canary", String(weight)])
            let reached = try await setup.client(["sticky-round", "1000", jar])
            let now = Set(reached.filter { $0.value as? String == "green" }.map(\.key))
            #expect(onCanary.isSubset(of: now), "weight \(weight): \(onCanary.subtracting(now).count) clients moved back")
            // Each client's bucket is random: within 5 standard deviations (7.9 points at 50%; exact at 0 and 100).
            #expect(
                abs(Double(now.count) / 10 - Double(weight)) <= Self.fiveSigma(percent: weight, of: 1000),
                "weight \(weight): \(now.count) of 1000 on the canary")
            onCanary = now
        }
        #expect(onCanary.count == 1000)
        // Active users: the same 1,000 cookies came back each round, so 1,000 distinct clients (the
        // counter's linear-counting range: a standard deviation of about 11, bound at 5).
        let metrics = try await GaaraBinary.run(
            ["curl", "-s", "--unix-socket", String(setup.admin.dropFirst(5)), "http://router/services/web/metrics?window=60"],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        let window = try JSONSerialization.jsonObject(with: Data(metrics.stdout.utf8)) as? [String: Any]
        let active = try #require(window?["active_clients"] as? Int, "\(metrics.stdout)")
        #expect(abs(active - 1000) <= 60, "\(active) active clients")
        let jarText = try String(contentsOfFile: jar, encoding: .utf8)
        #expect(jarText.contains("gaara_bucket=") && jarText.contains("-"), "assigned cookies are BUCKET-CLIENT: \(jarText.prefix(80))")
    }
}
