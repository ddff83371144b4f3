import Foundation
import GaaraAlertCore
import GaaraHTTP
import GaaraTestSupport
import Testing

@testable import GaaraAlerts

/// Alert notifications delivered for real: Slack, PagerDuty and a signed webhook to a local HTTP
/// receiver (the first Slack post answered 429 and sent again), email to a real SMTP server.
@Suite(.timeLimit(.minutes(2)))
struct AlertNotifierTests {
    @Test func oneNotificationReachesEveryChannelOfItsReceiver() async throws {
        let receiver = try await HTTPTestReceiver.start()
        defer { receiver.stop() }
        let mail = try await SMTPTestServer.start([])
        defer { mail.stop() }
        var config = AlertConfig(
            receivers: [
                AlertReceiver(
                    name: "team", slack: "SLACK_WEBHOOK", pagerDuty: "PD_KEY", email: AlertReceiver.EmailTarget(to: ["ops@example.com"]),
                    webhook: AlertReceiver.WebhookTarget(url: "http://127.0.0.1:\(receiver.port)/hook", secret: "HOOK_SECRET"))
            ])
        config.smtp = AlertSMTP(server: "127.0.0.1:\(mail.port)", tls: "none", from: "Gaara <alerts@example.com>")
        let deliveries = MemoryDeliveryLog()
        let warnings = WarningLog()
        let notifier = AlertNotifier(
            config: config,
            variables: ["SLACK_WEBHOOK": "http://127.0.0.1:\(receiver.port)/slack/flaky", "PD_KEY": "rk-1", "HOOK_SECRET": "s3cret"],
            deliveries: deliveries, policy: RetryPolicy(attempts: 3, baseDelay: 0.1, maxDelay: 2), externalURL: "https://gaara.example",
            pagerDutyURL: "http://127.0.0.1:\(receiver.port)/pd/", log: { line in warnings.append(line) })
        let entries = await notifier.send(AlertPayloadsTests.notification)

        #expect(entries.count == 5 && entries.allSatisfy { $0.state == .delivered }, "\(entries)")
        #expect(warnings.lines.isEmpty, "\(warnings.lines)")
        let requests = try receiver.requests()
        let slack = requests.filter { $0.path == "/slack/flaky" }
        // 429 first, then the same message again (and again, only if a loaded machine answered too late).
        #expect(slack.count >= 2 && Set(slack.map(\.body)).count == 1, "429 first, then the same message again")
        #expect(slack.last?.json["text"] as? String == "[FIRING:1] HighErrorRate (environment=production)")
        let pagerDuty = requests.filter { $0.path == "/pd/v2/enqueue" }.map(\.json)
        #expect(Set(pagerDuty.map { $0["event_action"] as? String ?? "" }) == ["resolve", "trigger"])
        let hook = try #require(requests.first { $0.path == "/hook" })
        #expect(hook.headers["X-Gaara-Signature-256"] == WebhookSignature.value(Data(hook.body.utf8), secret: "s3cret"))
        #expect(hook.json["version"] as? String == "4")
        let email = try #require(mail.messages().first)
        #expect(email["subject"] as? String == "[gaara] [FIRING:1] HighErrorRate (environment=production)")
        #expect((email["text"] as? String)?.contains("https://gaara.example/alerts") == true)
        let kinds = await deliveries.history.filter { $0.state == .delivered }.map(\.kind).sorted()
        #expect(kinds == ["alert-email", "alert-pagerduty", "alert-pagerduty", "alert-slack", "alert-webhook"], "\(kinds)")
    }

    @Test func aChannelWhoseSecretIsMissingIsLeftOutWithAWarning() async {
        let warnings = WarningLog()
        let config = AlertConfig(receivers: [AlertReceiver(name: "team", slack: "SLACK_WEBHOOK")])
        let notifier = AlertNotifier(config: config, variables: [:], log: { warnings.append($0) })
        let entries = await notifier.send(AlertPayloadsTests.notification)
        #expect(entries.isEmpty)
        #expect(warnings.lines == ["warning: Slack alert notifications are off: the secret SLACK_WEBHOOK is not set"])
    }
}

/// Lines logged from concurrent deliveries.
final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []

    func append(_ line: String) { lock.withLock { kept.append(line) } }
    var lines: [String] { lock.withLock { kept } }
}
