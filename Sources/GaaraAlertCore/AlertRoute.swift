/// Which labels split a route's alerts into groups (one notification per group).
public enum GroupBy: Sendable, Equatable, Hashable, Codable {
    /// One group per distinct combination of these labels' values (none: one group for the route).
    case labels([String])
    /// `...`: every label, so each alert is its own group.
    case all
}

/// A node of Alertmanager's routing tree: which alerts it takes (``matchers``), where their
/// notifications go (``receiver``) and how they are grouped and timed.
///
/// Unset settings are inherited from the parent; at the root they take Alertmanager's defaults
/// (group wait 30 s, group interval 5 m, repeat interval 4 h, no grouping labels), and a root
/// without a receiver sends to the receiver named `default`.
public struct AlertRoute: Sendable, Equatable, Codable {
    /// Where notifications go; nil inherits.
    public var receiver: String?
    /// What an alert must match to take this route (ignored at the root, which takes every alert).
    public var matchers: [LabelMatcher]
    /// How alerts are grouped; nil inherits.
    public var groupBy: GroupBy?
    /// How long (seconds) a new group waits for more alerts before its first notification; nil inherits.
    public var groupWait: Double?
    /// How long (seconds) between a group's notifications about changes; nil inherits.
    public var groupInterval: Double?
    /// How long (seconds) before an unchanged group is notified again; nil inherits.
    public var repeatInterval: Double?
    /// Whether an alert that matched this route goes on to try its later siblings.
    public var `continue`: Bool
    /// Child routes, tried in order.
    public var routes: [AlertRoute]

    /// Creates a route.
    public init(
        receiver: String? = nil, matchers: [LabelMatcher] = [], groupBy: GroupBy? = nil, groupWait: Double? = nil, groupInterval: Double? = nil,
        repeatInterval: Double? = nil, continue: Bool = false, routes: [AlertRoute] = []
    ) {
        self.receiver = receiver
        self.matchers = matchers
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continue = `continue`
        self.routes = routes
    }

    /// The routes an alert with `labels` takes, with their settings resolved, as Alertmanager
    /// matches: depth first; the first matching child wins unless it says `continue`, in which
    /// case later siblings are tried too; a node none of whose children match takes the alert itself.
    public func match(_ labels: AlertLabels) -> [ResolvedRoute] {
        match(labels, resolved: ResolvedRoute.root(self), isRoot: true)
    }

    private func match(_ labels: AlertLabels, resolved: ResolvedRoute, isRoot: Bool) -> [ResolvedRoute] {
        guard isRoot || matchers.matches(labels) else { return [] }
        var all: [ResolvedRoute] = []
        for (index, child) in routes.enumerated() {
            let matches = child.match(labels, resolved: resolved.child(child, index: index), isRoot: false)
            all += matches
            if !matches.isEmpty, !child.continue { break }
        }
        return all.isEmpty ? [resolved] : all
    }
}

/// A route node with its inherited settings filled in: what an alert's group is made with.
public struct ResolvedRoute: Sendable, Equatable, Hashable, Codable {
    /// The node's place in the tree: `{}` for the root, then `/{matchers}/index` per level, so
    /// that two siblings with the same matchers are still told apart.
    public var path: String
    /// Where notifications go.
    public var receiver: String
    /// How alerts are grouped.
    public var groupBy: GroupBy
    /// Seconds a new group waits before its first notification.
    public var groupWait: Double
    /// Seconds between a group's notifications about changes.
    public var groupInterval: Double
    /// Seconds before an unchanged group is notified again.
    public var repeatInterval: Double

    /// Alertmanager's defaults.
    public static let defaultGroupWait = 30.0
    /// Alertmanager's default group interval (5 minutes).
    public static let defaultGroupInterval = 300.0
    /// Alertmanager's default repeat interval (4 hours).
    public static let defaultRepeatInterval = 14_400.0

    /// The root's settings, defaults filling what it leaves unset.
    static func root(_ route: AlertRoute) -> ResolvedRoute {
        ResolvedRoute(
            path: "{}", receiver: route.receiver ?? "default", groupBy: route.groupBy ?? .labels([]),
            groupWait: route.groupWait ?? defaultGroupWait, groupInterval: route.groupInterval ?? defaultGroupInterval,
            repeatInterval: route.repeatInterval ?? defaultRepeatInterval)
    }

    /// A child's settings: its own where set, else these.
    func child(_ route: AlertRoute, index: Int) -> ResolvedRoute {
        ResolvedRoute(
            path: path + "/{" + route.matchers.map(\.description).joined(separator: ",") + "}/\(index)", receiver: route.receiver ?? receiver,
            groupBy: route.groupBy ?? groupBy, groupWait: route.groupWait ?? groupWait, groupInterval: route.groupInterval ?? groupInterval,
            repeatInterval: route.repeatInterval ?? repeatInterval)
    }

    /// The labels that name the group an alert with `labels` joins: its values of the grouping
    /// labels (those it lacks are left out), or all of them for `...`.
    public func groupLabels(for labels: AlertLabels) -> AlertLabels {
        switch groupBy {
        case .all: return labels
        case .labels(let names): return labels.filter { names.contains($0.key) }
        }
    }
}
