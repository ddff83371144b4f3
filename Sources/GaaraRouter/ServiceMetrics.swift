import Foundation
import GaaraRouterCore
import Synchronization

/// Per-group request metrics of a service: totals since start (for Prometheus) and one slot per
/// second for the last minute (for windows the canary analysis reads); and its active users, the
/// distinct sticky clients of each of the last few minutes.
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
    /// Minutes of clients kept: "active in the last 5 minutes" is the union of the current minute
    /// and the 5 before it (so between 5 and 6 minutes back).
    static let activeMinutes = 5
    let service: String
    /// Behind one lock: a request's counts and its client are recorded with one acquisition.
    private struct State {
        var groups: [String: Group] = [:]
        var clients: [Int: DistinctCounter] = [:]
    }
    private let state = Mutex(State())

    init(service: String) {
        self.service = service
    }

    /// Records one finished request: `status` nil for an upstream error without a response;
    /// `client` the hash of its sticky key (0: none known).
    func record(group: String, status: Int?, latencyMicros: UInt64, bytesIn: UInt64, bytesOut: UInt64, client: UInt64 = 0, now: Double) {
        let second = Int(now)
        let slot = status.map { min(max($0 / 100 - 1, 0), 4) } ?? 5
        state.withLock { state in
            // In place: copying a group out of the dictionary would copy its histograms per request.
            Self.update(
                &state.groups[group, default: Group()], slot: slot, second: second, latencyMicros: latencyMicros, bytesIn: bytesIn, bytesOut: bytesOut
            )
            guard client != 0 else { return }
            let minute = second / 60
            state.clients[minute, default: DistinctCounter()].insert(hash: client)
            if state.clients.count > Self.activeMinutes + 2 { state.clients = state.clients.filter { $0.key >= minute - Self.activeMinutes } }
        }
    }

    /// The distinct clients seen in the current minute and the ``activeMinutes`` before it.
    func activeClients(now: Double) -> Int {
        let minute = Int(now) / 60
        return state.withLock { state in
            var union = DistinctCounter()
            for (start, counter) in state.clients where start >= minute - Self.activeMinutes { union.merge(counter) }
            return union.estimate
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
        state.withLock { state in state.groups.map { ($0.key, $0.value.total) }.sorted { $0.group < $1.group } }
    }

    /// The last `seconds` seconds, by group.
    func window(seconds: Int, now: Double) -> [(group: String, counts: Counts)] {
        let current = Int(now)
        return state.withLock { state in
            state.groups.map { name, entry in
                var counts = Counts()
                for (second, slot) in entry.seconds where second > current - seconds { counts.add(slot) }
                return (name, counts)
            }.sorted { $0.group < $1.group }
        }
    }
}
