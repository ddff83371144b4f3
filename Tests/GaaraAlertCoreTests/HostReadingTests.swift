import GaaraAlertCore
import Testing

/// Two readings of a host's counters make its samples: shares as read, CPU and network as rates
/// over the time between them, containers matched by name.
struct HostReadingTests {
    static let labels = ["environment": "production", "host": "web-1.example"]

    static func byMetric(_ samples: [MetricSample]) -> [String: Double] {
        Dictionary(samples.map { ($0.metric, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func twoReadingsGiveSharesAndRates() {
        let before = HostReading(time: 100, cpuBusy: 1_000, cpuTotal: 10_000, networkReceived: 5_000, networkSent: 1_000)
        let now = HostReading(
            time: 110, cpuBusy: 1_300, cpuTotal: 10_400, memoryUsed: 0.42, diskUsed: 0.7, networkReceived: 25_000, networkSent: 1_500)
        let samples = now.samples(since: before, labels: Self.labels)
        #expect(
            Self.byMetric(samples) == [
                "cpu": 0.75, "memory": 0.42, "disk": 0.7, "network_receive_bytes_per_second": 2_000, "network_transmit_bytes_per_second": 50,
            ])
        #expect(samples.first { $0.metric == "disk" }?.labels == Self.labels.merging(["mount": "/"]) { $1 })
        #expect(samples.filter { $0.metric != "disk" }.allSatisfy { $0.labels == Self.labels })
        // The first reading: the CPU's share since boot, no network rate yet.
        #expect(Self.byMetric(now.samples(since: nil, labels: Self.labels)) == ["cpu": 0.125, "memory": 0.42, "disk": 0.7])
    }

    @Test func containersGiveCoresMemoryAndNetworkAndARestartGivesNoRate() {
        let web = ContainerReading(
            name: "gaara-abc-web-2", service: "web", release: "web-2", cpuSeconds: 40, memoryBytes: 64e6, memoryLimitBytes: 256e6,
            networkReceived: 1_000, networkSent: 2_000)
        var later = web
        later.cpuSeconds = 45
        later.memoryBytes = 128e6
        later.networkReceived = 11_000
        later.networkSent = 2_000
        let samples = HostReading(time: 10, containers: [later]).samples(since: HostReading(time: 0, containers: [web]), labels: Self.labels)
        #expect(
            Self.byMetric(samples) == [
                "container_memory_bytes": 128e6, "container_memory": 0.5, "container_cpu": 0.5,
                "container_network_receive_bytes_per_second": 1_000, "container_network_transmit_bytes_per_second": 0,
            ])
        #expect(
            samples.allSatisfy { $0.labels == Self.labels.merging(["container": "gaara-abc-web-2", "service": "web", "release": "web-2"]) { $1 } })
        // Restarted (its counters began again) or new: memory only, no rate from a wrong baseline.
        var restarted = later
        restarted.cpuSeconds = 1
        let again = HostReading(time: 20, containers: [restarted]).samples(since: HostReading(time: 10, containers: [later]), labels: [:])
        #expect(!again.contains { $0.metric == "container_cpu" } && again.contains { $0.metric == "container_network_receive_bytes_per_second" })
        var unlimited = web
        unlimited.memoryLimitBytes = nil
        #expect(Self.byMetric(unlimited.samples(since: nil, seconds: 0, labels: [:])) == ["container_memory_bytes": 64e6])
    }
}
