import Foundation
import GRDB

/// A repository the server hosts or follows.
public struct RepositoryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "repository"
    /// Row id.
    public var id: Int64?
    /// Unique name (`owner/name` or a single word).
    public var name: String
    /// The bare repository on disk.
    public var path: String
    /// The repository's full name on a forge (`octo/app`), which webhooks name it by.
    public var upstream: String?
    /// Where webhooks say the code lives (fetched into `path`), if it is not pushed here.
    public var cloneURL: String?
    /// The secret webhooks must sign with.
    public var webhookSecret: String?
    /// The branch scheduled workflows run on.
    public var defaultBranch: String
    /// When it was added (Unix seconds).
    public var createdAt: Double

    /// Creates a record.
    public init(
        name: String, path: String, upstream: String? = nil, cloneURL: String? = nil, webhookSecret: String? = nil, defaultBranch: String = "main"
    ) {
        self.name = name
        self.path = path
        self.upstream = upstream
        self.cloneURL = cloneURL
        self.webhookSecret = webhookSecret
        self.defaultBranch = defaultBranch
        createdAt = Date().timeIntervalSince1970
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The lifecycle of runs, jobs and steps.
public enum RunStatus: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    case queued, running, completed
    /// A job held before it runs: its environment's protection rules (reviewers, wait timer) have
    /// not passed yet.
    case waiting
}

/// How a finished run, job or step ended.
public enum RunConclusion: String, Codable, Sendable, DatabaseValueConvertible, CaseIterable {
    case success, failure, cancelled, skipped
    /// The server stopped (crash or restart) while it ran.
    case interrupted
}

/// One workflow run.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "run"
    /// Row id (also the public run id).
    public var id: Int64?
    /// The repository.
    public var repositoryID: Int64
    /// Per-repository run number.
    public var number: Int
    /// `.github/workflows/ci.yml`.
    public var workflowPath: String
    /// The workflow's name.
    public var workflowName: String
    /// `push`, `pull_request`, `schedule`, `workflow_dispatch`.
    public var event: String
    /// `refs/heads/main`.
    public var ref: String
    /// The commit.
    public var sha: String
    /// Who triggered it.
    public var actor: String
    /// Queued, running or completed.
    public var status: RunStatus
    /// Set when completed.
    public var conclusion: RunConclusion?
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds.
    public var startedAt: Double?
    /// Unix seconds.
    public var finishedAt: Double?
    /// `workflow_dispatch` inputs as JSON.
    public var inputsJSON: String
    /// The event payload as JSON.
    public var payloadJSON: String
    /// Changed files (for path filters) as JSON, when known.
    public var changedFilesJSON: String?
    /// The evaluated `concurrency` group.
    public var concurrencyGroup: String?
    /// Whether a newer run in the group cancels this one.
    public var cancelInProgress: Bool
    /// 1, 2, ... for re-runs.
    public var attempt: Int
    /// The run this one re-runs.
    public var rerunOf: Int64?
    /// Jobs to run when re-running only failed jobs (JSON list of job ids), nil for all.
    public var onlyJobsJSON: String?

    /// Creates a queued run (the store assigns `number`).
    public init(
        repositoryID: Int64, workflowPath: String, workflowName: String, event: String, ref: String, sha: String, actor: String,
        inputsJSON: String = "{}", payloadJSON: String = "{}", changedFilesJSON: String? = nil, attempt: Int = 1, rerunOf: Int64? = nil,
        onlyJobsJSON: String? = nil
    ) {
        self.repositoryID = repositoryID
        number = 0
        self.workflowPath = workflowPath
        self.workflowName = workflowName
        self.event = event
        self.ref = ref
        self.sha = sha
        self.actor = actor
        status = .queued
        createdAt = Date().timeIntervalSince1970
        self.inputsJSON = inputsJSON
        self.payloadJSON = payloadJSON
        self.changedFilesJSON = changedFilesJSON
        cancelInProgress = false
        self.attempt = attempt
        self.rerunOf = rerunOf
        self.onlyJobsJSON = onlyJobsJSON
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One job instance of a run.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "job"
    /// Row id.
    public var id: Int64?
    /// The run.
    public var runID: Int64
    /// The job id path (`build`, `call/test`).
    public var jobKey: String
    /// The matrix index.
    public var matrixIndex: Int
    /// The display name.
    public var name: String
    /// Queued, running or completed.
    public var status: RunStatus
    /// Set when completed.
    public var conclusion: RunConclusion?
    /// Unix seconds.
    public var startedAt: Double?
    /// Unix seconds.
    public var finishedAt: Double?
    /// Outputs as JSON.
    public var outputsJSON: String

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One step of a job.
public struct StepRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "step"
    /// Row id.
    public var id: Int64?
    /// The job.
    public var jobID: Int64
    /// Step number in the job.
    public var number: Int
    /// Display name.
    public var name: String
    /// Queued, running or completed.
    public var status: RunStatus
    /// Result before continue-on-error.
    public var outcome: RunConclusion?
    /// Result after continue-on-error.
    public var conclusion: RunConclusion?
    /// Unix seconds.
    public var startedAt: Double?
    /// Unix seconds.
    public var finishedAt: Double?
    /// Why it failed.
    public var error: String?

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The latest state of one status context on a commit.
public struct CommitStatusRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    /// The table name.
    public static let databaseTableName = "commitStatus"
    /// The repository.
    public var repositoryID: Int64
    /// The commit.
    public var sha: String
    /// `gaara/tests`, ...
    public var context: String
    /// `success`, `failure`, `pending`, `error`.
    public var state: String
    /// One line.
    public var description: String
    /// The run that set it.
    public var runID: Int64?
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a record.
    public init(repositoryID: Int64, sha: String, context: String, state: String, description: String, runID: Int64?) {
        self.repositoryID = repositoryID
        self.sha = sha
        self.context = context
        self.state = state
        self.description = description
        self.runID = runID
        updatedAt = Date().timeIntervalSince1970
    }
}

/// An access token, stored as a SHA-256 hash.
public struct TokenRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "token"
    /// Row id.
    public var id: Int64?
    /// A label.
    public var name: String
    /// Hex SHA-256 of the token.
    public var hash: String
    /// viewer, developer, approver or admin.
    public var role: String
    /// Unix seconds.
    public var createdAt: Double
    /// Unix seconds.
    public var lastUsedAt: Double?

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An error or warning annotation of a run.
public struct AnnotationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "annotation"
    /// Row id.
    public var id: Int64?
    /// The run.
    public var runID: Int64
    /// The job display name.
    public var job: String
    /// error, warning, notice.
    public var level: String
    /// The message.
    public var message: String
    /// File, when given.
    public var file: String?
    /// Line, when given.
    public var line: Int?

    /// Creates an annotation.
    public init(runID: Int64, job: String, level: String, message: String, file: String? = nil, line: Int? = nil) {
        self.runID = runID
        self.job = job
        self.level = level
        self.message = message
        self.file = file
        self.line = line
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An artifact a run uploaded.
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "artifact"
    /// Row id.
    public var id: Int64?
    /// The run.
    public var runID: Int64
    /// The artifact's name.
    public var name: String
    /// Total bytes of its files.
    public var size: Int64
    /// Number of files.
    public var files: Int
    /// Unix seconds.
    public var createdAt: Double
    /// Set when the retention policy removed its files.
    public var expired: Bool

    /// Creates a record.
    public init(runID: Int64, name: String, size: Int64, files: Int) {
        self.runID = runID
        self.name = name
        self.size = size
        self.files = files
        createdAt = Date().timeIntervalSince1970
        expired = false
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An encrypted secret, scoped to a repository (or to all repositories) and an environment.
public struct SecretRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "secret"
    /// Row id.
    public var id: Int64?
    /// The repository, nil for every repository.
    public var repositoryID: Int64?
    /// The environment (`production`), "" for every environment.
    public var environment: String
    /// `NAME`.
    public var name: String
    /// AES-GCM sealed box (nonce, ciphertext, tag).
    public var sealed: Data
    /// Unix seconds.
    public var updatedAt: Double

    /// Creates a record.
    public init(repositoryID: Int64?, environment: String, name: String, sealed: Data) {
        self.repositoryID = repositoryID
        self.environment = environment
        self.name = name
        self.sealed = sealed
        updatedAt = Date().timeIntervalSince1970
    }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
