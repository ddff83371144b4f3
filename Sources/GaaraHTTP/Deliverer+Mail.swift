import Foundation
import GaaraMail

/// Email is a delivery to the outside like any other: the same attempts and backoff (a transient
/// failure — a 4xx reply, a broken connection — is tried again, a 5xx is final), the same log.
extension Deliverer {
    /// Sends `message` through `mailer`; returns the final entry (delivered or failed).
    public func deliver(_ message: EmailMessage, via mailer: any Mailer, server: String, kind: String = "email") async -> DeliveryEntry {
        let entry = DeliveryEntry(
            id: UUID().uuidString, kind: kind, target: "smtp://\(server) → \(message.to.joined(separator: ", "))", summary: message.subject)
        return await attempts(entry) { number in
            do throws(MailError) {
                try await mailer.send(message)
                return Attempt()
            } catch {
                let wait = error.isTransient ? policy.delay(afterAttempt: number, status: nil, retryAfter: nil) : nil
                return Attempt(status: error.reply?.code, error: error.description, wait: wait)
            }
        }
    }
}
