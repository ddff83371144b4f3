/// A run in lists.
public struct RunJSON: Codable, Sendable, Equatable {
    /// The run's id.
    public var id: Int64
    /// The repository's name.
    public var repository: String
    /// The run's number within its workflow.
    public var number: Int
    /// The workflow's name.
    public var workflow: String
    /// The workflow's path.
    public var workflowPath: String
    /// The event that started it.
    public var event: String
    /// The ref it ran for.
    public var ref: String
    /// The commit it ran.
    public var sha: String
    /// Who started it.
    public var actor: String
    /// `queued`, `running` or `completed`.
    public var status: String
    /// `success`, `failure`, `cancelled` or `interrupted` once completed.
    public var conclusion: String?
    /// ISO 8601 UTC.
    public var createdAt: String?
    /// ISO 8601 UTC.
    public var startedAt: String?
    /// ISO 8601 UTC.
    public var finishedAt: String?
    /// 1 for the first run, more for re-runs.
    public var attempt: Int
    /// The run this re-runs.
    public var rerunOf: Int64?

    /// Creates a value.
    public init(
        id: Int64, repository: String, number: Int, workflow: String, workflowPath: String, event: String, ref: String, sha: String, actor: String,
        status: String, conclusion: String? = nil, createdAt: String? = nil, startedAt: String? = nil, finishedAt: String? = nil, attempt: Int,
        rerunOf: Int64? = nil
    ) {
        self.id = id
        self.repository = repository
        self.number = number
        self.workflow = workflow
        self.workflowPath = workflowPath
        self.event = event
        self.ref = ref
        self.sha = sha
        self.actor = actor
        self.status = status
        self.conclusion = conclusion
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.attempt = attempt
        self.rerunOf = rerunOf
    }
}

/// A page of runs.
public struct RunPageJSON: Codable, Sendable, Equatable {
    /// The runs, newest first.
    public var runs: [RunJSON]
    /// How many runs match in all.
    public var totalCount: Int
    /// The page's number (from 1).
    public var page: Int
    /// Runs a page.
    public var perPage: Int

    /// Creates a value.
    public init(runs: [RunJSON], totalCount: Int, page: Int, perPage: Int) {
        self.runs = runs
        self.totalCount = totalCount
        self.page = page
        self.perPage = perPage
    }
}

/// A step.
public struct StepJSON: Codable, Sendable, Equatable {
    /// The step's number (from 1).
    public var number: Int
    /// Its name.
    public var name: String
    /// `queued`, `running` or `completed`.
    public var status: String
    /// Its result before `continue-on-error`.
    public var outcome: String?
    /// Its result after `continue-on-error`.
    public var conclusion: String?
    /// ISO 8601 UTC.
    public var startedAt: String?
    /// ISO 8601 UTC.
    public var finishedAt: String?
    /// Seconds, to the millisecond.
    public var durationSeconds: Double?
    /// Why it failed, when the runner knows.
    public var error: String?

    /// Creates a value.
    public init(
        number: Int, name: String, status: String, outcome: String? = nil, conclusion: String? = nil, startedAt: String? = nil,
        finishedAt: String? = nil, durationSeconds: Double? = nil, error: String? = nil
    ) {
        self.number = number
        self.name = name
        self.status = status
        self.outcome = outcome
        self.conclusion = conclusion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.error = error
    }
}

/// A job instance with its steps.
public struct JobJSON: Codable, Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// `job-id` or `job-id/index` for matrix instances.
    public var key: String
    /// The matrix instance's index.
    public var matrixIndex: Int
    /// The job's display name.
    public var name: String
    /// `queued`, `running` or `completed`.
    public var status: String
    /// Its result once completed.
    public var conclusion: String?
    /// ISO 8601 UTC.
    public var startedAt: String?
    /// ISO 8601 UTC.
    public var finishedAt: String?
    /// Seconds, to the millisecond.
    public var durationSeconds: Double?
    /// The job's outputs.
    public var outputs: [String: String]
    /// Its steps.
    public var steps: [StepJSON]

    /// Creates a value.
    public init(
        id: Int64, key: String, matrixIndex: Int, name: String, status: String, conclusion: String? = nil, startedAt: String? = nil,
        finishedAt: String? = nil, durationSeconds: Double? = nil, outputs: [String: String], steps: [StepJSON]
    ) {
        self.id = id
        self.key = key
        self.matrixIndex = matrixIndex
        self.name = name
        self.status = status
        self.conclusion = conclusion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.outputs = outputs
        self.steps = steps
    }
}

/// An annotation.
public struct AnnotationJSON: Codable, Sendable, Equatable {
    /// The job it belongs to (`workflow` or `run` for the whole run).
    public var job: String
    /// `error`, `warning` or `notice`.
    public var level: String
    /// The message.
    public var message: String
    /// The file it points at.
    public var file: String?
    /// The line it points at.
    public var line: Int?

    /// Creates a value.
    public init(job: String, level: String, message: String, file: String? = nil, line: Int? = nil) {
        self.job = job
        self.level = level
        self.message = message
        self.file = file
        self.line = line
    }
}

/// A commit status.
public struct StatusJSON: Codable, Sendable, Equatable {
    /// `gaara/WORKFLOW` or a gate's context.
    public var context: String
    /// `pending`, `success`, `failure` or `error`.
    public var state: String
    /// A short description.
    public var description: String
    /// The run that set it.
    public var runId: Int64?
    /// ISO 8601 UTC.
    public var updatedAt: String?

    /// Creates a value.
    public init(context: String, state: String, description: String, runId: Int64? = nil, updatedAt: String? = nil) {
        self.context = context
        self.state = state
        self.description = description
        self.runId = runId
        self.updatedAt = updatedAt
    }
}

/// An artifact.
public struct ArtifactJSON: Codable, Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Bytes in all.
    public var size: Int64
    /// How many files.
    public var files: Int
    /// Whether retention removed it.
    public var expired: Bool
    /// Where to download it (a zip).
    public var downloadUrl: String

    /// Creates a value.
    public init(name: String, size: Int64, files: Int, expired: Bool, downloadUrl: String) {
        self.name = name
        self.size = size
        self.files = files
        self.expired = expired
        self.downloadUrl = downloadUrl
    }
}

/// A run with everything about it.
public struct RunDetailJSON: Codable, Sendable, Equatable {
    /// The run.
    public var run: RunJSON
    /// Its job instances.
    public var jobs: [JobJSON]
    /// Its annotations.
    public var annotations: [AnnotationJSON]
    /// The commit statuses it set.
    public var statuses: [StatusJSON]
    /// Its quality gates, when a `gaara gate` step ran.
    public var gates: [GateJSON]?
    /// Whether they passed.
    public var gatesPassed: Bool?
    /// Its artifacts.
    public var artifacts: [ArtifactJSON]
    /// The images it pushed.
    public var images: [ImageJSON]

    /// Creates a value.
    public init(
        run: RunJSON, jobs: [JobJSON], annotations: [AnnotationJSON], statuses: [StatusJSON], gates: [GateJSON]? = nil, gatesPassed: Bool? = nil,
        artifacts: [ArtifactJSON], images: [ImageJSON] = []
    ) {
        self.run = run
        self.jobs = jobs
        self.annotations = annotations
        self.statuses = statuses
        self.gates = gates
        self.gatesPassed = gatesPassed
        self.artifacts = artifacts
        self.images = images
    }
}

/// Body of `POST /api/runs/{id}/rerun`.
public struct RerunBody: Codable, Sendable, Equatable {
    /// Only the jobs that did not succeed (and what they need).
    public var failedOnly: Bool?

    /// Creates a value.
    public init(failedOnly: Bool? = nil) {
        self.failedOnly = failedOnly
    }
}

/// What a trigger started.
public struct TriggeredJSON: Codable, Sendable, Equatable {
    /// The runs it queued.
    public var runs: [RunJSON]
    /// Why nothing started, when nothing did.
    public var message: String?

    /// Creates a value.
    public init(runs: [RunJSON], message: String? = nil) {
        self.runs = runs
        self.message = message
    }
}

/// A piece of a run's log on its live event stream (`event: log`).
public struct LogEventJSON: Codable, Sendable, Equatable {
    /// The job's key.
    public var job: String
    /// The job's id.
    public var jobId: Int64?
    /// The step's number (nil: the job's own lines).
    public var step: Int?
    /// Whole lines, newline-terminated.
    public var text: String

    /// Creates a value.
    public init(job: String, jobId: Int64? = nil, step: Int? = nil, text: String) {
        self.job = job
        self.jobId = jobId
        self.step = step
        self.text = text
    }
}

/// A ref update of a push (from the `post-receive` hook or a webhook).
public struct RefUpdate: Sendable, Codable, Equatable {
    /// The commit before (forty zeros for a new ref).
    public var before: String
    /// The commit after (forty zeros for a deleted ref).
    public var after: String
    /// `refs/heads/main`, `refs/tags/v1.0`.
    public var ref: String

    /// Creates an update.
    public init(before: String, after: String, ref: String) {
        self.before = before
        self.after = after
        self.ref = ref
    }
}

/// Body of `POST /api/repos/{repo}/pushes` (from the `post-receive` hook).
public struct PushBody: Codable, Sendable, Equatable {
    /// The refs the push updated.
    public var updates: [RefUpdate]
    /// Who pushed.
    public var pusher: String?

    /// Creates a body.
    public init(updates: [RefUpdate], pusher: String? = nil) {
        self.updates = updates
        self.pusher = pusher
    }
}
