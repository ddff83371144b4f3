import Foundation
import GaaraHTTP
import GaaraStore

/// Keeps deliveries to the outside in the database (`GET /api/deliveries` lists them).
struct StoreDeliveryLog: DeliveryLog {
    let store: Store

    func record(_ entry: DeliveryEntry) async {
        let now = Date().timeIntervalSince1970
        // A delivery that cannot be recorded is still attempted; the deliverer logs every failure.
        try? await store.recordOutboundDelivery(
            OutboundDeliveryRecord(
                id: entry.id, kind: entry.kind, target: entry.target, summary: entry.summary, state: entry.state.rawValue,
                attempts: entry.attempts, lastStatus: entry.lastStatus, lastError: entry.lastError, createdAt: now, updatedAt: now))
    }
}
