/// One notification for a receiver: the state of one aggregation group at a flush, its muted
/// alerts left out.
public struct AlertNotification: Sendable, Equatable, Codable {
    /// The receiver to deliver to.
    public var receiver: String
    /// The group's key: the route's path and the group's labels; stable across notifications, so
    /// a receiver can thread them (Slack) or deduplicate them (PagerDuty's dedup key).
    public var groupKey: String
    /// The values of the grouping labels.
    public var groupLabels: AlertLabels
    /// The alerts firing, by fingerprint.
    public var firing: [Alert]
    /// The alerts resolved since the last notification, by fingerprint (sent once).
    public var resolved: [Alert]

    /// Creates a notification.
    public init(receiver: String, groupKey: String, groupLabels: AlertLabels, firing: [Alert], resolved: [Alert]) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.firing = firing
        self.resolved = resolved
    }

    /// Whether everything in it has resolved (the "resolved" message).
    public var isResolved: Bool { firing.isEmpty }
}
