import Foundation
import GaaraAlertCore

extension LocalDeployer {
    /// Each of the environment's hosts read now: `local` as this environment's containers on this
    /// machine's engine (the machine's own counters are ``GaaraAlerts/HostMetricsSource``'s), an SSH
    /// host through its agent (`gaara agent metrics`: the host's counters and the environment's
    /// containers there); nil for a host that cannot be reached.
    public func hostReadings() async -> [(host: String, reading: HostReading?)] {
        // Left in place (private to this user, in the environment's folder): a deploy running beside
        // the watcher may be reading it, and writes the same file.
        let keyFile = environment.hosts.allSatisfy { $0 == "local" } ? nil : try? writeKeyFile()
        let binary = ProcessInfo.processInfo.environment["GAARA_AGENT_BINARY"] ?? supervisor?.first
        // All hosts at once: one that does not answer costs the cycle its connect timeout, not one per host.
        return await withTaskGroup(of: (Int, HostReading?).self) { group in
            for (index, host) in environment.hosts.enumerated() {
                if host == "local" {
                    // Only image services run containers: without one, the engine is not asked.
                    let containers = hasImageServices ? containerTarget : nil
                    group.addTask { (index, HostReading(time: Date().timeIntervalSince1970, containers: await containers?.readings() ?? [])) }
                    continue
                }
                guard let destination = SSHDestination(host), let binary else {
                    group.addTask { (index, nil) }
                    continue
                }
                let target = SSHTarget(
                    destination: destination, session: sshSession(keyFile: keyFile ?? nil),
                    scope: LocalContainerTarget.scope(of: folder.targets.appendingPathComponent(host)), binary: binary)
                group.addTask { (index, try? await target.hostReading()) }
            }
            var readings = [HostReading?](repeating: nil, count: environment.hosts.count)
            for await (index, reading) in group { readings[index] = reading }
            return Array(zip(environment.hosts, readings)).map { (host: $0.0, reading: $0.1) }
        }
    }
}

extension LocalDeployer {
    /// Whether any service is an image (runs as a container).
    var hasImageServices: Bool {
        config.services.contains { if case .image = $0.artifact { true } else { false } }
    }
}

/// The hosts of one environment as alert samples, labelled with `environment` and `host`: `host_up`
/// (1 when the host answered, 0 when it did not), each SSH host's `cpu`, `memory`, `disk` and
/// network rates, and every container's `container_cpu`, `container_memory_bytes`,
/// `container_memory` and network rates (with `container`, `service` and `release`). Rates are
/// over the time since the previous cycle's reading of the same host.
public actor EnvironmentHostsSource: MetricSource {
    let environment: String
    let read: @Sendable () async -> [(host: String, reading: HostReading?)]
    let minimumInterval: Double
    private var previous: [String: HostReading] = [:]
    private var last: (time: Double, samples: [MetricSample])?

    /// A source for `environment` whose hosts are read by `read` (``LocalDeployer/hostReadings()``)
    /// at most every `minimumInterval` seconds: reading a host costs an SSH call and its engine's
    /// listing, so a watcher evaluating every second gets the latest reading in between.
    public init(
        environment: String, minimumInterval: Double = 5, read: @escaping @Sendable () async -> [(host: String, reading: HostReading?)]
    ) {
        self.environment = environment
        self.minimumInterval = minimumInterval
        self.read = read
    }

    /// The samples now (the last reading's when it is younger than ``minimumInterval``).
    public func samples() async -> [MetricSample] {
        let now = Date().timeIntervalSince1970
        if let last, now - last.time < minimumInterval { return last.samples }
        let samples = await readHosts()
        last = (now, samples)
        return samples
    }

    private func readHosts() async -> [MetricSample] {
        var samples: [MetricSample] = []
        for (host, reading) in await read() {
            let labels = ["environment": environment, "host": host]
            samples.append(MetricSample(metric: "host_up", labels: labels, value: reading == nil ? 0 : 1))
            guard let reading else {
                previous[host] = nil
                continue
            }
            samples += reading.samples(since: previous[host], labels: labels)
            previous[host] = reading
        }
        return samples
    }
}
