import Foundation
import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// Each channel's payload for one group: exact shapes, without a network.
struct AlertPayloadsTests {
    static let web = Alert(
        labels: ["alertname": "HighErrorRate", "severity": "critical", "environment": "production", "service": "web"],
        annotations: ["summary": "Error rate 7.3% on web in production"], state: .firing, activeAt: 1_796_664_000, firedAt: 1_796_664_300,
        value: 0.073)
    static var api: Alert {
        var alert = Alert(
            labels: ["alertname": "HighErrorRate", "severity": "critical", "environment": "production", "service": "api"],
            annotations: ["summary": "Error rate 2% on api in production"], state: .resolved, activeAt: 1_796_664_000,
            firedAt: 1_796_664_300, endsAt: 1_796_664_900, value: 0.02)
        alert.state = .resolved
        return alert
    }
    static let notification = AlertNotification(
        receiver: "team", groupKey: "{}:{alertname=\"HighErrorRate\", environment=\"production\"}",
        groupLabels: ["alertname": "HighErrorRate", "environment": "production"], firing: [web], resolved: [api])

    static func json(_ data: Data) -> [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }

    @Test func slackHasTheTitleAndOneSectionPerAlert() throws {
        let body = Self.json(try Self.notification.slackPayload(externalURL: "https://gaara.example"))
        #expect(body["text"] as? String == "[FIRING:1] HighErrorRate (environment=production)")
        let blocks = body["blocks"] as? [[String: Any]] ?? []
        let texts = blocks.compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        #expect(
            texts == [
                "🔥 *[FIRING:1] HighErrorRate (environment=production)*", "critical: Error rate 7.3% on web in production",
                "resolved: Error rate 2% on api in production",
            ], "\(texts)")
        #expect("\(blocks.last ?? [:])".contains("<https://gaara.example/alerts|Alerts in Gaara>"))
    }

    @Test func pagerDutyTriggersFiringAlertsAndResolvesResolvedOnesUnderStableKeys() throws {
        let events = try Self.notification.pagerDutyEvents(routingKey: "rk", externalURL: nil).map(Self.json)
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        let trigger = events[0]
        let payload = trigger["payload"] as? [String: Any] ?? [:]
        #expect(payload["summary"] as? String == "Error rate 7.3% on web in production" && payload["severity"] as? String == "critical")
        #expect(payload["source"] as? String == "gaara/production" && payload["component"] as? String == "web")
        #expect(payload["timestamp"] as? String == "2026-12-07T17:25:00Z" && trigger["routing_key"] as? String == "rk")
        let key = try #require(trigger["dedup_key"] as? String)
        #expect(key.hasPrefix("gaara/alert/HighErrorRate/") && key.count == "gaara/alert/HighErrorRate/".count + 16)
        // The same alert later (another value) keeps its key; another alert gets another.
        var later = Self.web
        later.value = 0.09
        #expect(AlertNotification.dedupKey(later) == key && AlertNotification.dedupKey(Self.api) != key)
        #expect(events[1]["dedup_key"] as? String == AlertNotification.dedupKey(Self.api) && events[1]["payload"] == nil)
    }

    @Test func theWebhookIsAlertmanagersVersionFour() throws {
        let body = Self.json(try Self.notification.webhookPayload(externalURL: "https://gaara.example"))
        #expect(body["version"] as? String == "4" && body["status"] as? String == "firing" && body["receiver"] as? String == "team")
        #expect(body["groupLabels"] as? [String: String] == ["alertname": "HighErrorRate", "environment": "production"])
        #expect(
            body["commonLabels"] as? [String: String] == ["alertname": "HighErrorRate", "environment": "production", "severity": "critical"])
        let alerts = body["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.map { $0["status"] as? String } == ["firing", "resolved"])
        #expect(alerts.map { $0["endsAt"] as? String } == ["0001-01-01T00:00:00Z", "2026-12-07T17:35:00Z"])
        #expect(alerts.first?["startsAt"] as? String == "2026-12-07T17:25:00Z")
        #expect(alerts.first?["generatorURL"] as? String == "https://gaara.example/alerts")
    }

    @Test func theEmailHasTheTitleAsSubjectAndEachAlertInBothBodies() {
        let message = Self.notification.email(
            from: "alerts@example.com", to: ["ops@example.com"], externalURL: nil, at: Date(timeIntervalSince1970: 1_796_664_900))
        #expect(message.subject == "[gaara] [FIRING:1] HighErrorRate (environment=production)")
        #expect(message.text.contains("- critical: Error rate 7.3% on web in production\n"))
        #expect(message.text.contains("- resolved: Error rate 2% on api in production\n"))
        #expect(message.html?.contains("<strong>critical: Error rate 7.3% on web in production</strong>") == true)
        #expect(message.headers["X-Gaara-Event"] == "alert.firing")
        var resolved = Self.notification
        resolved.firing = []
        #expect(resolved.title == "[RESOLVED] HighErrorRate (environment=production)")
    }
}
