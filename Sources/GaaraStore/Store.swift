import Foundation
import GRDB

/// The server's database: SQLite in WAL mode through GRDB, with foreign keys and NOT NULL
/// constraints carrying the invariants. Every write is a transaction, so a crash at any moment
/// leaves either the old or the new state.
public final class Store: Sendable {
    let pool: DatabasePool

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Runs SQLite's integrity check; returns its answer (`ok` when intact).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "repository") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
                table.column("path", .text).notNull()
                table.column("upstream", .text)
                table.column("cloneURL", .text)
                table.column("webhookSecret", .text)
                table.column("defaultBranch", .text).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(table: "run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("number", .integer).notNull()
                table.column("workflowPath", .text).notNull()
                table.column("workflowName", .text).notNull()
                table.column("event", .text).notNull()
                table.column("ref", .text).notNull()
                table.column("sha", .text).notNull()
                table.column("actor", .text).notNull()
                table.column("status", .text).notNull().check { ["queued", "running", "completed"].contains($0) }
                table.column("conclusion", .text)
                table.column("createdAt", .double).notNull()
                table.column("startedAt", .double)
                table.column("finishedAt", .double)
                table.column("inputsJSON", .text).notNull()
                table.column("payloadJSON", .text).notNull()
                table.column("changedFilesJSON", .text)
                table.column("concurrencyGroup", .text)
                table.column("cancelInProgress", .boolean).notNull()
                table.column("attempt", .integer).notNull()
                table.column("rerunOf", .integer).references("run", onDelete: .setNull)
                table.column("onlyJobsJSON", .text)
                table.uniqueKey(["repositoryID", "number"])
            }
            try db.create(index: "run_by_status", on: "run", columns: ["status"])
            try db.create(index: "run_by_created", on: "run", columns: ["createdAt"])
            try db.create(table: "job") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("jobKey", .text).notNull()
                table.column("matrixIndex", .integer).notNull()
                table.column("name", .text).notNull()
                table.column("status", .text).notNull()
                table.column("conclusion", .text)
                table.column("startedAt", .double)
                table.column("finishedAt", .double)
                table.column("outputsJSON", .text).notNull()
                table.uniqueKey(["runID", "jobKey", "matrixIndex"])
            }
            try db.create(table: "step") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("job", onDelete: .cascade).notNull()
                table.column("number", .integer).notNull()
                table.column("name", .text).notNull()
                table.column("status", .text).notNull()
                table.column("outcome", .text)
                table.column("conclusion", .text)
                table.column("startedAt", .double)
                table.column("finishedAt", .double)
                table.column("error", .text)
                table.uniqueKey(["jobID", "number"])
            }
            try db.create(table: "commitStatus") { table in
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("sha", .text).notNull()
                table.column("context", .text).notNull()
                table.column("state", .text).notNull()
                table.column("description", .text).notNull()
                table.column("runID", .integer).references("run", onDelete: .setNull)
                table.column("updatedAt", .double).notNull()
                table.primaryKey(["repositoryID", "sha", "context"])
            }
            try db.create(table: "token") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull()
                table.column("hash", .text).notNull().unique()
                table.column("role", .text).notNull().check { ["viewer", "developer", "approver", "admin"].contains($0) }
                table.column("createdAt", .double).notNull()
                table.column("lastUsedAt", .double)
            }
            try db.create(table: "annotation") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("job", .text).notNull()
                table.column("level", .text).notNull()
                table.column("message", .text).notNull()
                table.column("file", .text)
                table.column("line", .integer)
            }
            try db.create(table: "scheduleState") { table in
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("workflowPath", .text).notNull()
                table.column("cron", .text).notNull()
                table.column("lastFire", .double).notNull()
                table.primaryKey(["repositoryID", "workflowPath", "cron"])
            }
            try db.create(table: "artifact") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("name", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("files", .integer).notNull()
                table.column("createdAt", .double).notNull()
                table.column("expired", .boolean).notNull()
                table.uniqueKey(["runID", "name"])
            }
            try db.create(table: "secret") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade)
                table.column("environment", .text).notNull()
                table.column("name", .text).notNull()
                table.column("sealed", .blob).notNull()
                table.column("updatedAt", .double).notNull()
            }
            try db.create(
                index: "secret_scope", on: "secret", columns: ["repositoryID", "environment", "name"], options: .unique)
            try db.create(table: "webhookDelivery") { table in
                table.column("id", .text).primaryKey()
                table.column("receivedAt", .double).notNull()
            }
        }
        // Shipped migrations are never edited: later schema changes are new migrations.
        migrator.registerMigration("v2-outbound-deliveries") { db in
            try db.create(table: "outboundDelivery") { table in
                table.column("id", .text).primaryKey()
                table.column("kind", .text).notNull()
                table.column("target", .text).notNull()
                table.column("summary", .text).notNull()
                table.column("state", .text).notNull()
                table.column("attempts", .integer).notNull()
                table.column("lastStatus", .integer)
                table.column("lastError", .text)
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
            }
            try db.create(index: "outboundDelivery_updated", on: "outboundDelivery", columns: ["updatedAt"])
        }
        migrator.registerMigration("v3-environments") { db in
            try db.create(table: "environment") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("name", .text).notNull()
                table.column("rulesJSON", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
                table.uniqueKey(["repositoryID", "name"])
            }
            try db.create(table: "deployment") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("environment", .text).notNull()
                table.column("ref", .text).notNull()
                table.column("sha", .text).notNull()
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("jobKey", .text).notNull()
                table.column("jobName", .text).notNull()
                table.column("creator", .text).notNull()
                table.column("url", .text)
                table.column("state", .text).notNull()
                table.column("createdAt", .double).notNull()
                table.column("updatedAt", .double).notNull()
            }
            try db.create(index: "deployment_environment", on: "deployment", columns: ["repositoryID", "environment", "id"])
            try db.create(index: "deployment_state", on: "deployment", columns: ["state"])
            try db.create(table: "deploymentStatus") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("deployment", onDelete: .cascade).notNull()
                table.column("state", .text).notNull()
                table.column("description", .text).notNull()
                table.column("creator", .text).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(table: "deploymentReview") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("deployment", onDelete: .cascade).notNull()
                table.column("reviewer", .text).notNull()
                table.column("role", .text).notNull()
                table.column("approved", .boolean).notNull()
                table.column("comment", .text).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(table: "variable") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade)
                table.column("environment", .text).notNull()
                table.column("name", .text).notNull()
                table.column("value", .text).notNull()
                table.column("updatedAt", .double).notNull()
            }
            try db.create(index: "variable_scope", on: "variable", columns: ["repositoryID", "environment", "name"], options: .unique)
            try db.create(table: "audit") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("createdAt", .double).notNull()
                table.column("actor", .text).notNull()
                table.column("role", .text).notNull()
                table.column("action", .text).notNull()
                table.column("repository", .text).notNull()
                table.column("target", .text).notNull()
                table.column("comment", .text).notNull()
            }
        }
        migrator.registerMigration("v4-images") { db in
            try db.create(table: "image") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.belongsTo("run", onDelete: .cascade).notNull()
                table.column("job", .text).notNull()
                table.column("step", .text).notNull()
                table.column("name", .text).notNull()
                table.column("tagsJSON", .text).notNull()
                table.column("digest", .text).notNull()
                table.column("imageID", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("sha", .text).notNull()
                table.column("createdAt", .double).notNull()
            }
            try db.create(index: "image_run", on: "image", columns: ["runID", "id"])
            try db.create(index: "image_name", on: "image", columns: ["repositoryID", "name", "id"])
            try db.create(index: "image_digest", on: "image", columns: ["repositoryID", "digest"])
        }
        migrator.registerMigration("v5-rollouts") { db in
            try db.create(table: "rollout") { table in
                table.autoIncrementedPrimaryKey("id")
                table.belongsTo("repository", onDelete: .cascade).notNull()
                table.column("environment", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("service", .text)
                table.column("ref", .text).notNull()
                table.column("sha", .text).notNull()
                table.column("image", .text)
                table.column("toRelease", .integer)
                table.column("actor", .text).notNull()
                table.column("state", .text).notNull()
                table.column("releases", .text).notNull()
                table.column("error", .text)
                table.column("createdAt", .double).notNull()
                table.column("finishedAt", .double)
            }
            try db.create(index: "rollout_environment", on: "rollout", columns: ["repositoryID", "environment", "id"])
            try db.create(index: "rollout_state", on: "rollout", columns: ["state"])
        }
        return migrator
    }
}

/// Filters and paging for run lists.
public struct RunFilter: Sendable {
    /// Repository name.
    public var repository: String?
    /// Branch (short name) or full ref.
    public var branch: String?
    /// Queued, running, completed, or a conclusion (success, failure, ...).
    public var status: String?
    /// Event name.
    public var event: String?
    /// 1-based page.
    public var page = 1
    /// Runs per page (1–100).
    public var perPage = 30

    /// Creates a filter.
    public init(repository: String? = nil, branch: String? = nil, status: String? = nil, event: String? = nil, page: Int = 1, perPage: Int = 30) {
        self.repository = repository
        self.branch = branch
        self.status = status
        self.event = event
        self.page = page
        self.perPage = perPage
    }
}

/// A run with its repository's name.
public struct RunSummary: Sendable, Equatable {
    /// The run.
    public var run: RunRecord
    /// The repository's name.
    public var repository: String
}
