import Foundation
import GRDB

/// A repository's deployment environment and its protection rules.
public struct EnvironmentRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "environment"
    /// Row id.
    public var id: Int64?
    /// The repository.
    public var repositoryID: Int64
    /// `production`.
    public var name: String
    /// The protection rules as JSON (the deploy core's `ProtectionRules`).
    public var rulesJSON: String
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a record.
    public init(repositoryID: Int64, name: String, rulesJSON: String) {
        self.repositoryID = repositoryID
        self.name = name
        self.rulesJSON = rulesJSON
        createdAt = Date().timeIntervalSince1970
        updatedAt = createdAt
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A deployment: one job of a run that named an environment.
public struct DeploymentRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "deployment"
    /// Row id (the public deployment id).
    public var id: Int64?
    /// The repository.
    public var repositoryID: Int64
    /// The environment's name.
    public var environment: String
    /// `refs/heads/main`.
    public var ref: String
    /// The commit.
    public var sha: String
    /// The run.
    public var runID: Int64
    /// The job id path (`deploy`, `call/deploy`).
    public var jobKey: String
    /// The job's display name.
    public var jobName: String
    /// Who triggered the run.
    public var creator: String
    /// The environment's `url`, once the job set it.
    public var url: String?
    /// The latest status: `queued`, `waiting`, `in_progress`, `success`, `failure`, `error`, `inactive`.
    public var state: String
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a queued deployment.
    public init(repositoryID: Int64, environment: String, ref: String, sha: String, runID: Int64, jobKey: String, jobName: String, creator: String) {
        self.repositoryID = repositoryID
        self.environment = environment
        self.ref = ref
        self.sha = sha
        self.runID = runID
        self.jobKey = jobKey
        self.jobName = jobName
        self.creator = creator
        state = "queued"
        createdAt = Date().timeIntervalSince1970
        updatedAt = createdAt
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One entry of a deployment's status history.
public struct DeploymentStatusRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "deploymentStatus"
    /// Row id.
    public var id: Int64?
    /// The deployment.
    public var deploymentID: Int64
    /// `queued`, `waiting`, `in_progress`, `success`, `failure`, `error`, `inactive`.
    public var state: String
    /// One line.
    public var description: String
    /// Who or what set it (`gaara`, a reviewer's token name).
    public var creator: String
    /// Unix seconds.
    public var createdAt: Double

    /// Creates a record.
    public init(deploymentID: Int64, state: String, description: String, creator: String, at: Double = Date().timeIntervalSince1970) {
        self.deploymentID = deploymentID
        self.state = state
        self.description = description
        self.creator = creator
        createdAt = at
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A reviewer's decision on a waiting deployment.
public struct DeploymentReviewRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "deploymentReview"
    /// Row id.
    public var id: Int64?
    /// The deployment.
    public var deploymentID: Int64
    /// The reviewer's token name.
    public var reviewer: String
    /// The reviewer's role when deciding.
    public var role: String
    /// Approved (true) or rejected.
    public var approved: Bool
    /// The reviewer's comment.
    public var comment: String
    /// Unix seconds.
    public var createdAt: Double

    /// Creates a record.
    public init(deploymentID: Int64, reviewer: String, role: String, approved: Bool, comment: String) {
        self.deploymentID = deploymentID
        self.reviewer = reviewer
        self.role = role
        self.approved = approved
        self.comment = comment
        createdAt = Date().timeIntervalSince1970
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A configuration variable (`vars.NAME`), scoped like secrets but stored in plain text.
public struct VariableRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "variable"
    /// Row id.
    public var id: Int64?
    /// The repository, nil for every repository.
    public var repositoryID: Int64?
    /// The environment, "" for none.
    public var environment: String
    /// `NAME`.
    public var name: String
    /// The value.
    public var value: String
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a record.
    public init(repositoryID: Int64?, environment: String, name: String, value: String) {
        self.repositoryID = repositoryID
        self.environment = environment
        self.name = name
        self.value = value
        updatedAt = Date().timeIntervalSince1970
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One entry of the audit trail: who did what, when, with which role.
public struct AuditRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "audit"
    /// Row id.
    public var id: Int64?
    /// Unix seconds.
    public var createdAt: Double
    /// The token name that acted.
    public var actor: String
    /// Its role.
    public var role: String
    /// `deployment.approve`, `deployment.reject`, `environment.set`, `secret.set`, ...
    public var action: String
    /// The repository's name, "" for server-wide actions.
    public var repository: String
    /// What was acted on (`production`, `run 12`, `secret DEPLOY_KEY`).
    public var target: String
    /// A comment (a reviewer's).
    public var comment: String

    /// Creates a record stamped now.
    public init(actor: String, role: String, action: String, repository: String, target: String, comment: String = "") {
        createdAt = Date().timeIntervalSince1970
        self.actor = actor
        self.role = role
        self.action = action
        self.repository = repository
        self.target = target
        self.comment = comment
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
