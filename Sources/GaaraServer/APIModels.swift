import Foundation
import GaaraStore

/// JSON shapes of the REST API (snake_case keys, ISO 8601 UTC times).
enum APIModels {
    static func time(_ seconds: Double?) -> String? {
        guard let seconds else { return nil }
        return iso(Date(timeIntervalSince1970: seconds))
    }

    static func iso(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}

/// A repository.
struct RepositoryJSON: Codable, Sendable {
    var name: String
    var upstream: String?
    var cloneUrl: String?
    var defaultBranch: String
    var pushUrl: String
    var hasWebhookSecret: Bool
    var createdAt: String?

    init(_ record: RepositoryRecord) {
        name = record.name
        upstream = record.upstream
        cloneUrl = record.cloneURL
        defaultBranch = record.defaultBranch
        pushUrl = record.path
        hasWebhookSecret = record.webhookSecret != nil
        createdAt = APIModels.time(record.createdAt)
    }
}

/// A run in lists.
struct RunJSON: Codable, Sendable {
    var id: Int64
    var repository: String
    var number: Int
    var workflow: String
    var workflowPath: String
    var event: String
    var ref: String
    var sha: String
    var actor: String
    var status: String
    var conclusion: String?
    var createdAt: String?
    var startedAt: String?
    var finishedAt: String?
    var attempt: Int
    var rerunOf: Int64?

    init(_ run: RunRecord, repository: String) {
        id = run.id ?? 0
        self.repository = repository
        number = run.number
        workflow = run.workflowName
        workflowPath = run.workflowPath
        event = run.event
        ref = run.ref
        sha = run.sha
        actor = run.actor
        status = run.status.rawValue
        conclusion = run.conclusion?.rawValue
        createdAt = APIModels.time(run.createdAt)
        startedAt = APIModels.time(run.startedAt)
        finishedAt = APIModels.time(run.finishedAt)
        attempt = run.attempt
        rerunOf = run.rerunOf
    }
}

/// A page of runs.
struct RunPageJSON: Codable, Sendable {
    var runs: [RunJSON]
    var totalCount: Int
    var page: Int
    var perPage: Int
}

/// A step.
struct StepJSON: Codable, Sendable {
    var number: Int
    var name: String
    var status: String
    var outcome: String?
    var conclusion: String?
    var startedAt: String?
    var finishedAt: String?
    var durationSeconds: Double?
    var error: String?

    init(_ step: StepRecord) {
        number = step.number
        name = step.name
        status = step.status.rawValue
        outcome = step.outcome?.rawValue
        conclusion = step.conclusion?.rawValue
        startedAt = APIModels.time(step.startedAt)
        finishedAt = APIModels.time(step.finishedAt)
        if let start = step.startedAt, let end = step.finishedAt { durationSeconds = ((end - start) * 1000).rounded() / 1000 }
        error = step.error
    }
}

/// A job instance with its steps.
struct JobJSON: Codable, Sendable {
    var id: Int64
    var key: String
    var matrixIndex: Int
    var name: String
    var status: String
    var conclusion: String?
    var startedAt: String?
    var finishedAt: String?
    var durationSeconds: Double?
    var outputs: [String: String]
    var steps: [StepJSON]

    init(_ job: JobRecord, steps: [StepRecord]) {
        id = job.id ?? 0
        key = job.jobKey
        matrixIndex = job.matrixIndex
        name = job.name
        status = job.status.rawValue
        conclusion = job.conclusion?.rawValue
        startedAt = APIModels.time(job.startedAt)
        finishedAt = APIModels.time(job.finishedAt)
        if let start = job.startedAt, let end = job.finishedAt { durationSeconds = ((end - start) * 1000).rounded() / 1000 }
        outputs = (try? JSONDecoder().decode([String: String].self, from: Data(job.outputsJSON.utf8))) ?? [:]
        self.steps = steps.map(StepJSON.init)
    }
}

/// An annotation.
struct AnnotationJSON: Codable, Sendable {
    var job: String
    var level: String
    var message: String
    var file: String?
    var line: Int?

    init(_ record: AnnotationRecord) {
        job = record.job
        level = record.level
        message = record.message
        file = record.file
        line = record.line
    }
}

/// A commit status.
struct StatusJSON: Codable, Sendable {
    var context: String
    var state: String
    var description: String
    var runId: Int64?
    var updatedAt: String?

    init(_ record: CommitStatusRecord) {
        context = record.context
        state = record.state
        description = record.description
        runId = record.runID
        updatedAt = APIModels.time(record.updatedAt)
    }
}

/// An artifact.
struct ArtifactJSON: Codable, Sendable {
    var name: String
    var size: Int64
    var files: Int
    var expired: Bool
    var downloadUrl: String
}

/// One gate of the run's quality gate.
struct GateJSON: Codable, Sendable {
    var context: String
    var name: String
    var status: String
    var measured: String
    var threshold: String
    var details: [String]
}

/// A run with everything about it.
struct RunDetailJSON: Codable, Sendable {
    var run: RunJSON
    var jobs: [JobJSON]
    var annotations: [AnnotationJSON]
    var statuses: [StatusJSON]
    var gates: [GateJSON]?
    var gatesPassed: Bool?
    var artifacts: [ArtifactJSON]
}

/// A token (never its value, except once at creation).
struct TokenJSON: Codable, Sendable {
    var id: Int64
    var name: String
    var role: String
    var createdAt: String?
    var lastUsedAt: String?
    var token: String?
}

/// Body of `POST /api/repos`.
struct CreateRepositoryBody: Codable, Sendable {
    var name: String
    var upstream: String?
    var cloneUrl: String?
    var webhookSecret: String?
    var defaultBranch: String?
}

/// Body of `POST /api/repos/{repo}/dispatches`.
struct DispatchBody: Codable, Sendable {
    var workflow: String
    var ref: String?
    var inputs: [String: String]?
}

/// Body of `POST /api/runs/{id}/rerun`.
struct RerunBody: Codable, Sendable {
    var failedOnly: Bool?
}

/// Body of `POST /api/tokens`.
struct CreateTokenBody: Codable, Sendable {
    var name: String
    var role: String
}

/// Body of `PUT /api/repos/{repo}/secrets/{name}`.
struct SecretBody: Codable, Sendable {
    var value: String
}

/// Body of `POST /api/repos/{repo}/pushes` (from the `post-receive` hook).
struct PushBody: Codable, Sendable {
    var updates: [RefUpdate]
    var pusher: String?
}

/// What a trigger started.
struct TriggeredJSON: Codable, Sendable {
    var runs: [RunJSON]
    var message: String?
}

/// A workflow of a repository.
struct WorkflowJSON: Codable, Sendable {
    var path: String
    var name: String
    var events: [String]
    var dispatchInputs: [DispatchInputJSON]
    var errors: [String]
}

/// A `workflow_dispatch` input.
struct DispatchInputJSON: Codable, Sendable {
    var name: String
    var type: String
    var required: Bool
    var defaultValue: String?
    var description: String?
    var options: [String]
}
