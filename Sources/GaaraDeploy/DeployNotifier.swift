import Foundation
import GaaraDeployCore
import GaaraHTTP
import GaaraMail
import Logging

/// Tells the team about deploys (the guide's "notify"). A notification that cannot be delivered
/// never fails the deploy: it is retried, then logged.
public protocol DeployNotifier: Sendable {
    /// Delivers `notification` to every channel (returns when each was delivered or given up).
    func notify(_ notification: DeployNotification) async
}

/// The environment's channels (`notify` in deploy.yml, with the values of the secrets it names):
/// Slack incoming webhook, PagerDuty Events API v2, a signed generic webhook. Each delivery goes
/// through ``Deliverer`` (retries with backoff, `Retry-After` honoured, every attempt logged).
public struct ChannelNotifier: DeployNotifier {
    /// A channel ready to send.
    enum Channel: Sendable {
        case slack(url: String)
        case pagerDuty(base: String, routingKey: String)
        case webhook(url: String, secret: String?)
        case email(SMTPSettings, from: String, to: [String])
    }

    let channels: [Channel]
    let deliverer: Deliverer
    let log: @Sendable (String) -> Void
    /// Makes the mailer for a server (SMTP; a recording one in tests of the layer above).
    var mailer: @Sendable (SMTPSettings) -> any Mailer = { SMTPMailer(settings: $0) }

    /// The channels of `settings`, their secrets read from `variables` (and an email channel's
    /// `ca-file` found in `repository`); a channel whose secret is missing is left out and `log`
    /// says so. Nil when no channel is left.
    public init?(
        _ settings: NotifySettings, variables: [String: String], repository: URL? = nil, deliveries: any DeliveryLog = MemoryDeliveryLog(),
        policy: RetryPolicy = RetryPolicy(attempts: 4, baseDelay: 0.5, maxDelay: 10), log: @escaping @Sendable (String) -> Void
    ) {
        var channels: [Channel] = []
        func value(_ name: String?, _ what: String) -> String? {
            guard let name else { return nil }
            guard let value = variables[name], !value.isEmpty else {
                log("warning: \(what) notifications are off: the secret \(name) is not set")
                return nil
            }
            return value
        }
        if let url = value(settings.slack, "Slack") { channels.append(.slack(url: url)) }
        if let key = value(settings.pagerDuty, "PagerDuty") { channels.append(.pagerDuty(base: settings.pagerDutyURL, routingKey: key)) }
        if let url = settings.webhook {
            let secret = value(settings.webhookSecret, "signed webhook")
            if settings.webhookSecret == nil || secret != nil { channels.append(.webhook(url: url, secret: secret)) }
        }
        if let email = settings.email {
            let password = value(email.password, "email")
            if email.password == nil || password != nil {
                channels.append(Self.emailChannel(email, password: password, repository: repository))
            }
        }
        guard !channels.isEmpty else { return nil }
        self.channels = channels
        self.log = log
        var logger = Logger(label: "gaara.notify")
        logger.logLevel = .critical  // failures are reported through `log`, in the deploy's own output
        deliverer = Deliverer(policy: policy, log: deliveries, logger: logger)
    }

    /// Sends to every channel at once.
    public func notify(_ notification: DeployNotification) async {
        await withTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    if case .email(let server, let from, let to) = channel {
                        return await sendEmail(notification, server: server, from: from, to: to)
                    }
                    do {
                        guard let (request, kind) = try Self.request(channel, notification) else { return }
                        let entry = await deliverer.deliver(request, kind: kind, summary: notification.text)
                        if entry.state != .delivered {
                            log("warning: the \(kind) notification was not delivered after \(entry.attempts) attempts: \(entry.lastError ?? "?")")
                        }
                    } catch {
                        log("warning: a notification could not be built: \(error)")
                    }
                }
            }
        }
    }

    /// The request of `notification` on `channel` (nil: the channel does not take this kind).
    static func request(_ channel: Channel, _ notification: DeployNotification) throws -> (OutboundRequest, String)? {
        let json = [("Content-Type", "application/json")]
        switch channel {
        case .slack(let url):
            return (OutboundRequest(method: "POST", url: url, headers: json, body: try notification.slackPayload(), timeout: 10), "slack")
        case .pagerDuty(let base, let key):
            guard let (path, body) = try notification.pagerDutyRequest(routingKey: key) else { return nil }
            let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
            return (OutboundRequest(method: "POST", url: url, headers: json, body: body, timeout: 10), "pagerduty")
        case .webhook(let url, let secret):
            let body = try notification.webhookPayload()
            var headers = json + [("X-Gaara-Event", "deploy.\(notification.kind.rawValue)")]
            if let secret { headers.append((WebhookSignature.header, WebhookSignature.value(body, secret: secret))) }
            return (OutboundRequest(method: "POST", url: url, headers: headers, body: body, timeout: 10), "webhook")
        case .email:
            return nil
        }
    }
}

/// A notifier that keeps what it was told (for tests of the layer above).
public actor RecordingNotifier: DeployNotifier {
    /// The notifications, in order.
    public private(set) var sent: [DeployNotification] = []

    /// An empty recorder.
    public init() {}

    /// Keeps `notification`.
    public func notify(_ notification: DeployNotification) {
        sent.append(notification)
    }
}
