/// The alerts of one route that share the values of its grouping labels, notified together, with
/// its timer and the record of what its receiver was last told.
public struct AggregationGroup: Sendable, Equatable, Codable {
    /// What the receiver was last told: Alertmanager's notification log entry for the group.
    public struct LastNotification: Sendable, Equatable, Codable {
        /// Fingerprints of the firing alerts it held.
        public var firing: Set<String>
        /// Fingerprints of the resolved alerts it held.
        public var resolved: Set<String>
        /// When it was sent.
        public var at: Double
    }

    /// `route path:{group labels}`.
    public let key: String
    /// The route it belongs to.
    public let route: ResolvedRoute
    /// The values of the grouping labels.
    public let labels: AlertLabels
    /// Its alerts (firing, and resolved until the next flush) by fingerprint.
    public internal(set) var alerts: [String: Alert] = [:]
    /// When it is flushed next.
    public internal(set) var nextFlush: Double
    /// Whether it has been flushed (its group wait is over).
    public internal(set) var hasFlushed = false
    /// What its receiver was last told, nil before the first notification.
    public internal(set) var lastNotification: LastNotification?

    /// The shortest time (seconds) between flushes, whatever the route says.
    public static let minimumInterval = 1.0

    /// A new group that flushes first after the route's group wait.
    init(key: String, route: ResolvedRoute, labels: AlertLabels, at now: Double) {
        self.key = key
        self.route = route
        self.labels = labels
        nextFlush = now + route.groupWait
    }

    /// Adds or updates a firing alert. An alert that has been firing for longer than the group
    /// wait, in a group not yet flushed, brings the flush forward to now (Alertmanager's rule,
    /// which matters after a restart: old news is not held back another wait).
    mutating func insert(_ alert: Alert, at now: Double) {
        alerts[alert.fingerprint] = alert
        if !hasFlushed, (alert.firedAt ?? alert.activeAt) + route.groupWait < now {
            nextFlush = min(nextFlush, now)
        }
    }

    /// The flush at `now`: what to send, if anything, with `isMuted` deciding which alerts are
    /// left out. Resolved alerts are dropped afterwards, sent or not.
    ///
    /// Alertmanager's deduplication decides whether to send: the first notification needs a
    /// firing alert; after that, a firing alert the receiver was not told about, an alert
    /// resolved since, or (nothing changed) the repeat interval having passed since the last one.
    mutating func flush(at now: Double, isMuted: (Alert) -> Bool) -> AlertNotification? {
        hasFlushed = true
        // An interval of 0 would have a loop that ticks until nothing is due spin forever.
        nextFlush = now + max(route.groupInterval, Self.minimumInterval)
        let all = alerts.values.sorted { $0.fingerprint < $1.fingerprint }
        for alert in all where alert.state == .resolved { alerts[alert.fingerprint] = nil }
        let shown = all.filter { !isMuted($0) }
        let firing = shown.filter { $0.state == .firing }
        let resolved = shown.filter { $0.state == .resolved }
        let firingSet = Set(firing.map(\.fingerprint))
        let resolvedSet = Set(resolved.map(\.fingerprint))
        // A group whose alerts are all muted sends nothing, not even an empty "resolved".
        guard !shown.isEmpty, needsUpdate(firing: firingSet, resolved: resolvedSet, at: now) else { return nil }
        lastNotification = LastNotification(firing: firingSet, resolved: resolvedSet, at: now)
        return AlertNotification(receiver: route.receiver, groupKey: key, groupLabels: labels, firing: firing, resolved: resolved)
    }

    /// Alertmanager's `DedupStage.needsUpdate` with resolved notifications on.
    private func needsUpdate(firing: Set<String>, resolved: Set<String>, at now: Double) -> Bool {
        guard let last = lastNotification else { return !firing.isEmpty }
        if !firing.isSubset(of: last.firing) { return true }
        // Everything resolved: tell the receiver, if it was told something was firing.
        if firing.isEmpty { return !last.firing.isEmpty }
        if !resolved.isSubset(of: last.resolved) { return true }
        // Alertmanager compares with `<`, which a real timer, always a little late, meets at the
        // interval; with an exact clock `>=` gives the same: repeated at 4 h, not one interval later.
        return now - last.at >= route.repeatInterval
    }
}
