import Foundation
import Logging

/// What happened to one delivery to the outside, as the delivery log keeps it.
public struct DeliveryEntry: Sendable, Equatable {
    /// Where a delivery stands.
    public enum State: String, Sendable {
        /// Not yet answered with success; more attempts will come.
        case pending
        /// Answered with a 2xx.
        case delivered
        /// Given up: a final answer, or every attempt failed.
        case failed
    }

    /// A unique id (the log's key).
    public var id: String
    /// What is delivered (`commit-status`, `slack`, `webhook`, ...).
    public var kind: String
    /// The method and URL.
    public var target: String
    /// A short summary of the payload, for people (`gaara/CI pending on 1a2b3c4d`).
    public var summary: String
    /// Where it stands.
    public var state: State
    /// Attempts made.
    public var attempts: Int
    /// The last answer's status (nil: none).
    public var lastStatus: Int?
    /// The last failure (nil: none).
    public var lastError: String?

    /// Creates an entry.
    public init(
        id: String, kind: String, target: String, summary: String, state: State = .pending, attempts: Int = 0, lastStatus: Int? = nil,
        lastError: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.target = target
        self.summary = summary
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
    }
}

/// Where deliveries are recorded so that a failed one is visible (the server keeps them in its
/// database and lists them at `GET /api/deliveries`).
public protocol DeliveryLog: Sendable {
    /// Records the entry's current state (inserted the first time, updated after).
    func record(_ entry: DeliveryEntry) async
}

/// A delivery log that keeps entries in memory (tests, and tools without a database).
public actor MemoryDeliveryLog: DeliveryLog {
    /// Every state each entry was recorded in, in order.
    public private(set) var history: [DeliveryEntry] = []

    /// An empty log.
    public init() {}

    /// Records the entry.
    public func record(_ entry: DeliveryEntry) {
        history.append(entry)
    }
}

/// Delivers requests to the outside with retries: each attempt goes through ``OutboundHTTP``;
/// retryable failures wait per the ``RetryPolicy`` (honouring `Retry-After`); every attempt is
/// logged and recorded in the ``DeliveryLog``. A delivery is never dropped silently.
public struct Deliverer: Sendable {
    let http: OutboundHTTP
    let policy: RetryPolicy
    let log: any DeliveryLog
    let logger: Logger

    /// A deliverer.
    public init(http: OutboundHTTP = .shared, policy: RetryPolicy = RetryPolicy(), log: any DeliveryLog, logger: Logger) {
        self.http = http
        self.policy = policy
        self.log = log
        self.logger = logger
    }

    /// Delivers `request`; returns the final entry (delivered or failed). Cancellation stops the
    /// waits and leaves the entry pending in the log.
    public func deliver(_ request: OutboundRequest, kind: String, summary: String) async -> DeliveryEntry {
        let entry = DeliveryEntry(id: UUID().uuidString, kind: kind, target: "\(request.method) \(request.url)", summary: summary)
        return await attempts(entry) { number in
            do throws(OutboundError) {
                let response = try await http.send(request)
                if response.isSuccess { return Attempt(status: response.status) }
                let error = "HTTP \(response.status): " + String(decoding: response.body.prefix(200), as: UTF8.self)
                let wait = policy.delay(afterAttempt: number, status: response.status, retryAfter: response.header("Retry-After"))
                return Attempt(status: response.status, error: error, wait: wait)
            } catch {
                return Attempt(error: error.description, wait: policy.delay(afterAttempt: number, status: nil, retryAfter: nil))
            }
        }
    }

    /// How one attempt went: its status, its failure (nil: delivered), and the wait before the
    /// next (nil: give up).
    struct Attempt {
        var status: Int? = nil
        var error: String? = nil
        var wait: Double? = nil
    }

    /// Makes attempts until one delivers or the policy gives up, recording each state in the log
    /// and logging each failed attempt (the HTTP and email deliveries share it).
    func attempts(_ start: DeliveryEntry, _ attempt: (Int) async -> Attempt) async -> DeliveryEntry {
        var entry = start
        await log.record(entry)
        while true {
            entry.attempts += 1
            let outcome = await attempt(entry.attempts)
            entry.lastStatus = outcome.status
            entry.lastError = outcome.error
            if outcome.error == nil {
                entry.state = .delivered
                await log.record(entry)
                return entry
            }
            var metadata: Logger.Metadata = [
                "delivery.id": "\(entry.id)", "delivery.kind": "\(entry.kind)", "delivery.target": "\(entry.target)",
                "delivery.attempt": "\(entry.attempts)", "delivery.error": "\(entry.lastError ?? "")",
            ]
            guard let wait = outcome.wait else {
                entry.state = .failed
                await log.record(entry)
                logger.error("delivery failed", metadata: metadata)
                return entry
            }
            metadata["delivery.retry_in"] = "\(wait)"
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
