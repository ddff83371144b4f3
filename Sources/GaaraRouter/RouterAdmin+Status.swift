import GaaraRouterCore

/// The admin API's answers (declared in GaaraRouterCore) filled from the live table and metrics.
extension ServiceStatus {
    /// The status of `config`'s targets in `table` now.
    init(_ config: ServiceConfig, table: RoutingTable) {
        let now = ProxyHandler.monotonicSeconds()
        let targets = config.groups.flatMap { group in
            group.targets.map { address in
                let runtime = table.target(address)
                let health = runtime?.healthState
                return Target(
                    address: address.description, group: group.name, state: health?.state.rawValue ?? "adding",
                    ejected: health?.ejectedUntil.map { now < $0 } ?? false, inFlight: runtime?.inFlight.load(ordering: .relaxed) ?? 0)
            }
        }
        self.init(config: config, targets: targets)
    }
}

extension TargetStatus {
    /// A target's state at `now` (monotonic seconds).
    init(_ runtime: TargetRuntime, now: Double) {
        let health = runtime.healthState
        self.init(
            address: runtime.address.description, state: health.state.rawValue, ejected: health.ejectedUntil.map { now < $0 } ?? false,
            inFlight: runtime.inFlight.load(ordering: .relaxed))
    }
}

extension MetricsWindow {
    /// ``latencyBoundsMs`` in microseconds (the histogram's unit).
    static let latencyBoundsMicros = latencyBoundsMs.map { UInt64(($0 * 1000).rounded()) }

    /// The window of `seconds` from each group's counts, with the service's active clients.
    init(service: String, seconds: Int, groups: [(group: String, counts: ServiceMetrics.Counts)], activeClients: Int? = nil) {
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "upstream_error"]
        self.init(
            service: service, seconds: seconds,
            groups: groups.map { entry in
                let counts = entry.counts
                let failures = counts.byClass[4] + counts.byClass[5]
                return Group(
                    group: entry.group, requests: counts.requests,
                    byClass: Dictionary(uniqueKeysWithValues: zip(classes, counts.byClass)),
                    errorRate: counts.requests == 0 ? 0 : Double(failures) / Double(counts.requests),
                    p50Ms: Double(counts.latency.percentile(50)) / 1000, p95Ms: Double(counts.latency.percentile(95)) / 1000,
                    p99Ms: Double(counts.latency.percentile(99)) / 1000, bytesIn: counts.bytesIn, bytesOut: counts.bytesOut,
                    latencyBuckets: counts.latency.coarse(boundsMicros: Self.latencyBoundsMicros))
            }, activeClients: activeClients)
    }
}
