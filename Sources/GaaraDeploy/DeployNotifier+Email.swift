import Foundation
import GaaraDeployCore
import GaaraHTTP
import GaaraMail

/// The email channel: one message to every recipient, sent again after a transient failure (a
/// 4xx reply, a broken connection) with the notifier's backoff, each attempt in the delivery log.
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
        var entry = DeliveryEntry(
            id: UUID().uuidString, kind: "email", target: "smtp://\(server.host):\(server.port) → \(to.joined(separator: ", "))",
            summary: notification.emailSubject)
        let mailer = mailer(server)
        while true {
            entry.attempts += 1
            do {
                try await mailer.send(message)
                entry.state = .delivered
                entry.lastError = nil
                await deliveries.record(entry)
                return
            } catch {
                entry.lastError = error.description
                entry.lastStatus = error.reply?.code
                let wait = error.isTransient ? policy.delay(afterAttempt: entry.attempts, status: nil, retryAfter: nil) : nil
                guard let wait else {
                    entry.state = .failed
                    await deliveries.record(entry)
                    log("warning: the email notification was not delivered after \(entry.attempts) attempts: \(error)")
                    return
                }
                await deliveries.record(entry)
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            }
        }
    }
}
