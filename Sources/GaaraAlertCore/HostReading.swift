import Foundation

/// One reading of a host's counters as the kernel gives them (`/proc`, `statvfs`, cgroups): taken
/// here for this machine and by `gaara agent metrics` on an SSH host, where it travels back as
/// JSON. Rates (CPU, network) need two readings; ``samples(since:labels:)`` turns a pair into
/// alert samples.
public struct HostReading: Sendable, Equatable, Codable {
    /// When it was taken (seconds since 1970).
    public var time: Double
    /// Jiffies the CPUs were busy since boot (`/proc/stat`, idle and iowait not counted).
    public var cpuBusy: Double?
    /// Jiffies in all since boot.
    public var cpuTotal: Double?
    /// The used share of memory (1 − MemAvailable / MemTotal).
    public var memoryUsed: Double?
    /// The used share of the root file system, as `df` computes it.
    public var diskUsed: Double?
    /// Bytes received by every interface but loopback since boot.
    public var networkReceived: Double?
    /// Bytes sent.
    public var networkSent: Double?
    /// Gaara's containers on the host.
    public var containers: [ContainerReading]

    /// Creates a reading.
    public init(
        time: Double, cpuBusy: Double? = nil, cpuTotal: Double? = nil, memoryUsed: Double? = nil, diskUsed: Double? = nil,
        networkReceived: Double? = nil, networkSent: Double? = nil, containers: [ContainerReading] = []
    ) {
        self.time = time
        self.cpuBusy = cpuBusy
        self.cpuTotal = cpuTotal
        self.memoryUsed = memoryUsed
        self.diskUsed = diskUsed
        self.networkReceived = networkReceived
        self.networkSent = networkSent
        self.containers = containers
    }

    /// The host's samples (`cpu`, `memory`, `disk` as shares of 0–1,
    /// `network_receive_bytes_per_second`, `network_transmit_bytes_per_second`) and each
    /// container's (``ContainerReading/samples(since:seconds:labels:)``), all with `labels`. CPU
    /// and network are rates since `previous`; the first time, the CPU's share since boot and no
    /// network rate.
    public func samples(since previous: HostReading?, labels: [String: String]) -> [MetricSample] {
        var samples: [MetricSample] = []
        if let busy = cpuBusy, let total = cpuTotal {
            let before = (busy: previous?.cpuBusy ?? 0, total: previous?.cpuTotal ?? 0)
            if total > before.total {
                samples.append(MetricSample(metric: "cpu", labels: labels, value: (busy - before.busy) / (total - before.total)))
            }
        }
        if let memoryUsed { samples.append(MetricSample(metric: "memory", labels: labels, value: memoryUsed)) }
        if let diskUsed { samples.append(MetricSample(metric: "disk", labels: labels.merging(["mount": "/"]) { $1 }, value: diskUsed)) }
        let seconds = previous.map { time - $0.time } ?? 0
        if seconds > 0 {
            for (metric, now, before) in [
                ("network_receive_bytes_per_second", networkReceived, previous?.networkReceived),
                ("network_transmit_bytes_per_second", networkSent, previous?.networkSent),
            ] {
                if let now, let before { samples.append(MetricSample(metric: metric, labels: labels, value: max(0, now - before) / seconds)) }
            }
        }
        for container in containers {
            let before = previous?.containers.first { $0.name == container.name }
            samples += container.samples(since: before, seconds: seconds, labels: labels)
        }
        return samples
    }
}

/// One reading of a container's cgroup (v2 or v1) and network namespace.
public struct ContainerReading: Sendable, Equatable, Codable {
    /// The container's name.
    public var name: String
    /// The service it runs.
    public var service: String
    /// The release it runs (`web-7`).
    public var release: String
    /// CPU seconds used since it started (cgroup v2 `cpu.stat` usage_usec, v1 `cpuacct.usage`).
    public var cpuSeconds: Double?
    /// Memory in use, in bytes (v2 `memory.current`, v1 `memory.usage_in_bytes`).
    public var memoryBytes: Double?
    /// Its memory limit in bytes, when it has one.
    public var memoryLimitBytes: Double?
    /// Bytes received by its interfaces (its namespace's `/proc/net/dev`, loopback not counted).
    public var networkReceived: Double?
    /// Bytes sent.
    public var networkSent: Double?

    /// Creates a reading.
    public init(
        name: String, service: String, release: String, cpuSeconds: Double? = nil, memoryBytes: Double? = nil, memoryLimitBytes: Double? = nil,
        networkReceived: Double? = nil, networkSent: Double? = nil
    ) {
        self.name = name
        self.service = service
        self.release = release
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.networkReceived = networkReceived
        self.networkSent = networkSent
    }

    /// `container_memory_bytes`, `container_memory` (the share of its limit, when it has one), and
    /// over the `seconds` since `previous`: `container_cpu` (cores busy: 0.5 is half a CPU),
    /// `container_network_receive_bytes_per_second` and `…_transmit_…`; labelled with `labels`
    /// and the container, service and release.
    public func samples(since previous: ContainerReading?, seconds: Double, labels: [String: String]) -> [MetricSample] {
        let labels = labels.merging(["container": name, "service": service, "release": release]) { $1 }
        var samples: [MetricSample] = []
        if let memoryBytes {
            samples.append(MetricSample(metric: "container_memory_bytes", labels: labels, value: memoryBytes))
            if let limit = memoryLimitBytes, limit > 0 {
                samples.append(MetricSample(metric: "container_memory", labels: labels, value: memoryBytes / limit))
            }
        }
        guard let previous, seconds > 0 else { return samples }
        for (metric, now, before) in [
            ("container_cpu", cpuSeconds, previous.cpuSeconds),
            ("container_network_receive_bytes_per_second", networkReceived, previous.networkReceived),
            ("container_network_transmit_bytes_per_second", networkSent, previous.networkSent),
        ] {
            // A counter that went down is a restarted container: no rate this time.
            if let now, let before, now >= before { samples.append(MetricSample(metric: metric, labels: labels, value: (now - before) / seconds)) }
        }
        return samples
    }
}
