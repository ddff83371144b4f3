import Foundation
import GaaraDeployCore
import GaaraHTTP
import GaaraMail

/// The email channel: one message to every recipient, through the notifier's ``Deliverer`` (sent
/// again after a transient failure, each attempt in the delivery log).
extension ChannelNotifier {
    /// The channel for `email`, its server split into host and port.
    static func emailChannel(_ email: EmailChannel, password: String?, repository: URL?) -> Channel {
        let security = SMTPSecurity(rawValue: email.tls) ?? .startTLS
        let parts = email.server.split(separator: ":", maxSplits: 1)
        let caFile = email.caFile.map { path in
            path.hasPrefix("/") || repository == nil ? path : repository!.appendingPathComponent(path).path
        }
        let settings = SMTPSettings(
            host: String(parts.first ?? ""), port: parts.count == 2 ? Int(parts[1]) : nil, security: security, username: email.username,
            password: password, caFile: caFile)
        return .email(settings, from: email.from, to: email.to)
    }

    /// Sends `notification` as an email; failures are logged, never thrown (a deploy does not fail
    /// because its email did not go out).
    func sendEmail(_ notification: DeployNotification, server: SMTPSettings, from: String, to: [String]) async {
        let message = EmailMessage(
            from: from, to: to, subject: notification.emailSubject, text: notification.emailText, html: notification.emailHTML,
            date: notification.time, headers: ["X-Gaara-Event": "deploy.\(notification.kind.rawValue)"])
        let entry = await deliverer.deliver(message, via: mailer(server), server: "\(server.host):\(server.port)")
        if entry.state != .delivered {
            log("warning: the email notification was not delivered after \(entry.attempts) attempts: \(entry.lastError ?? "?")")
        }
    }
}
