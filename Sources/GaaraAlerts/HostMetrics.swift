import Foundation
import GaaraAlertCore

/// This machine's CPU, memory, disk and network as alert samples (`cpu`, `memory`, `disk` as
/// shares of 0–1, `network_receive_bytes_per_second` and `network_transmit_bytes_per_second`),
/// labelled with `host`: read from `/proc` and `statvfs`, the CPU and network as rates since the
/// previous reading (see ``HostReading``).
public actor HostMetricsSource: MetricSource {
    let host: String
    let proc: URL
    let disk: String
    private var previous: HostReading?

    /// A source for this machine (`proc` and `disk` are for tests: another `/proc`, another mount).
    public init(host: String = ProcessInfo.processInfo.hostName, proc: URL = URL(fileURLWithPath: "/proc"), disk: String = "/") {
        self.host = host
        self.proc = proc
        self.disk = disk
    }

    /// The samples now.
    public func samples() async -> [MetricSample] {
        let now = Self.reading(proc: proc, disk: disk)
        defer { previous = now }
        return now.samples(since: previous, labels: ["host": host])
    }

    /// This machine's counters now (containers are added by the caller that knows them).
    public static func reading(proc: URL = URL(fileURLWithPath: "/proc"), disk: String = "/") -> HostReading {
        func read(_ path: String) -> String? { try? String(contentsOf: proc.appendingPathComponent(path), encoding: .utf8) }
        var reading = HostReading(time: Date().timeIntervalSince1970)
        if let text = read("stat"), let times = cpuTimes(text) {
            reading.cpuBusy = times.busy
            reading.cpuTotal = times.total
        }
        reading.memoryUsed = read("meminfo").flatMap(memoryUsed)
        reading.diskUsed = diskUsed(disk)
        if let text = read("net/dev"), let (received, sent) = networkBytes(text) {
            reading.networkReceived = received
            reading.networkSent = sent
        }
        return reading
    }

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
