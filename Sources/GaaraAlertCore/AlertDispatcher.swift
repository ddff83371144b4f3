/// Alertmanager's dispatcher and notification pipeline as a pure state machine fed a clock:
/// it takes alerts from the evaluator, routes them into aggregation groups, and at each group's
/// flush returns the notifications to deliver, leaving out what silences and inhibition mute.
///
/// Contract for the caller (the alerting loop):
/// - After each evaluation, pass the evaluator's alerts to ``receive(_:at:)``; pending alerts are
///   ignored, firing ones join their groups, resolved ones update them.
/// - Call ``tick(at:)`` at ``nextDue(after:)`` (or on any wake-up; early calls do nothing) and
///   deliver what it returns. Delivery is the caller's: a failed delivery is retried there.
/// - Keep the dispatcher for the life of the process; its groups hold what receivers were told.
///
/// Timing: a new group waits its route's `groupWait` and then flushes every `groupInterval`. A
/// flush sends a notification only when the firing set changed since the group's last one (an
/// alert started firing or resolved) or `repeatInterval` has passed; resolved alerts are sent
/// once and dropped, and a group left with no alerts is removed.
public struct AlertDispatcher: Sendable, Equatable, Codable {
    /// The routing tree.
    public let route: AlertRoute
    /// The inhibition rules.
    public let inhibitRules: [InhibitRule]
    /// The silences, active, pending and recently expired, in the order added.
    public private(set) var silences: [Silence] = []
    /// The aggregation groups by key.
    public private(set) var groups: [String: AggregationGroup] = [:]
    /// Every firing alert received, by fingerprint: the sources inhibition looks at, whichever
    /// route they took (a silenced source still inhibits, as in Alertmanager).
    private var firing: [String: Alert] = [:]

    /// How long (seconds) an expired silence is kept for listing: Alertmanager's default retention, 5 days.
    public static let silenceRetention = 432_000.0

    /// A dispatcher with no alerts.
    public init(route: AlertRoute, inhibitRules: [InhibitRule] = [], silences: [Silence] = []) {
        self.route = route
        self.inhibitRules = inhibitRules
        self.silences = silences
    }

    /// Takes the current state of `alerts` at `now`.
    public mutating func receive(_ alerts: [Alert], at now: Double) {
        for alert in alerts {
            switch alert.state {
            case .pending:
                continue
            case .firing:
                firing[alert.fingerprint] = alert
                for route in route.match(alert.labels) {
                    let labels = route.groupLabels(for: alert.labels)
                    let key = route.path + ":" + LabelText.render(labels)
                    groups[key, default: AggregationGroup(key: key, route: route, labels: labels, at: now)].insert(alert, at: now)
                }
            case .resolved:
                firing[alert.fingerprint] = nil
                // Only groups that hold it as firing hear of its end; a resolved alert on its own
                // would start a group that has nothing to say.
                for route in route.match(alert.labels) {
                    let key = route.path + ":" + LabelText.render(route.groupLabels(for: alert.labels))
                    if groups[key]?.alerts[alert.fingerprint] != nil { groups[key]?.alerts[alert.fingerprint] = alert }
                }
            }
        }
    }

    /// Flushes every group due at `now`, in key order, and returns the notifications to deliver.
    public mutating func tick(at now: Double) -> [AlertNotification] {
        silences.removeAll { $0.endsAt + Self.silenceRetention < now }
        var notifications: [AlertNotification] = []
        for key in groups.keys.sorted() {
            guard var group = groups[key], group.nextFlush <= now else { continue }
            if let notification = group.flush(at: now, isMuted: { isMuted($0, at: now) }) { notifications.append(notification) }
            groups[key] = group.alerts.isEmpty ? nil : group
        }
        return notifications
    }

    /// When ``tick(at:)`` next has a group to flush (`now` if one is overdue), nil when no group waits.
    public func nextDue(after now: Double) -> Double? {
        groups.values.map(\.nextFlush).min().map { max($0, now) }
    }

    /// Whether `alert` is muted at `now`: by an active silence, or by a firing source of an inhibition rule.
    public func isMuted(_ alert: Alert, at now: Double) -> Bool {
        silences.contains { $0.mutes(alert.labels, at: now) } || inhibitRules.contains { $0.mutes(alert, sources: firing.values) }
    }

    /// Adds a silence, or replaces the one with its id.
    public mutating func addSilence(_ silence: Silence) throws(SilenceError) {
        if let problem = silence.problem { throw SilenceError(message: problem) }
        if let index = silences.firstIndex(where: { $0.id == silence.id }) {
            silences[index] = silence
        } else {
            silences.append(silence)
        }
    }

    /// Ends the silence `id` at `now` (one not yet started never starts); false when there is
    /// no such silence or it had already ended.
    @discardableResult
    public mutating func expireSilence(id: String, at now: Double) -> Bool {
        guard let index = silences.firstIndex(where: { $0.id == id }), silences[index].endsAt > now else { return false }
        silences[index].startsAt = min(silences[index].startsAt, now)
        silences[index].endsAt = now
        return true
    }
}
