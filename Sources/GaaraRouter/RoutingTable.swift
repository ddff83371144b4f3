import Foundation
import GaaraRouterCore
import NIOCore
import Synchronization

/// A target as the proxy sees it: its health and how many requests it is serving now. Shared by
/// every service that lists the address, and kept across table changes. Every request reads
/// whether the target is eligible and counts its answer; both are atomics in the common case (a
/// healthy target answering well), so the forwarding threads do not take a shared lock for them.
final class TargetRuntime: Sendable {
    let address: TargetAddress
    let inFlight = Atomic<Int>(0)
    private let health = Mutex(TargetHealth())
    /// From when (monotonic seconds, as a Double's bits) the target takes requests: infinity while
    /// it is not healthy, the end of its ejection otherwise.
    private let eligibleFrom = Atomic<UInt64>(Double.infinity.bitPattern)
    /// Whether upstream errors were counted since the last good answer.
    private let erring = Atomic<Bool>(false)

    init(address: TargetAddress) {
        self.address = address
    }

    /// The target's health now.
    var healthState: TargetHealth { health.withLock { $0 } }

    /// Changes the target's health (and what requests read of it without the lock).
    @discardableResult
    func updateHealth<T>(_ change: (inout TargetHealth) -> T) -> T {
        health.withLock { health in
            let result = change(&health)
            let from = health.state != .healthy ? Double.infinity : health.ejectedUntil ?? -Double.infinity
            eligibleFrom.store(from.bitPattern, ordering: .releasing)
            erring.store(health.errorsInARow > 0, ordering: .releasing)
            return result
        }
    }

    func isEligible(at now: Double) -> Bool {
        now >= Double(bitPattern: eligibleFrom.load(ordering: .acquiring))
    }

    /// Counts an answer for passive health: a failure, or a 502/503/504, is an error.
    func served(status: Int?, failed: Bool = false, settings: TargetHealth.Settings) {
        let ok = !failed && status != 502 && status != 503 && status != 504
        // A good answer only resets the count of errors in a row: nothing to do when there is none.
        if ok, !erring.load(ordering: .acquiring) { return }
        updateHealth { _ = $0.served(ok: ok, at: ProxyHandler.monotonicSeconds(), settings: settings) }
    }
}

/// A service ready for requests: its configuration with the split and the target objects resolved.
final class ServiceRuntime: Sendable {
    let config: ServiceConfig
    let split: TrafficSplit
    let groups: [(name: String, targets: [TargetRuntime])]
    let metrics: ServiceMetrics
    private let next = Atomic<Int>(0)

    init(config: ServiceConfig, targets: (TargetAddress) -> TargetRuntime, metrics: ServiceMetrics) {
        self.config = config
        split = TrafficSplit(config.groups.map { ($0.name, $0.weight) })
        groups = config.groups.map { group in (group.name, group.targets.map(targets)) }
        self.metrics = metrics
    }

    /// The passive health settings of its targets.
    var healthSettings: TargetHealth.Settings { config.healthCheck?.settings ?? TargetHealth.Settings() }

    /// Records one answer (`status` nil: cut off) in the service's metrics, timed from `started`
    /// (nil: refused before it reached a target), from the client whose sticky key hashes to
    /// `client` (0: none known).
    func record(group: String, status: Int?, started: NIODeadline?, bytesIn: UInt64 = 0, bytesOut: UInt64 = 0, client: UInt64 = 0) {
        let micros = started.map { UInt64(max(0, (NIODeadline.now() - $0).nanoseconds / 1000)) } ?? 0
        metrics.record(
            group: group, status: status, latencyMicros: micros, bytesIn: bytesIn, bytesOut: bytesOut, client: client,
            now: Date().timeIntervalSince1970)
    }

    /// The group for a bucket and, in it, the eligible target serving the fewest requests now
    /// (ties broken round-robin). Falls back to another group with an eligible target when the
    /// chosen group has none.
    func pick(bucket: Int, now: Double) -> (group: String, target: TargetRuntime)? {
        guard let name = split.group(forBucket: bucket) else { return nil }
        if let target = leastLoaded(in: name, now: now) { return (name, target) }
        // Another group is a fallback only if it carries traffic …
        for weight in split.weights where weight.name != name && weight.weight > 0 {
            if let target = leastLoaded(in: weight.name, now: now) { return (weight.name, target) }
        }
        // … or is the replaced release kept ready as a standby (never a new release being staged).
        for group in config.groups where group.standby == true && group.weight == 0 {
            if let target = leastLoaded(in: group.name, now: now) { return (group.name, target) }
        }
        // Panic mode: every healthy target of the chosen group, then of the other groups that carry
        // traffic, is ejected for errors. Trying one beats refusing every request (a whole group is
        // ejected only when its upstreams all fail).
        for candidate in [name] + split.weights.filter({ $0.name != name && $0.weight > 0 }).map(\.name) {
            guard let targets = groups.first(where: { $0.name == candidate })?.targets else { continue }
            let healthy = targets.filter { $0.healthState.state == .healthy }
            if let target = healthy.min(by: { $0.inFlight.load(ordering: .relaxed) < $1.inFlight.load(ordering: .relaxed) }) {
                return (candidate, target)
            }
        }
        return nil
    }

    /// The eligible target of a group serving the fewest requests now (ties broken round-robin).
    private func leastLoaded(in group: String, now: Double) -> TargetRuntime? {
        guard let targets = groups.first(where: { $0.name == group })?.targets, !targets.isEmpty else { return nil }
        if targets.count == 1 { return targets[0].isEligible(at: now) ? targets[0] : nil }
        let start = next.add(1, ordering: .relaxed).newValue
        var best: TargetRuntime?
        var bestLoad = Int.max
        for offset in 0..<targets.count {
            let target = targets[(start &+ offset) % targets.count]
            guard target.isEligible(at: now) else { continue }
            let load = target.inFlight.load(ordering: .relaxed)
            if load < bestLoad {
                best = target
                bestLoad = load
            }
        }
        return best
    }

    /// Requests in flight on a group's targets.
    func inFlight(group: String) -> Int {
        groups.first { $0.name == group }?.targets.reduce(0) { $0 + $1.inFlight.load(ordering: .relaxed) } ?? 0
    }
}

/// An immutable view of all services, swapped whole on every change.
final class RoutingSnapshot: Sendable {
    let services: [ServiceRuntime]

    init(services: [ServiceRuntime]) {
        self.services = services
    }

    /// The service with the longest matching prefix (host-specific services first).
    func route(host: String?, path: String) -> ServiceRuntime? {
        var best: (ServiceRuntime, Int)?
        for service in services {
            guard let score = service.config.matches(host: host, path: path) else { continue }
            if best == nil || score > best!.1 { best = (service, score) }
        }
        return best?.0
    }
}

/// The routing table: the persisted ``RouterState``, the live snapshot requests read, and the
/// per-target runtime state.
public final class RoutingTable: Sendable {
    private let state: Mutex<RouterState>
    private let current: Mutex<RoutingSnapshot>
    /// Counts the snapshots made, so that readers with a ``SnapshotCache`` take the lock only after a change.
    private let version = Atomic<Int>(0)
    private let targets = Mutex<[TargetAddress: TargetRuntime]>([:])
    private let metrics = Mutex<[String: ServiceMetrics]>([:])
    private let unrouted = Mutex<[Int: UInt64]>([:])
    /// Where the state is kept (nil: in memory only).
    public let stateFile: URL?

    /// Loads the table from `stateFile` (or starts empty).
    public init(stateFile: URL?) throws {
        self.stateFile = stateFile
        let loaded = try stateFile.map(RouterState.load) ?? RouterState()
        state = Mutex(loaded)
        current = Mutex(RoutingSnapshot(services: []))
        rebuild(loaded)
    }

    /// The current state.
    public var snapshotState: RouterState { state.withLock { $0 } }

    var snapshot: RoutingSnapshot { current.withLock { $0 } }

    /// A reader's copy of the snapshot and the version it had.
    struct SnapshotCache {
        var version = -1
        var snapshot: RoutingSnapshot?
    }

    /// The snapshot through a reader's own cache: one atomic load per request, the lock only after a change.
    func snapshot(cache: inout SnapshotCache) -> RoutingSnapshot {
        let now = version.load(ordering: .acquiring)
        if cache.version == now, let snapshot = cache.snapshot { return snapshot }
        // Made before its version is counted: at worst a newer snapshot is kept under an older version (and read again).
        let snapshot = current.withLock { $0 }
        cache = SnapshotCache(version: now, snapshot: snapshot)
        return snapshot
    }

    /// Applies a change: validates it, saves it, then makes it live. Requests already routed keep
    /// their target; new ones see the new table at once.
    public func apply(_ change: (inout RouterState) throws(RoutingError) -> Void) throws(RoutingError) {
        try state.withLock { (state: inout RouterState) throws(RoutingError) in
            var next = state
            try change(&next)
            try next.validate()
            if let stateFile {
                do {
                    try next.save(to: stateFile)
                } catch {
                    throw RoutingError(status: 500, message: "cannot save the routing table: \(error)")
                }
            }
            state = next
            // Made live under the same lock: two changes at once become live in the order they
            // were saved (outside it, the older one's snapshot could replace the newer one's).
            rebuild(next)
        }
    }

    private func rebuild(_ state: RouterState) {
        let services = state.services.map { config -> ServiceRuntime in
            let checked = config.healthCheck != nil
            let metrics = self.metrics.withLock { all in
                if let existing = all[config.name] { return existing }
                let created = ServiceMetrics(service: config.name)
                all[config.name] = created
                return created
            }
            return ServiceRuntime(
                config: config,
                targets: { address in
                    self.targets.withLock { all in
                        if let existing = all[address] {
                            // Listed again before its last request finished: the same target with the
                            // health it had. A new one would take no requests until its checks pass.
                            let listed = existing.updateHealth { health in health.state != .draining || health.revive() }
                            if listed { return existing }
                        }
                        let runtime = TargetRuntime(address: address)
                        if !checked { runtime.updateHealth { $0.markHealthy() } }
                        all[address] = runtime
                        return runtime
                    }
                }, metrics: metrics)
        }
        current.withLock { $0 = RoutingSnapshot(services: services) }
        version.add(1, ordering: .releasing)
        // Targets no service lists any more take no new requests; ``sweep()`` retires them once idle.
        let listed = Set(state.services.flatMap { $0.groups.flatMap(\.targets) })
        targets.withLock { all in
            for (address, runtime) in all where !listed.contains(address) { runtime.updateHealth { $0.drain() } }
        }
        sweep()
    }

    /// Retires draining targets whose last request finished.
    func sweep() {
        targets.withLock { all in
            for (address, runtime) in all where runtime.inFlight.load(ordering: .relaxed) == 0 {
                let retired = runtime.updateHealth { health -> Bool in
                    guard health.state == .draining else { return false }
                    health.remove()
                    return true
                }
                if retired { all[address] = nil }
            }
        }
    }

    /// Every target the router knows, with its state (draining ones included).
    var allTargets: [TargetRuntime] {
        targets.withLock { Array($0.values) }.sorted { $0.address.description < $1.address.description }
    }

    /// The runtime of a target, if any service lists it.
    func target(_ address: TargetAddress) -> TargetRuntime? {
        targets.withLock { $0[address] }
    }

    /// Every service's metrics.
    var allMetrics: [ServiceMetrics] {
        let names = state.withLock { $0.services.map(\.name) }
        return metrics.withLock { all in names.compactMap { all[$0] } }
    }

    /// Counts a request the router answered before any service took it: 400 (malformed), 404
    /// (no service for its host and path) or 408 (its head did not come in time).
    func countUnrouted(status: Int) {
        unrouted.withLock { $0[status, default: 0] += 1 }
    }

    /// Requests answered before any service took them, by status.
    var unroutedCounts: [Int: UInt64] {
        unrouted.withLock { $0 }
    }
}
