import Foundation
import GRDB

/// A deploy or rollback the server ran for someone (`POST …/environments/{env}/deploys` or
/// `…/rollbacks`): who asked for what, how it went, and the releases it made live. The releases'
/// own history (live, kept, retired) is the environment's `ReleaseHistory` in the server's data
/// directory, which the deploy controller writes before every action.
public struct RolloutRow: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "rollout"
    /// Row id (the public id).
    public var id: Int64?
    /// The repository.
    public var repositoryID: Int64
    /// The environment's name.
    public var environment: String
    /// `deploy` or `rollback`.
    public var kind: String
    /// The one service asked for, or nil for all of the environment's services.
    public var service: String?
    /// `refs/heads/main`: where the deploy configuration and release directories were read.
    public var ref: String
    /// The commit.
    public var sha: String
    /// The image asked for (`registry/app@sha256:…`), if any.
    public var image: String?
    /// The release a rollback goes back to, if one was named.
    public var toRelease: Int?
    /// The token that asked.
    public var actor: String
    /// `running`, `succeeded`, `failed`, `interrupted`.
    public var state: String
    /// The releases made live (`web-3, api-2`), once known.
    public var releases: String
    /// Why it failed.
    public var error: String?
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds of its end.
    public var finishedAt: Double?

    /// Creates a running rollout.
    public init(
        repositoryID: Int64, environment: String, kind: String, service: String?, ref: String, sha: String, image: String?, toRelease: Int?,
        actor: String, createdAt: Double
    ) {
        self.repositoryID = repositoryID
        self.environment = environment
        self.kind = kind
        self.service = service
        self.ref = ref
        self.sha = sha
        self.image = image
        self.toRelease = toRelease
        self.actor = actor
        state = "running"
        releases = ""
        self.createdAt = createdAt
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Store {
    // MARK: Rollouts

    /// Records a new running rollout, unless one of the same environment still runs: then nil, and
    /// the running one is returned second. One transaction, so two requests cannot both start.
    public func beginRollout(_ row: RolloutRow) async throws -> (started: RolloutRow?, running: RolloutRow?) {
        try await pool.write { db in
            let running = try RolloutRow.filter(
                Column("repositoryID") == row.repositoryID && Column("environment") == row.environment && Column("state") == "running"
            ).fetchOne(db)
            if let running { return (nil, running) }
            var inserted = row
            try inserted.insert(db)
            return (inserted, nil)
        }
    }

    /// Records how rollout `id` ended.
    public func finishRollout(_ id: Int64, state: String, releases: String, error: String?, at time: Double) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE rollout SET state = ?, releases = ?, error = ?, finishedAt = ? WHERE id = ?",
                arguments: [state, releases, error, time, id])
        }
    }

    /// One rollout of a repository.
    public func rollout(repositoryID: Int64, id: Int64) async throws -> RolloutRow? {
        try await pool.read { db in try RolloutRow.filter(Column("repositoryID") == repositoryID && Column("id") == id).fetchOne(db) }
    }

    /// A repository's rollouts, newest first, optionally of one environment.
    public func rollouts(repositoryID: Int64, environment: String? = nil, limit: Int = 30) async throws -> [RolloutRow] {
        try await pool.read { db in
            var request = RolloutRow.filter(Column("repositoryID") == repositoryID)
            if let environment { request = request.filter(Column("environment") == environment) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// Marks the rollouts the last stop left running as interrupted and returns them: the server
    /// resumes or aborts their environments' rollouts from the controller's saved state.
    public func recoverInterruptedRollouts(at time: Double = Date().timeIntervalSince1970) async throws -> [RolloutRow] {
        try await pool.write { db in
            let running = try RolloutRow.filter(Column("state") == "running").fetchAll(db)
            try db.execute(
                sql: "UPDATE rollout SET state = 'interrupted', error = ?, finishedAt = ? WHERE state = 'running'",
                arguments: ["the server stopped during the rollout; it was resumed or aborted from its saved state at the next start", time])
            return running
        }
    }
}
