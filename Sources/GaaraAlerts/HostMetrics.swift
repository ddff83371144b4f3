import Foundation
import GaaraAlertCore

/// This machine's CPU, memory, disk and network as alert samples (`cpu`, `memory`, `disk` as
/// shares of 0–1, `network_receive_bytes_per_second` and `network_transmit_bytes_per_second`),
/// labelled with `host`: read from `/proc` and `statvfs`, the CPU and network as rates since the
/// previous reading.
public actor HostMetricsSource: MetricSource {
    let host: String
    let proc: URL
    let disk: String
    private var previousCPU: CPUTimes?
    private var previousNetwork: (time: Double, received: Double, sent: Double)?

    /// A source for this machine (`proc` and `disk` are for tests: another `/proc`, another mount).
    public init(host: String = ProcessInfo.processInfo.hostName, proc: URL = URL(fileURLWithPath: "/proc"), disk: String = "/") {
        self.host = host
        self.proc = proc
        self.disk = disk
    }

    /// The samples now.
    public func samples() async -> [MetricSample] {
        let labels = ["host": host]
        var samples: [MetricSample] = []
        if let text = read("stat"), let now = Self.cpuTimes(text) {
            // The share busy since the previous reading (since boot the first time).
            let before = previousCPU ?? CPUTimes(busy: 0, total: 0)
            if now.total > before.total {
                samples.append(MetricSample(metric: "cpu", labels: labels, value: (now.busy - before.busy) / (now.total - before.total)))
            }
            previousCPU = now
        }
        if let text = read("meminfo"), let used = Self.memoryUsed(text) {
            samples.append(MetricSample(metric: "memory", labels: labels, value: used))
        }
        if let used = Self.diskUsed(disk) { samples.append(MetricSample(metric: "disk", labels: labels + ["mount": disk], value: used)) }
        if let text = read("net/dev"), let (received, sent) = Self.networkBytes(text) {
            let time = Date().timeIntervalSince1970
            if let previous = previousNetwork, time > previous.time {
                let seconds = time - previous.time
                samples.append(
                    MetricSample(metric: "network_receive_bytes_per_second", labels: labels, value: max(0, received - previous.received) / seconds))
                samples.append(
                    MetricSample(metric: "network_transmit_bytes_per_second", labels: labels, value: max(0, sent - previous.sent) / seconds))
            }
            previousNetwork = (time, received, sent)
        }
        return samples
    }

    private func read(_ path: String) -> String? { try? String(contentsOf: proc.appendingPathComponent(path), encoding: .utf8) }

    /// Jiffies busy and in all from `/proc/stat`'s `cpu` line (idle and iowait are not busy).
    struct CPUTimes: Equatable {
        var busy: Double
        var total: Double
    }

    static func cpuTimes(_ stat: String) -> CPUTimes? {
        guard let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 4 else { return nil }
        // user nice system idle iowait irq softirq steal (guest and guest_nice are in user and nice already).
        let counted = Array(values.prefix(8))
        let total = counted.reduce(0, +)
        let idle = counted[3] + (counted.count > 4 ? counted[4] : 0)
        return CPUTimes(busy: total - idle, total: total)
    }

    /// 1 − MemAvailable / MemTotal from `/proc/meminfo`.
    static func memoryUsed(_ meminfo: String) -> Double? {
        var fields: [String: Double] = [:]
        for line in meminfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1].split(separator: " ").first ?? "") else { continue }
            fields[String(parts[0])] = value
        }
        guard let total = fields["MemTotal"], total > 0, let available = fields["MemAvailable"] else { return nil }
        return 1 - available / total
    }

    /// The used share of the file system at `path` as `df` computes it: used / (used + available to users).
    static func diskUsed(_ path: String) -> Double? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let used = Double(stats.f_blocks - stats.f_bfree)
        let available = Double(stats.f_bavail)
        return used + available > 0 ? used / (used + available) : nil
    }

    /// Bytes received and sent by every interface but loopback, from `/proc/net/dev`.
    static func networkBytes(_ dev: String) -> (Double, Double)? {
        var received = 0.0
        var sent = 0.0
        var seen = false
        for line in dev.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let values = parts[1].split(separator: " ").compactMap { Double($0) }
            guard name != "lo", values.count >= 9 else { continue }
            received += values[0]
            sent += values[8]
            seen = true
        }
        return seen ? (received, sent) : nil
    }
}

extension Dictionary where Key == String, Value == String {
    static func + (left: Self, right: Self) -> Self { left.merging(right) { $1 } }
}
