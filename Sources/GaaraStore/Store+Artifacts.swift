import Foundation
import GRDB

extension Store {
    // MARK: Artifacts

    /// Records (or replaces) an artifact of a run.
    public func addArtifact(_ record: ArtifactRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM artifact WHERE runID = ? AND name = ?", arguments: [record.runID, record.name])
            var record = record
            try record.insert(db)
        }
    }

    /// A run's artifacts by name.
    public func artifacts(runID: Int64) async throws -> [ArtifactRecord] {
        try await pool.read { db in try ArtifactRecord.filter(Column("runID") == runID).order(Column("name")).fetchAll(db) }
    }

    // MARK: Secrets

    /// Stores a sealed secret, replacing one with the same scope and name.
    public func setSecret(_ record: SecretRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM secret WHERE repositoryID IS ? AND environment = ? AND name = ?",
                arguments: [record.repositoryID, record.environment, record.name])
            var record = record
            try record.insert(db)
        }
    }

    /// Removes a secret; returns whether one existed.
    public func deleteSecret(repositoryID: Int64?, environment: String, name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM secret WHERE repositoryID IS ? AND environment = ? AND name = ?",
                arguments: [repositoryID, environment, name])
            return db.changesCount > 0
        }
    }

    /// Secrets visible to a repository: its own and the global ones, every environment.
    public func secrets(repositoryID: Int64?) async throws -> [SecretRecord] {
        try await pool.read { db in
            try SecretRecord.filter(Column("repositoryID") == repositoryID || Column("repositoryID") == nil)
                .order(Column("name"), Column("environment")).fetchAll(db)
        }
    }

    // MARK: Retention

    /// Completed runs that finished before `cutoff` (Unix seconds) and still have files.
    public func runsFinished(before cutoff: Double) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM run WHERE status = 'completed' AND finishedAt < ? ORDER BY id", arguments: [cutoff])
        }
    }

    /// Marks a run's artifacts as removed.
    public func expireArtifacts(runID: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE artifact SET expired = 1 WHERE runID = ?", arguments: [runID])
        }
    }

    /// Marks a queued or running run as cancelled right away (when nothing executes it).
    public func cancelQueuedRun(_ id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE run SET status = 'completed', conclusion = 'cancelled', finishedAt = ? WHERE id = ? AND status = 'queued'",
                arguments: [Date().timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    /// Sets the concurrency group a run holds or waits for.
    public func setConcurrency(_ id: Int64, group: String?, cancelInProgress: Bool) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE run SET concurrencyGroup = ?, cancelInProgress = ? WHERE id = ?", arguments: [group, cancelInProgress, id])
        }
    }

    /// Counts rows of a table (for tests and diagnostics).
    public func count(_ table: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.filter { $0.isLetter })") ?? 0 }
    }

    /// Inserts many completed runs at once (for benchmarks and tests of large histories).
    public func insertCompletedRuns(_ records: [RunRecord]) async throws {
        try await pool.write { db in
            var next = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM run") ?? 0) + 1
            for var record in records {
                record.number = next
                next += 1
                try record.insert(db)
            }
        }
    }
}
