import Foundation
import GRDB

/// A request delivered to the outside (a commit status, later a Slack message or a webhook) and
/// where it stands, so that a failed delivery stays visible.
public struct OutboundDeliveryRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table name.
    public static let databaseTableName = "outboundDelivery"
    /// A unique id.
    public var id: String
    /// What is delivered (`commit-status`).
    public var kind: String
    /// The method and URL.
    public var target: String
    /// A short summary of the payload.
    public var summary: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    /// Attempts made.
    public var attempts: Int
    /// The last answer's status.
    public var lastStatus: Int?
    /// The last failure.
    public var lastError: String?
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a record.
    public init(
        id: String, kind: String, target: String, summary: String, state: String, attempts: Int, lastStatus: Int?, lastError: String?,
        createdAt: Double, updatedAt: Double
    ) {
        self.id = id
        self.kind = kind
        self.target = target
        self.summary = summary
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Store {
    /// Inserts or updates a delivery (its `createdAt` is kept from the first record).
    public func recordOutboundDelivery(_ record: OutboundDeliveryRecord) async throws {
        try await pool.write { db in
            var record = record
            if let existing = try OutboundDeliveryRecord.fetchOne(db, key: record.id) { record.createdAt = existing.createdAt }
            try record.save(db)
        }
    }

    /// After a crash or restart: deliveries still `pending` (their retries died with the process)
    /// become `failed`, saying why, so that none is silently lost; `GET /api/deliveries` lists them.
    /// Their payloads are not kept (a status carries the forge's token), so they are not sent again.
    /// Returns how many.
    public func recoverInterruptedDeliveries(now: Date = Date()) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outboundDelivery SET state = 'failed', updatedAt = ?,
                        lastError = 'the server stopped before it was delivered; it was not sent again'
                    WHERE state = 'pending'
                    """, arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// The newest deliveries first; only those in `state` when given.
    public func outboundDeliveries(state: String? = nil, limit: Int = 100) async throws -> [OutboundDeliveryRecord] {
        try await pool.read { db in
            var request = OutboundDeliveryRecord.order(Column("updatedAt").desc).limit(limit)
            if let state { request = request.filter(Column("state") == state) }
            return try request.fetchAll(db)
        }
    }
}
