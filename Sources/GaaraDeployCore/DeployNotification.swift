import Foundation

/// Where an environment's deploy notifications go (`.gaara/deploy.yml`'s `notify`): each channel
/// names the secret or variable that holds its address or key, never the value itself.
public struct NotifySettings: Sendable, Equatable, Codable {
    /// The variable holding a Slack incoming-webhook URL (`SLACK_WEBHOOK`).
    public var slack: String?
    /// The variable holding a PagerDuty Events API v2 routing key.
    public var pagerDuty: String?
    /// PagerDuty's Events API (`https://events.pagerduty.com`; another for a proxy or a test).
    public var pagerDutyURL = "https://events.pagerduty.com"
    /// A URL that gets every notification as JSON.
    public var webhook: String?
    /// The variable holding the secret the webhook's body is signed with (HMAC-SHA256).
    public var webhookSecret: String?
    /// Email over SMTP.
    public var email: EmailChannel?

    /// No channel.
    public init() {}

    /// Whether any channel is set.
    public var isEmpty: Bool { slack == nil && pagerDuty == nil && webhook == nil && email == nil }
}

/// One thing worth telling the team about a deploy (the guide's "notify"): its start, success or
/// failure (with the incident report), a rollback, an incident resolved. Its payloads for each
/// channel are built here, pure, so their exact shapes are tested without a network.
public struct DeployNotification: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Equatable, Codable {
        /// A rollout began.
        case started
        /// It made the release live.
        case succeeded
        /// It was aborted: the traffic is back on the previous release.
        case failed
        /// An analysis or a bake holds it for a person's decision (inconclusive, or worse with
        /// `on-fail: pause`): `gaara rollout promote|abort`, or the rollout page's buttons.
        case held
        /// Traffic was sent back to a kept release.
        case rolledBack = "rolled-back"
        /// A rollback did not complete.
        case rollbackFailed = "rollback-failed"
        /// An incident was closed by a later healthy release.
        case incidentResolved = "incident-resolved"
    }

    /// What happened.
    public var kind: Kind
    /// The environment.
    public var environment: String
    /// The service.
    public var service: String
    /// The release (`web-7`).
    public var release: String
    /// What it runs.
    public var artifact: String
    /// Its commit, when known.
    public var commit: String?
    /// Who deployed it (or asked for the rollback).
    public var actor: String
    /// The release it replaced, or the one a failure went back to.
    public var previous: String?
    /// Why, or how long it took, in words.
    public var detail: String
    /// The incident a failure wrote (its number and report), or the one resolved.
    public var incident: IncidentReport?
    /// When.
    public var time: Date

    /// Creates a notification.
    public init(
        kind: Kind, environment: String, service: String, release: String, artifact: String, commit: String?, actor: String, previous: String?,
        detail: String, incident: IncidentReport? = nil, time: Date
    ) {
        self.kind = kind
        self.environment = environment
        self.service = service
        self.release = release
        self.artifact = artifact
        self.commit = commit
        self.actor = actor
        self.previous = previous
        self.detail = detail
        self.incident = incident
        self.time = time
    }

    /// One line for people: `✅ web-7 is live in production (was web-6) — deployed by ada`.
    public var text: String {
        let was = previous.map { " (was \($0))" } ?? ""
        switch kind {
        case .started: return "🚀 deploying \(release) of \(service) to \(environment)\(was) — by \(actor)"
        case .succeeded: return "✅ \(release) is live in \(environment)\(was) — deployed by \(actor)"
        case .failed:
            return "🔥 \(release) was rolled back in \(environment)"
                + (previous.map { ", \($0) serves again" } ?? "") + (incident.map { " — incident \($0.number)" } ?? "") + ": \(detail)"
        case .held:
            return "⏸ the rollout of \(release) in \(environment) is held for a decision: \(detail) — promote or abort it "
                + "(gaara rollout promote|abort \(environment), or the rollout's page)"
        case .rolledBack: return "↩️ \(environment) was rolled back to \(release)\(previous.map { " from \($0)" } ?? "") — by \(actor)"
        case .rollbackFailed: return "🔥 the rollback of \(environment) to \(release) failed: \(detail)"
        case .incidentResolved: return "✅ incident \(incident?.number ?? 0) of \(environment) resolved: \(release) went live healthy"
        }
    }

    /// The stable key PagerDuty groups an incident's trigger and resolve by.
    public var dedupKey: String? {
        incident.map { "gaara/\(environment)/\($0.service)/incident-\($0.number)" }
    }

    /// A Slack incoming webhook's body: the line as the fallback `text`, and Block Kit blocks with
    /// the release, commit and detail (the incident's trigger for a failure).
    public func slackPayload() throws -> Data {
        var fields = ["*Release*\n\(release)", "*Environment*\n\(environment)", "*Artifact*\n`\(artifact)`", "*By*\n\(actor)"]
        if let commit { fields.append("*Commit*\n`\(commit.prefix(12))`") }
        var blocks: [[String: Any]] = [
            ["type": "section", "text": ["type": "mrkdwn", "text": text]],
            ["type": "section", "fields": fields.prefix(10).map { ["type": "mrkdwn", "text": $0] }],
        ]
        if let incident, kind == .failed {
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": "*Trigger*: \(incident.trigger.prefix(2500))"]])
        }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": "gaara · \(ISO8601DateFormatter().string(from: time))"]]])
        return try JSONSerialization.data(withJSONObject: ["text": text, "blocks": blocks], options: [.sortedKeys])
    }

    /// PagerDuty Events API v2: a failure triggers an alert (its incident's dedup key), a resolved
    /// incident resolves it, a deployment or rollback is a change event; a start pages nobody (nil).
    public func pagerDutyRequest(routingKey: String) throws -> (path: String, body: Data)? {
        let timestamp = ISO8601DateFormatter().string(from: time)
        let details: [String: Any] = [
            "environment": environment, "service": service, "release": release, "artifact": artifact, "commit": commit ?? "", "actor": actor,
            "previous": previous ?? "", "detail": detail,
        ]
        let body: [String: Any]
        let path: String
        switch kind {
        case .started, .held: return nil
        case .failed, .rollbackFailed:
            path = "/v2/enqueue"
            body = [
                "routing_key": routingKey, "event_action": "trigger", "dedup_key": dedupKey ?? "gaara/\(environment)/\(service)/\(release)",
                "payload": [
                    "summary": String(text.prefix(1024)), "source": "gaara/\(environment)", "severity": "critical", "timestamp": timestamp,
                    "component": service, "group": environment, "class": "deployment", "custom_details": details,
                ],
            ]
        case .incidentResolved:
            guard let dedupKey else { return nil }
            path = "/v2/enqueue"
            body = ["routing_key": routingKey, "event_action": "resolve", "dedup_key": dedupKey]
        case .succeeded, .rolledBack:
            path = "/v2/change/enqueue"
            body = [
                "routing_key": routingKey,
                "payload": [
                    "summary": String(text.prefix(1024)), "source": "gaara/\(environment)", "timestamp": timestamp, "custom_details": details,
                ],
            ]
        }
        return (path, try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }

    /// A generic webhook's body: every field, and the incident's Markdown.
    public func webhookPayload() throws -> Data {
        var body: [String: Any] = [
            "event": "deploy.\(kind.rawValue)", "environment": environment, "service": service, "release": release, "artifact": artifact,
            "actor": actor, "detail": detail, "text": text, "time": ISO8601DateFormatter().string(from: time),
        ]
        body["commit"] = commit
        body["previous"] = previous
        if let incident { body["incident"] = ["number": incident.number, "trigger": incident.trigger, "markdown": incident.markdown] }
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }
}
