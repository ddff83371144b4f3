import Foundation

/// When to try a delivery again: a bounded number of attempts with exponential backoff, or the
/// wait the receiver asked for with `Retry-After` (within a cap). Pure: the ``Deliverer`` sleeps.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// Seconds before the second attempt; each later wait doubles.
    public var baseDelay: Double
    /// The longest wait between attempts, `Retry-After` included.
    public var maxDelay: Double

    /// Creates a policy.
    public init(attempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 60) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Whether an answer with `status` may succeed if sent again (rate limits, timeouts, the
    /// receiver's transient failures); other 4xx answers never will.
    public static func isRetryable(status: Int) -> Bool {
        [408, 425, 429, 500, 502, 503, 504].contains(status)
    }

    /// Seconds to wait before attempt `attempt + 1` after attempt `attempt` (from 1) failed with
    /// `status` (nil: no answer) and `retryAfter` (the header's value); nil: give up.
    public func delay(afterAttempt attempt: Int, status: Int?, retryAfter: String?, now: Date = Date()) -> Double? {
        guard attempt < attempts else { return nil }
        if let status, !Self.isRetryable(status: status) { return nil }
        if let retryAfter, let asked = Self.retryAfterSeconds(retryAfter, now: now) { return min(max(asked, 0), maxDelay) }
        return min(baseDelay * pow(2, Double(attempt - 1)), maxDelay)
    }

    /// A `Retry-After` value in seconds: delay-seconds (`120`) or an HTTP date
    /// (`Wed, 21 Oct 2026 07:28:00 GMT`); nil when it is neither.
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return Double(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
