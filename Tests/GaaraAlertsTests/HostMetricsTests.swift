import Foundation
import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// This machine's metrics: the parsers on fixed text, and a real reading of `/proc`.
struct HostMetricsTests {
    @Test func cpuTimesCountIdleAndIOWaitAsNotBusy() {
        let times = HostMetricsSource.cpuTimes("cpu  100 5 45 800 50 0 0 0 0 0\ncpu0 50 2 20 400 25 0 0 0 0 0\n")
        #expect(times == HostMetricsSource.CPUTimes(busy: 150, total: 1000))
        #expect(HostMetricsSource.cpuTimes("intr 1 2 3\n") == nil)
    }

    @Test func memoryIsTheShareNotAvailable() {
        let used = HostMetricsSource.memoryUsed("MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n")
        #expect(used == 0.75)
        #expect(HostMetricsSource.memoryUsed("MemTotal: 1000 kB\n") == nil)
    }

    @Test func networkLeavesLoopbackOut() {
        let dev = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 9999      10    0    0    0     0          0         0     9999      10    0    0    0     0       0          0
              eth0: 1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
              eth1:  500       5    0    0    0     0          0         0      300       3    0    0    0     0       0          0
            """
        let bytes = HostMetricsSource.networkBytes(dev)
        #expect(bytes?.0 == 1500 && bytes?.1 == 2300)
    }

    @Test func aRealReadingOfThisMachine() async throws {
        let source = HostMetricsSource(host: "test-host")
        _ = await source.samples()
        // Some work between the readings, so the CPU share is over a real interval.
        var x = 0.0
        for i in 0..<2_000_000 { x += Double(i).squareRoot() }
        #expect(x > 0)
        try await Task.sleep(for: .milliseconds(100))
        let samples = await source.samples()
        let byMetric = Dictionary(samples.map { ($0.metric, $0) }, uniquingKeysWith: { first, _ in first })
        for metric in ["cpu", "memory", "disk"] {
            let sample = try #require(byMetric[metric], "\(metric) in \(samples)")
            #expect(sample.value >= 0 && sample.value <= 1, "\(metric) = \(sample.value)")
            #expect(sample.labels["host"] == "test-host")
        }
        #expect(byMetric["memory"].map { $0.value > 0 } == true, "a running machine uses some memory")
        #expect(byMetric["disk"]?.labels["mount"] == "/")
    }
}
