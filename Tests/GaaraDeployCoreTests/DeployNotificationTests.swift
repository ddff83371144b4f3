import Foundation
import Testing

@testable import GaaraDeployCore

/// The payloads each channel gets, with their exact shapes (Slack Block Kit, PagerDuty Events v2).
struct DeployNotificationTests {
    static func notification(_ kind: DeployNotification.Kind, incident: Bool = false) -> DeployNotification {
        let failed = IncidentReportTests.release(2, commit: "0123456789abcdef")
        let report = IncidentReport(
            number: 4, environment: "production", service: "web", trigger: "analysis failed: canary error rate 9.88%", failedRelease: failed,
            restoredRelease: nil, findings: [], logTail: "", timeline: [], deployStarted: MetricRunTests.t0, detected: MetricRunTests.t0,
            restored: MetricRunTests.t0)
        return DeployNotification(
            kind: kind, environment: "production", service: "web", release: "web-2", artifact: "registry/web@sha256:2", commit: "0123456789abcdef",
            actor: "ada", previous: "web-1", detail: "analysis failed", incident: incident ? report : nil, time: MetricRunTests.t0)
    }

    static func json(_ data: Data) throws -> [String: Any] { try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:] }

    @Test func slackGetsTheLineAndBlocks() throws {
        let body = try Self.json(try Self.notification(.failed, incident: true).slackPayload())
        #expect(body["text"] as? String == "🔥 web-2 was rolled back in production, web-1 serves again — incident 4: analysis failed")
        let blocks = body["blocks"] as? [[String: Any]] ?? []
        #expect(blocks.map { $0["type"] as? String ?? "" } == ["section", "section", "section", "context"])
        let fields = (blocks[1]["fields"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? []
        #expect(fields.contains("*Commit*\n`0123456789ab`") && fields.allSatisfy { $0.hasPrefix("*") }, "\(fields)")
        #expect(((blocks[2]["text"] as? [String: Any])?["text"] as? String)?.hasPrefix("*Trigger*: analysis failed") == true)
    }

    @Test func pagerDutyTriggersResolvesAndRecordsChanges() throws {
        let trigger = try #require(try Self.notification(.failed, incident: true).pagerDutyRequest(routingKey: "key"))
        #expect(trigger.path == "/v2/enqueue")
        let body = try Self.json(trigger.body)
        #expect(body["routing_key"] as? String == "key" && body["event_action"] as? String == "trigger")
        #expect(body["dedup_key"] as? String == "gaara/production/web/incident-4")
        let payload = body["payload"] as? [String: Any] ?? [:]
        #expect(Set(payload.keys) == ["summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"])
        #expect(payload["severity"] as? String == "critical" && payload["timestamp"] as? String == "2027-01-15T08:00:00Z")

        let resolve = try #require(try Self.notification(.incidentResolved, incident: true).pagerDutyRequest(routingKey: "key"))
        #expect(
            try Self.json(resolve.body) as NSDictionary == [
                "routing_key": "key", "event_action": "resolve", "dedup_key": "gaara/production/web/incident-4",
            ])

        let change = try #require(try Self.notification(.succeeded).pagerDutyRequest(routingKey: "key"))
        #expect(change.path == "/v2/change/enqueue")
        #expect(Set(((try Self.json(change.body))["payload"] as? [String: Any] ?? [:]).keys) == ["summary", "source", "timestamp", "custom_details"])
        #expect(try Self.notification(.started).pagerDutyRequest(routingKey: "key") == nil, "a start pages nobody")
    }

    @Test func aHeldRolloutAsksForADecisionWithoutPaging() throws {
        let held = Self.notification(.held)
        #expect(held.text.hasPrefix("⏸ the rollout of web-2 in production is held for a decision: analysis failed — promote or abort it"))
        #expect(held.text.hasSuffix("(gaara rollout promote|abort production, or the rollout's page)"))
        #expect(try held.pagerDutyRequest(routingKey: "key") == nil)
    }

    @Test func theWebhookGetsEveryFieldAndTheReport() throws {
        let body = try Self.json(try Self.notification(.failed, incident: true).webhookPayload())
        #expect(body["event"] as? String == "deploy.failed" && body["previous"] as? String == "web-1")
        #expect(((body["incident"] as? [String: Any])?["markdown"] as? String)?.hasPrefix("# Incident 4: web in production rolled back") == true)
    }
}
