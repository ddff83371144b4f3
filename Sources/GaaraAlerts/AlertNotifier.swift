import Foundation
import GaaraAlertCore
import GaaraHTTP
import GaaraMail
import Logging

/// Delivers the dispatcher's notifications to their receivers' channels: Slack, PagerDuty, a
/// signed webhook and email, every delivery through ``Deliverer`` (retries with backoff,
/// `Retry-After`, each attempt in the delivery log). A channel whose secret is not set is left out
/// with a warning; a delivery that fails is logged, never thrown.
public struct AlertNotifier: Sendable {
    let config: AlertConfig
    let variables: [String: String]
    let deliverer: Deliverer
    let externalURL: String?
    let pagerDutyURL: String
    let caDirectory: URL?
    let log: @Sendable (String) -> Void
    /// Makes the mailer for a server (SMTP; a recording one in tests of the layer above).
    var mailer: @Sendable (SMTPSettings) -> any Mailer = { SMTPMailer(settings: $0) }

    /// A notifier for `config`'s receivers with the secrets' values in `variables`; `externalURL`
    /// (the dashboard) is linked from each message; an SMTP `ca-file` is found in `caDirectory`.
    public init(
        config: AlertConfig, variables: [String: String], deliveries: any DeliveryLog = MemoryDeliveryLog(),
        policy: RetryPolicy = RetryPolicy(attempts: 4, baseDelay: 0.5, maxDelay: 30), externalURL: String? = nil,
        pagerDutyURL: String = "https://events.pagerduty.com", caDirectory: URL? = nil, log: @escaping @Sendable (String) -> Void
    ) {
        self.config = config
        self.variables = variables
        self.externalURL = externalURL
        self.pagerDutyURL = pagerDutyURL.hasSuffix("/") ? String(pagerDutyURL.dropLast()) : pagerDutyURL
        self.caDirectory = caDirectory
        self.log = log
        var logger = Logger(label: "gaara.alerts")
        logger.logLevel = .critical  // failures are reported through `log`
        deliverer = Deliverer(policy: policy, log: deliveries, logger: logger)
    }

    /// Sends `notification` to every channel of its receiver at once; the final delivery entries.
    @discardableResult
    public func send(_ notification: AlertNotification, at time: Date = Date()) async -> [DeliveryEntry] {
        guard let receiver = config.receiver(notification.receiver) else {
            // No receivers at all (the defaults with no alerts.yml): the alerts are shown, not sent.
            if !config.receivers.isEmpty {
                log("warning: no receiver is named '\(notification.receiver)'; \(notification.title) was not sent")
            }
            return []
        }
        let sends = sends(notification, to: receiver, at: time)
        return await withTaskGroup(of: DeliveryEntry.self) { group in
            for send in sends { group.addTask { await send() } }
            var entries: [DeliveryEntry] = []
            for await entry in group {
                if entry.state != .delivered {
                    log("warning: the \(entry.kind) alert notification was not delivered after \(entry.attempts) attempts: \(entry.lastError ?? "?")")
                }
                entries.append(entry)
            }
            return entries
        }
    }

    /// The deliveries `receiver` gets for `notification`, ready to run.
    func sends(_ notification: AlertNotification, to receiver: AlertReceiver, at time: Date) -> [@Sendable () async -> DeliveryEntry] {
        var sends: [@Sendable () async -> DeliveryEntry] = []
        let json = [("Content-Type", "application/json")]
        let deliverer = deliverer
        func post(_ url: String, _ body: Data, _ kind: String, headers: [(String, String)] = []) {
            let request = OutboundRequest(method: "POST", url: url, headers: json + headers, body: body, timeout: 10)
            sends.append { await deliverer.deliver(request, kind: kind, summary: notification.title) }
        }
        do {
            if let url = secret(receiver.slack, "Slack") { post(url, try notification.slackPayload(externalURL: externalURL), "alert-slack") }
            if let key = secret(receiver.pagerDuty, "PagerDuty") {
                let base = receiver.pagerDutyURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? pagerDutyURL
                for event in try notification.pagerDutyEvents(routingKey: key, externalURL: externalURL) {
                    post(base + "/v2/enqueue", event, "alert-pagerduty")
                }
            }
            if let webhook = receiver.webhook {
                let signing = webhook.secret.map { secret($0, "signed webhook") }
                if signing != .some(nil) {
                    let body = try notification.webhookPayload(externalURL: externalURL)
                    let signature = (signing ?? nil).map { [(WebhookSignature.header, WebhookSignature.value(body, secret: $0))] } ?? []
                    post(webhook.url, body, "alert-webhook", headers: [("X-Gaara-Event", "alert")] + signature)
                }
            }
        } catch {
            log("warning: an alert notification could not be built: \(error)")
        }
        if let email = receiver.email, let smtp = config.smtp {
            let password = smtp.password.flatMap { secret($0, "email") }
            if smtp.password == nil || password != nil {
                let settings = smtpSettings(smtp, password: password)
                let message = notification.email(from: smtp.from, to: email.to, externalURL: externalURL, at: time)
                let mailer = mailer(settings)
                sends.append { await deliverer.deliver(message, via: mailer, server: "\(settings.host):\(settings.port)", kind: "alert-email") }
            }
        }
        return sends
    }

    /// The value of the secret `name`, or nil with a warning when it is not set.
    func secret(_ name: String?, _ what: String) -> String? {
        guard let name else { return nil }
        guard let value = variables[name], !value.isEmpty else {
            log("warning: \(what) alert notifications are off: the secret \(name) is not set")
            return nil
        }
        return value
    }

    func smtpSettings(_ smtp: AlertSMTP, password: String?) -> SMTPSettings {
        let parts = smtp.server.split(separator: ":", maxSplits: 1)
        let caFile = smtp.caFile.map { path in path.hasPrefix("/") || caDirectory == nil ? path : caDirectory!.appendingPathComponent(path).path }
        return SMTPSettings(
            host: String(parts.first ?? ""), port: parts.count == 2 ? Int(parts[1]) : nil, security: SMTPSecurity(rawValue: smtp.tls) ?? .startTLS,
            username: smtp.username, password: password, caFile: caFile)
    }
}
