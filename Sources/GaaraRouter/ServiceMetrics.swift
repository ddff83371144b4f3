import Foundation
import GaaraRouterCore
import Synchronization

/// Per-group request metrics of a service: totals since start (for Prometheus) and one slot per
/// second for the last minute (for windows the canary analysis reads).
final class ServiceMetrics: Sendable {
    /// Counts of one group over some span.
    struct Counts: Sendable {
        var byClass = [UInt64](repeating: 0, count: 6)  // 1xx…5xx, then upstream errors (no response)
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var latency = LatencyHistogram()

        mutating func add(_ other: Counts) {
            for index in byClass.indices { byClass[index] += other.byClass[index] }
            bytesIn += other.bytesIn
            bytesOut += other.bytesOut
            latency.merge(other.latency)
        }

        var requests: UInt64 { byClass.reduce(0, +) }
    }

    private struct Group {
        var total = Counts()
        var seconds: [Int: Counts] = [:]
    }

    static let windowSeconds = 60
    let service: String
    private let groups = Mutex<[String: Group]>([:])

    init(service: String) {
        self.service = service
    }

    /// Records one finished request: `status` nil for an upstream error without a response.
    func record(group: String, status: Int?, latencyMicros: UInt64, bytesIn: UInt64, bytesOut: UInt64, now: Double) {
        let second = Int(now)
        let slot = status.map { min(max($0 / 100 - 1, 0), 4) } ?? 5
        groups.withLock { all in
            // In place: copying a group out of the dictionary would copy its histograms per request.
            Self.update(&all[group, default: Group()], slot: slot, second: second, latencyMicros: latencyMicros, bytesIn: bytesIn, bytesOut: bytesOut)
        }
    }

    private static func update(_ entry: inout Group, slot: Int, second: Int, latencyMicros: UInt64, bytesIn: UInt64, bytesOut: UInt64) {
        func update(_ counts: inout Counts) {
            counts.byClass[slot] += 1
            counts.bytesIn += bytesIn
            counts.bytesOut += bytesOut
            counts.latency.record(latencyMicros)
        }
        update(&entry.total)
        update(&entry.seconds[second, default: Counts()])
        if entry.seconds.count > windowSeconds + 5 {
            entry.seconds = entry.seconds.filter { $0.key > second - windowSeconds }
        }
    }

    /// Totals since start, by group.
    func totals() -> [(group: String, counts: Counts)] {
        groups.withLock { all in all.map { ($0.key, $0.value.total) }.sorted { $0.group < $1.group } }
    }

    /// The last `seconds` seconds, by group.
    func window(seconds: Int, now: Double) -> [(group: String, counts: Counts)] {
        let current = Int(now)
        return groups.withLock { all in
            all.map { name, entry in
                var counts = Counts()
                for (second, slot) in entry.seconds where second > current - seconds { counts.add(slot) }
                return (name, counts)
            }.sorted { $0.group < $1.group }
        }
    }
}
