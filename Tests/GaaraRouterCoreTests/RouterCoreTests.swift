import Testing

@testable import GaaraRouterCore

/// The router's pure parts: latency histograms, weighted sticky splits, target health.
struct LatencyHistogramTests {
    @Test func percentilesAreWithinTheBucketPrecision() {
        var histogram = LatencyHistogram()
        for value in 1...100_000 { histogram.record(UInt64(value)) }
        for p in [50.0, 90, 95, 99, 99.9] {
            let exact = Double(Int((p / 100 * 100_000).rounded(.up)))
            let reported = Double(histogram.percentile(p))
            #expect(abs(reported - exact) / exact <= 1.0 / 64, "p\(p): \(reported) vs \(exact)")
        }
        #expect(histogram.percentile(100) == 100_000 && histogram.count == 100_000 && histogram.max == 100_000)
        #expect(abs(histogram.mean - 50_000.5) < 0.001)
    }

    @Test func smallValuesAreExactAndHugeOnesDoNotOverflow() {
        var histogram = LatencyHistogram()
        for value in [0, 1, 2, 63] { histogram.record(UInt64(value)) }
        #expect(histogram.percentile(25) == 0 && histogram.percentile(50) == 1 && histogram.percentile(100) == 63)
        histogram.record(UInt64.max / 2)
        #expect(histogram.percentile(100) == UInt64.max / 2)
    }

    @Test func coarseBucketsCountEachValueOnceBelowItsBound() {
        var histogram = LatencyHistogram()
        for value in [0, 100, 200, 400, 900, 4_000, 50_000] { histogram.record(UInt64(value)) }
        // ≤ 250 µs, ≤ 1 ms, ≤ 5 ms, slower (a fine bucket, 1/64 wide, counts where its upper bound falls).
        #expect(histogram.coarse(boundsMicros: [250, 1_000, 5_000]) == [3, 2, 1, 1])
    }

    @Test func mergingAddsCounts() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        for value in 0..<1000 { a.record(UInt64(value)) }
        for value in 1000..<2000 { b.record(UInt64(value)) }
        a.merge(b)
        #expect(a.count == 2000 && a.max == 1999)
        #expect(abs(Double(a.percentile(50)) - 1000) / 1000 <= 1.0 / 64)
    }
}

struct TrafficSplitTests {
    @Test func weightsSplitTheBucketsExactly() {
        let split = TrafficSplit([("stable", 95), ("canary", 5)])
        var counts: [String: Int] = [:]
        for bucket in 0..<TrafficSplit.buckets { counts[split.group(forBucket: bucket)!, default: 0] += 1 }
        #expect(counts == ["stable": 9500, "canary": 500])
        #expect(TrafficSplit([("a", 0), ("b", 0)]).group(forBucket: 5) == nil)
        #expect(!TrafficSplit([("a", 0), ("b", 0)]).carriesTraffic && TrafficSplit([("a", 0), ("b", 1)]).carriesTraffic)
        #expect(TrafficSplit([("stable", 100), ("canary", 0)]).group(forBucket: 0) == "stable")
    }

    @Test func aClientOnTheCanaryNeverMovesBackAsTheWeightRises() {
        let keys = (0..<5000).map { "client-\($0)" }
        var onCanary = Set<String>()
        for weight in [0, 1, 5, 10, 25, 50, 75, 100] {
            let split = TrafficSplit([("stable", 100 - weight), ("canary", weight)])
            let now = Set(keys.filter { split.group(forBucket: TrafficSplit.bucket(forKey: $0)) == "canary" })
            #expect(onCanary.isSubset(of: now), "weight \(weight): \(onCanary.subtracting(now).count) clients flipped back")
            let share = Double(now.count) / Double(keys.count) * 100
            #expect(abs(share - Double(weight)) <= 2.5, "weight \(weight): \(share)%")
            onCanary = now
        }
        #expect(TrafficSplit.bucket(forKey: "same") == TrafficSplit.bucket(forKey: "same"))
    }
}

struct TargetHealthTests {
    @Test func activeChecksMoveTargetsThroughTheirStates() {
        let settings = TargetHealth.Settings()
        var target = TargetHealth()
        #expect(!target.isEligible(at: 0))
        var change = target.checked(ok: true, settings: settings)
        #expect(change == nil)
        change = target.checked(ok: true, settings: settings)
        #expect(change == .healthy)
        #expect(target.isEligible(at: 0))
        target.checked(ok: false, settings: settings)
        target.checked(ok: false, settings: settings)
        #expect(target.state == .healthy)
        change = target.checked(ok: false, settings: settings)
        #expect(change == .unhealthy)
        #expect(!target.isEligible(at: 0))
        target.drain()
        change = target.checked(ok: true, settings: settings)
        #expect(change == nil && target.state == .draining)
        target.remove()
        #expect(target.state == .removed)
    }

    @Test func aDrainingTargetRevivesWithTheHealthItHad() {
        let settings = TargetHealth.Settings()
        var target = TargetHealth()
        var revived = target.revive()
        #expect(!revived, "only a draining target revives")
        target.checked(ok: true, settings: settings)
        target.checked(ok: true, settings: settings)
        target.drain()
        target.drain()  // a second drain keeps what it drained from
        #expect(!target.isEligible(at: 0))
        revived = target.revive()
        #expect(revived && target.state == .healthy && target.isEligible(at: 0))
        var fresh = TargetHealth()
        fresh.drain()
        revived = fresh.revive()
        #expect(revived && fresh.state == .adding, "a target drained before its checks passed still needs them")
        fresh.drain()
        fresh.remove()
        revived = fresh.revive()
        #expect(!revived && fresh.state == .removed)
    }

    @Test func consecutiveErrorsEjectForAWhile() {
        let settings = TargetHealth.Settings()
        var target = TargetHealth()
        target.checked(ok: true, settings: settings)
        target.checked(ok: true, settings: settings)
        for index in 0..<4 {
            let ejected = target.served(ok: false, at: Double(index), settings: settings)
            #expect(!ejected)
        }
        let afterSuccess = target.served(ok: true, at: 4, settings: settings)
        #expect(!afterSuccess)
        for index in 0..<4 { target.served(ok: false, at: 5 + Double(index), settings: settings) }
        let ejected = target.served(ok: false, at: 9, settings: settings)
        #expect(ejected)
        #expect(!target.isEligible(at: 10) && target.isEligible(at: 19.5))
    }
}
