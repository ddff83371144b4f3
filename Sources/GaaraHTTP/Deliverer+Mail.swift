import Foundation
import GaaraMail
import Logging

/// Email is a delivery to the outside like any other: the same attempts and backoff (a transient
/// failure — a 4xx reply, a broken connection — is tried again, a 5xx is final), the same log.
extension Deliverer {
    /// Sends `message` through `mailer`; returns the final entry (delivered or failed).
    public func deliver(_ message: EmailMessage, via mailer: any Mailer, server: String, kind: String = "email") async -> DeliveryEntry {
        var entry = DeliveryEntry(
            id: UUID().uuidString, kind: kind, target: "smtp://\(server) → \(message.to.joined(separator: ", "))", summary: message.subject)
        await log.record(entry)
        while true {
            entry.attempts += 1
            let wait: Double?
            do {
                try await mailer.send(message)
                entry.state = .delivered
                entry.lastError = nil
                await log.record(entry)
                return entry
            } catch {
                entry.lastError = error.description
                entry.lastStatus = error.reply?.code
                wait = error.isTransient ? policy.delay(afterAttempt: entry.attempts, status: nil, retryAfter: nil) : nil
            }
            let metadata: Logger.Metadata = [
                "delivery.id": "\(entry.id)", "delivery.kind": "\(kind)", "delivery.target": "\(entry.target)",
                "delivery.attempt": "\(entry.attempts)", "delivery.error": "\(entry.lastError ?? "")",
            ]
            guard let wait else {
                entry.state = .failed
                await log.record(entry)
                logger.error("delivery failed", metadata: metadata)
                return entry
            }
            logger.warning("delivery attempt failed, retrying", metadata: metadata)
            await log.record(entry)
            do {
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            } catch {
                return entry
            }
        }
    }
}
