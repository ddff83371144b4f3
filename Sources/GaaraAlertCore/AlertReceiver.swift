/// Where a route's notifications go: a named set of channels. Secrets are named, never held
/// (`SLACK_WEBHOOK`), so a configuration can be shown and stored as it is; the delivery adapters
/// look the values up.
public struct AlertReceiver: Sendable, Equatable, Codable {
    /// Email recipients.
    public struct EmailTarget: Sendable, Equatable, Codable {
        /// Addresses to send to.
        public var to: [String]

        /// Creates a target.
        public init(to: [String]) {
            self.to = to
        }
    }

    /// An HTTP endpoint that receives the notification as JSON.
    public struct WebhookTarget: Sendable, Equatable, Codable {
        /// Where to post.
        public var url: String
        /// The name of the secret that signs the body, if any.
        public var secret: String?

        /// Creates a target.
        public init(url: String, secret: String? = nil) {
            self.url = url
            self.secret = secret
        }
    }

    /// The name routes refer to.
    public var name: String
    /// The name of the secret holding a Slack incoming-webhook URL.
    public var slack: String?
    /// The name of the secret holding a PagerDuty Events v2 routing key.
    public var pagerDuty: String?
    /// PagerDuty's Events API when not `https://events.pagerduty.com` (a proxy, a test).
    public var pagerDutyURL: String?
    /// Email recipients.
    public var email: EmailTarget?
    /// A webhook.
    public var webhook: WebhookTarget?

    /// Creates a receiver; one with no channel swallows what is routed to it (Alertmanager's
    /// "null" receiver, for alerts that should only show in the UI).
    public init(
        name: String, slack: String? = nil, pagerDuty: String? = nil, pagerDutyURL: String? = nil, email: EmailTarget? = nil,
        webhook: WebhookTarget? = nil
    ) {
        self.name = name
        self.slack = slack
        self.pagerDuty = pagerDuty
        self.pagerDutyURL = pagerDutyURL
        self.email = email
        self.webhook = webhook
    }
}
