import Foundation
import GRDB

extension Store {
    // MARK: Environments

    /// Creates or replaces an environment's rules; returns the stored record.
    public func setEnvironment(repositoryID: Int64, name: String, rulesJSON: String) async throws -> EnvironmentRecord {
        try await pool.write { db in
            if var existing = try EnvironmentRecord.filter(Column("repositoryID") == repositoryID && Column("name") == name).fetchOne(db) {
                existing.rulesJSON = rulesJSON
                existing.updatedAt = Date().timeIntervalSince1970
                try existing.update(db)
                return existing
            }
            var record = EnvironmentRecord(repositoryID: repositoryID, name: name, rulesJSON: rulesJSON)
            try record.insert(db)
            return record
        }
    }

    /// A repository's environment by name.
    public func environment(repositoryID: Int64, name: String) async throws -> EnvironmentRecord? {
        try await pool.read { db in
            try EnvironmentRecord.filter(Column("repositoryID") == repositoryID && Column("name") == name).fetchOne(db)
        }
    }

    /// A repository's environments by name.
    public func environments(repositoryID: Int64) async throws -> [EnvironmentRecord] {
        try await pool.read { db in try EnvironmentRecord.filter(Column("repositoryID") == repositoryID).order(Column("name")).fetchAll(db) }
    }

    /// Removes an environment's rules (its deployments stay); returns whether it existed.
    public func deleteEnvironment(repositoryID: Int64, name: String) async throws -> Bool {
        try await pool.write { db in
            try EnvironmentRecord.filter(Column("repositoryID") == repositoryID && Column("name") == name).deleteAll(db) > 0
        }
    }

    // MARK: Deployments

    /// Records a new deployment with its first status; returns it with its id.
    public func addDeployment(_ record: DeploymentRecord, description: String) async throws -> DeploymentRecord {
        try await pool.write { db in
            var record = record
            try record.insert(db)
            var status = DeploymentStatusRecord(deploymentID: record.id!, state: record.state, description: description, creator: "gaara")
            try status.insert(db)
            return record
        }
    }

    /// Moves a deployment to `state`, appending to its history in the same transaction. A
    /// deployment that succeeds makes the environment's previous successful one `inactive`, as
    /// GitHub does. A deployment already finished (success, failure, error, inactive) keeps its
    /// state unless `state` is `inactive`.
    @discardableResult
    public func setDeploymentState(_ id: Int64, state: String, description: String, creator: String = "gaara", url: String? = nil) async throws
        -> Bool
    {
        try await pool.write { db in
            guard var record = try DeploymentRecord.fetchOne(db, key: id) else { return false }
            let finished: Set<String> = ["success", "failure", "error", "inactive"]
            if finished.contains(record.state), state != "inactive" { return false }
            let now = Date().timeIntervalSince1970
            if state == "success" {
                let previous = try DeploymentRecord.filter(
                    Column("repositoryID") == record.repositoryID && Column("environment") == record.environment && Column("state") == "success"
                        && Column("id") != id
                ).fetchAll(db)
                for var old in previous {
                    old.state = "inactive"
                    old.updatedAt = now
                    try old.update(db)
                    var status = DeploymentStatusRecord(
                        deploymentID: old.id!, state: "inactive", description: "replaced by deployment \(id)", creator: "gaara", at: now)
                    try status.insert(db)
                }
            }
            record.state = state
            record.updatedAt = now
            if let url { record.url = url }
            try record.update(db)
            var status = DeploymentStatusRecord(deploymentID: id, state: state, description: description, creator: creator, at: now)
            try status.insert(db)
            return true
        }
    }

    /// One deployment.
    public func deployment(id: Int64) async throws -> DeploymentRecord? {
        try await pool.read { db in try DeploymentRecord.fetchOne(db, key: id) }
    }

    /// A repository's deployments, newest first, optionally of one environment.
    public func deployments(repositoryID: Int64, environment: String? = nil, limit: Int = 100) async throws -> [DeploymentRecord] {
        try await pool.read { db in
            var request = DeploymentRecord.filter(Column("repositoryID") == repositoryID)
            if let environment { request = request.filter(Column("environment") == environment) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// A run's deployments, oldest first.
    public func deployments(runID: Int64) async throws -> [DeploymentRecord] {
        try await pool.read { db in try DeploymentRecord.filter(Column("runID") == runID).order(Column("id")).fetchAll(db) }
    }

    /// Deployments waiting for review, oldest first (of one repository, or all).
    public func waitingDeployments(repositoryID: Int64? = nil) async throws -> [DeploymentRecord] {
        try await pool.read { db in
            var request = DeploymentRecord.filter(Column("state") == "waiting")
            if let repositoryID { request = request.filter(Column("repositoryID") == repositoryID) }
            return try request.order(Column("id")).fetchAll(db)
        }
    }

    /// A deployment's status history, oldest first.
    public func deploymentStatuses(_ deploymentID: Int64) async throws -> [DeploymentStatusRecord] {
        try await pool.read { db in
            try DeploymentStatusRecord.filter(Column("deploymentID") == deploymentID).order(Column("id")).fetchAll(db)
        }
    }

    /// Records a review.
    public func addReview(_ record: DeploymentReviewRecord) async throws {
        try await pool.write { db in
            var record = record
            try record.insert(db)
        }
    }

    /// A deployment's reviews, oldest first.
    public func reviews(_ deploymentID: Int64) async throws -> [DeploymentReviewRecord] {
        try await pool.read { db in
            try DeploymentReviewRecord.filter(Column("deploymentID") == deploymentID).order(Column("id")).fetchAll(db)
        }
    }

    /// After a crash or restart: deployments whose job was waiting or running end as `error`
    /// (their runs are interrupted). Returns how many.
    public func recoverInterruptedDeployments() async throws -> Int {
        let open = try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM deployment WHERE state IN ('queued', 'waiting', 'in_progress') ORDER BY id")
        }
        for id in open { try await setDeploymentState(id, state: "error", description: "the server stopped while the job waited or ran") }
        return open.count
    }

    // MARK: Variables

    /// Stores a variable, replacing one with the same scope and name.
    public func setVariable(_ record: VariableRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM variable WHERE repositoryID IS ? AND environment = ? AND name = ?",
                arguments: [record.repositoryID, record.environment, record.name])
            var record = record
            try record.insert(db)
        }
    }

    /// Removes a variable; returns whether one existed.
    public func deleteVariable(repositoryID: Int64?, environment: String, name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM variable WHERE repositoryID IS ? AND environment = ? AND name = ?", arguments: [repositoryID, environment, name])
            return db.changesCount > 0
        }
    }

    /// Variables visible to a repository (its own and the server-wide ones), every environment.
    public func variables(repositoryID: Int64?) async throws -> [VariableRecord] {
        try await pool.read { db in
            try VariableRecord.filter(Column("repositoryID") == repositoryID || Column("repositoryID") == nil)
                .order(Column("name"), Column("environment")).fetchAll(db)
        }
    }

    // MARK: Audit

    /// Appends to the audit trail.
    public func addAudit(_ record: AuditRecord) async throws {
        try await pool.write { db in
            var record = record
            try record.insert(db)
        }
    }

    /// The audit trail, newest first, optionally of one repository.
    public func audit(repository: String? = nil, limit: Int = 200) async throws -> [AuditRecord] {
        try await pool.read { db in
            var request = AuditRecord.all()
            if let repository { request = request.filter(Column("repository") == repository) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }

    /// Records a job held by its environment's rules (before it starts); returns its id.
    public func waitJob(runID: Int64, key: String, index: Int, name: String) async throws -> Int64 {
        try await pool.write { db in
            if var existing = try JobRecord.filter(Column("runID") == runID && Column("jobKey") == key && Column("matrixIndex") == index).fetchOne(db)
            {
                existing.status = .waiting
                existing.name = name
                try existing.update(db)
                return existing.id!
            }
            var job = JobRecord(
                runID: runID, jobKey: key, matrixIndex: index, name: name, status: .waiting, conclusion: nil, startedAt: nil, finishedAt: nil,
                outputsJSON: "{}")
            try job.insert(db)
            return job.id!
        }
    }
}

extension Store {
    /// Every secret of every scope (names and scopes for listings; values stay sealed).
    public func allSecrets() async throws -> [SecretRecord] {
        try await pool.read { db in
            try SecretRecord.order(Column("repositoryID"), Column("environment"), Column("name")).fetchAll(db)
        }
    }
}

extension Store {
    /// Re-seals every sealed value — secrets' boxes and repositories' webhook secrets — in one
    /// transaction, so a crash leaves all of them under the old key or all under the new one.
    /// Returns how many values were re-sealed.
    public func resealAll(_ box: @escaping @Sendable (Data) throws -> Data, text: @escaping @Sendable (String) throws -> String) async throws -> Int {
        try await pool.write { db in
            var count = 0
            for var record in try SecretRecord.fetchAll(db) {
                record.sealed = try box(record.sealed)
                try record.update(db)
                count += 1
            }
            for var repository in try RepositoryRecord.fetchAll(db) {
                guard let secret = repository.webhookSecret else { continue }
                repository.webhookSecret = try text(secret)
                try repository.update(db)
                count += 1
            }
            return count
        }
    }
}
