@testable import GaaraAlertCore

/// `HighErrorRate/api`: an alert's name and service, enough to tell test alerts apart.
func short(_ alert: Alert) -> String {
    alert.name + (alert.labels["service"].map { "/" + $0 } ?? "")
}

extension AlertNotification {
    /// `oncall: firing A/api, B/web; resolved C/api`.
    var summary: String {
        var text = "\(receiver):"
        if !firing.isEmpty { text += " firing " + firing.map(short).joined(separator: ", ") }
        if !firing.isEmpty, !resolved.isEmpty { text += ";" }
        if !resolved.isEmpty { text += " resolved " + resolved.map(short).joined(separator: ", ") }
        return text
    }
}

/// A firing (or other) alert named `name` with extra labels, as the evaluator would hand it over.
func alert(_ name: String, _ labels: AlertLabels = [:], _ state: Alert.State = .firing, at time: Double = 0) -> Alert {
    var all = labels
    all["alertname"] = name
    return Alert(
        labels: all, state: state, activeAt: time, firedAt: state == .pending ? nil : time, endsAt: state == .resolved ? time : nil, value: 1)
}

/// An alert named `name` with no other labels in `state`.
func alert(_ name: String, _ state: Alert.State, at time: Double = 0) -> Alert {
    alert(name, [:], state, at: time)
}

/// A matcher from its text, for tests that know it is valid.
func matcher(_ text: String) -> LabelMatcher {
    try! LabelMatcher.parse(text)
}

/// A dispatcher driven by a fake clock: ticks at each time it says it is due, and logs each
/// notification as `time summary`.
struct DispatchClock {
    /// The dispatcher under test.
    var dispatcher: AlertDispatcher
    /// The fake clock (seconds).
    var now = 0.0
    /// `time summary` of each notification, in order.
    var log: [String] = []

    /// A clock at 0 over a dispatcher with `route`.
    init(_ route: AlertRoute, inhibitRules: [InhibitRule] = []) {
        dispatcher = AlertDispatcher(route: route, inhibitRules: inhibitRules)
    }

    /// Ticks at every due time up to and including `end`, then moves the clock to `end`.
    mutating func run(until end: Double) {
        while let due = dispatcher.nextDue(after: now), due <= end {
            now = due
            log += dispatcher.tick(at: due).map { "\(Int(due)) \($0.summary)" }
        }
        now = end
    }

    /// Moves to `time` (ticking on the way) and hands over `alerts`.
    mutating func receive(_ alerts: [Alert], at time: Double) {
        run(until: time)
        dispatcher.receive(alerts, at: time)
    }
}
