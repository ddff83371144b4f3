import Foundation

/// Email notifications (`notify.email` in deploy.yml): the server, who writes and who reads; the
/// password is the name of a secret, never its value.
public struct EmailChannel: Sendable, Equatable, Codable {
    /// `host:port` of the SMTP server (the port defaults from `tls`: 587, 465 or 25).
    public var server: String
    /// `starttls` (the default), `tls` or `none`.
    public var tls: String
    /// The user name for AUTH, if any.
    public var username: String?
    /// The variable holding the password.
    public var password: String?
    /// The sender (`Gaara <deploy@example.com>`).
    public var from: String
    /// The recipients.
    public var to: [String]
    /// A PEM file of certificate authorities trusted besides the system's (relative to the repository).
    public var caFile: String?

    /// Creates a channel.
    public init(
        server: String, tls: String = "starttls", username: String? = nil, password: String? = nil, from: String, to: [String],
        caFile: String? = nil
    ) {
        self.server = server
        self.tls = tls
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.caFile = caFile
    }
}

extension DeployNotification {
    /// `[gaara] production: web-7 rolled back (incident 3)`.
    public var emailSubject: String {
        let what: String
        switch kind {
        case .started: what = "deploying \(release)"
        case .succeeded: what = "\(release) is live"
        case .failed: what = "\(release) rolled back" + (incident.map { " (incident \($0.number))" } ?? "")
        case .held: what = "\(release) is held for a decision"
        case .rolledBack: what = "rolled back to \(release)"
        case .rollbackFailed: what = "the rollback to \(release) failed"
        case .incidentResolved: what = "incident \(incident?.number ?? 0) resolved"
        }
        return "[gaara] \(environment): \(what)"
    }

    /// The facts as label–value pairs, for both bodies.
    private var facts: [(String, String)] {
        var facts = [("Environment", environment), ("Service", service), ("Release", release), ("Artifact", artifact)]
        if let commit { facts.append(("Commit", commit)) }
        if let previous { facts.append(("Previous", previous)) }
        facts.append(("By", actor))
        facts.append(("When", ISO8601DateFormatter().string(from: time)))
        return facts
    }

    /// The plain-text body: the line, the facts, and the incident report (Markdown) for a failure.
    public var emailText: String {
        var text = text + "\n\n" + facts.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        if !detail.isEmpty { text += "\n\(detail)\n" }
        if let incident, kind == .failed || kind == .incidentResolved { text += "\n" + incident.markdown + "\n" }
        return text
    }

    /// The HTML body: the same, escaped, with the incident report preformatted.
    public var emailHTML: String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var html = "<!doctype html><html><body style=\"font-family:sans-serif\"><p><strong>\(escaped(text))</strong></p><table>"
        html += facts.map { "<tr><th align=\"left\">\(escaped($0.0))</th><td><code>\(escaped($0.1))</code></td></tr>" }.joined()
        html += "</table>"
        if !detail.isEmpty { html += "<p>\(escaped(detail))</p>" }
        if let incident, kind == .failed || kind == .incidentResolved { html += "<pre>\(escaped(incident.markdown))</pre>" }
        return html + "</body></html>"
    }
}
