import Foundation
import GaaraHTTP
import Testing

@Suite struct RetryPolicyTests {
    static let policy = RetryPolicy(attempts: 4, baseDelay: 0.5, maxDelay: 10)

    @Test(arguments: [
        // attempt, status, Retry-After, expected wait (nil: give up)
        (1, 503 as Int?, nil as String?, 0.5 as Double?), (2, 503, nil, 1.0), (3, 500, nil, 2.0), (4, 503, nil, nil),
        (1, nil, nil, 0.5),  // no answer at all: retried
        (1, 429, "1", 1.0), (1, 429, "3600", 10.0),  // Retry-After is honoured up to the cap
        (1, 404, nil, nil), (1, 400, "5", nil), (1, 401, nil, nil),  // final answers are not retried
        (1, 502, "soon", 0.5),  // an unreadable Retry-After falls back to backoff
    ])
    func waits(attempt: Int, status: Int?, retryAfter: String?, expected: Double?) {
        #expect(Self.policy.delay(afterAttempt: attempt, status: status, retryAfter: retryAfter) == expected)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // Fri, 15 Jan 2027 08:00:00 GMT
        #expect(RetryPolicy.retryAfterSeconds("Fri, 15 Jan 2027 08:00:30 GMT", now: now) == 30)
        #expect(RetryPolicy.retryAfterSeconds("Fri, 15 Jan 2027 07:00:00 GMT", now: now) == 0)
        #expect(RetryPolicy.retryAfterSeconds("-1", now: now) == nil)
    }
}
