import Foundation
import GaaraStore
import Testing

/// Outbound deliveries across a restart: one still pending when the server stopped is never lost
/// without a trace; it is marked failed with the reason, and delivered or failed ones stay as they were.
@Suite struct StoreDeliveryTests {
    static func record(_ id: String, state: String) -> OutboundDeliveryRecord {
        OutboundDeliveryRecord(
            id: id, kind: "commit-status", target: "POST https://forge.example/statuses/\(id)", summary: "ci/gaara success", state: state,
            attempts: 1, lastStatus: state == "delivered" ? 201 : 503, lastError: state == "failed" ? "503 after 5 attempts" : nil,
            createdAt: 1_000, updatedAt: 1_000)
    }

    @Test func aPendingDeliveryIsMarkedFailedAfterARestart() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        for (id, state) in [("a", "pending"), ("b", "delivered"), ("c", "failed"), ("d", "pending")] {
            try await temporary.store.recordOutboundDelivery(Self.record(id, state: state))
        }
        let restarted = try temporary.reopen()
        #expect(try await restarted.recoverInterruptedDeliveries(now: Date(timeIntervalSince1970: 2_000)) == 2)
        let after = Dictionary(uniqueKeysWithValues: try await restarted.outboundDeliveries().map { ($0.id, $0) })
        for id in ["a", "d"] {
            #expect(after[id]?.state == "failed" && after[id]?.updatedAt == 2_000, "\(id)")
            #expect(after[id]?.lastError == "the server stopped before it was delivered; it was not sent again", "\(id)")
        }
        #expect(after["b"] == Self.record("b", state: "delivered"))
        #expect(after["c"] == Self.record("c", state: "failed"))
        #expect(try await restarted.recoverInterruptedDeliveries() == 0, "a second start finds none")
    }
}
