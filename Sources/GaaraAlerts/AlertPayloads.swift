import Crypto
import Foundation
import GaaraAlertCore
import GaaraMail

/// A notification's shape for each channel, built without a network so the exact payloads are
/// tested: Slack Block Kit, PagerDuty Events API v2, Alertmanager's webhook format (version 4,
/// which tools that take Alertmanager's webhooks already read), and an email.
extension AlertNotification {
    /// `[FIRING:2] HighErrorRate (environment=production)` or `[RESOLVED] …`: Alertmanager's title.
    public var title: String {
        let names = Set((firing + resolved).map(\.name)).sorted().joined(separator: ", ")
        let labels = groupLabels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let state = isResolved ? "[RESOLVED]" : "[FIRING:\(firing.count)]"
        return "\(state) \(names)" + (labels.isEmpty ? "" : " (\(labels.joined(separator: ", ")))")
    }

    /// One line per alert: its summary annotation (else its name and labels) and its state.
    public var lines: [String] {
        func line(_ alert: Alert) -> String {
            let summary =
                alert.annotations["summary"]
                ?? "\(alert.name) \(LabelText.render(alert.labels.filter { $0.key != "alertname" && $0.key != "severity" }))"
            return "\(alert.state == .resolved ? "resolved" : alert.labels["severity"] ?? "firing"): \(summary)"
        }
        return firing.map(line) + resolved.map(line)
    }

    /// A Slack incoming webhook's body: the title as the fallback text, a header and a section per
    /// alert (at most 20: Slack's limit is 50 blocks), and a link to the dashboard's alerts.
    public func slackPayload(externalURL: String?) throws -> Data {
        var blocks: [[String: Any]] = [["type": "section", "text": ["type": "mrkdwn", "text": "\(isResolved ? "✅" : "🔥") *\(title)*"]]]
        for line in lines.prefix(20) { blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": String(line.prefix(2900))]]) }
        if lines.count > 20 { blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": "… and \(lines.count - 20) more"]]]) }
        if let externalURL {
            blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": "<\(externalURL)/alerts|Alerts in Gaara>"]]])
        }
        return try JSONSerialization.data(withJSONObject: ["text": title, "blocks": blocks], options: [.sortedKeys])
    }

    /// PagerDuty Events API v2: one event per alert — `trigger` while it fires, `resolve` when it
    /// resolved — under a dedup key stable for the alert's labels, so repeats update one incident.
    public func pagerDutyEvents(routingKey: String, externalURL: String?) throws -> [Data] {
        func event(_ alert: Alert) throws -> Data {
            let key = Self.dedupKey(alert)
            guard alert.state != .resolved else {
                return try JSONSerialization.data(
                    withJSONObject: ["routing_key": routingKey, "event_action": "resolve", "dedup_key": key], options: [.sortedKeys])
            }
            var details: [String: Any] = ["labels": alert.labels, "annotations": alert.annotations, "value": alert.value]
            details["firing_since"] = Self.timestamp(alert.firedAt ?? alert.activeAt)
            var body: [String: Any] = [
                "routing_key": routingKey, "event_action": "trigger", "dedup_key": key,
                "payload": [
                    "summary": String((alert.annotations["summary"] ?? "\(alert.name) \(LabelText.render(alert.labels))").prefix(1024)),
                    "source": alert.labels["host"] ?? alert.labels["environment"].map { "gaara/\($0)" } ?? "gaara",
                    "severity": ["critical", "warning", "info"].contains(alert.labels["severity"] ?? "") ? alert.labels["severity"]! : "error",
                    "timestamp": Self.timestamp(alert.firedAt ?? alert.activeAt), "component": alert.labels["service"] ?? "",
                    "group": alert.labels["environment"] ?? "", "class": alert.name, "custom_details": details,
                ],
            ]
            if let externalURL { body["links"] = [["href": "\(externalURL)/alerts", "text": "Alerts in Gaara"]] }
            return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        }
        return try (firing + resolved).map(event)
    }

    /// Alertmanager's webhook body (version 4): status, receiver, group, common labels and
    /// annotations, and each alert with its times (`endsAt` zero while it fires, as Alertmanager sends it).
    public func webhookPayload(externalURL: String?) throws -> Data {
        let all = firing + resolved
        func common(_ maps: [[String: String]]) -> [String: String] {
            guard let first = maps.first else { return [:] }
            return first.filter { key, value in maps.allSatisfy { $0[key] == value } }
        }
        let alerts: [[String: Any]] = all.map { alert in
            [
                "status": alert.state == .resolved ? "resolved" : "firing", "labels": alert.labels, "annotations": alert.annotations,
                "startsAt": Self.timestamp(alert.firedAt ?? alert.activeAt),
                "endsAt": alert.endsAt.map(Self.timestamp) ?? "0001-01-01T00:00:00Z", "generatorURL": externalURL.map { "\($0)/alerts" } ?? "",
                "fingerprint": String(Self.dedupKey(alert).suffix(16)), "value": alert.value,
            ]
        }
        let body: [String: Any] = [
            "version": "4", "groupKey": groupKey, "truncatedAlerts": 0, "status": isResolved ? "resolved" : "firing", "receiver": receiver,
            "groupLabels": groupLabels, "commonLabels": common(all.map(\.labels)), "commonAnnotations": common(all.map(\.annotations)),
            "externalURL": externalURL ?? "", "alerts": alerts,
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// The email: the title as the subject, the lines and each alert's labels in both bodies.
    public func email(from: String, to: [String], externalURL: String?, at time: Date) -> EmailMessage {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let all = firing + resolved
        var text = title + "\n\n"
        var html = "<!doctype html><html><body style=\"font-family:sans-serif\"><h2>\(escaped(title))</h2>"
        for (alert, line) in zip(all, lines) {
            let labels = LabelText.render(alert.labels)
            text += "- \(line)\n  \(labels)\n"
            html += "<p><strong>\(escaped(line))</strong><br><code>\(escaped(labels))</code></p>"
        }
        if let externalURL {
            text += "\n\(externalURL)/alerts\n"
            html += "<p><a href=\"\(escaped(externalURL))/alerts\">Alerts in Gaara</a></p>"
        }
        return EmailMessage(
            from: from, to: to, subject: "[gaara] " + title, text: text, html: html + "</body></html>", date: time,
            headers: ["X-Gaara-Event": isResolved ? "alert.resolved" : "alert.firing"])
    }

    /// `gaara/alert/NAME/` and 16 hex digits of the labels' SHA-256: stable for an alert, short.
    static func dedupKey(_ alert: Alert) -> String {
        let digest = SHA256.hash(data: Data(alert.fingerprint.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "gaara/alert/\(alert.name)/\(digest)"
    }

    /// RFC 3339 in UTC.
    static func timestamp(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }
}
