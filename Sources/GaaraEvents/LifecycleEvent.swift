import Foundation

/// Something that happened in Gaara's life that someone outside the code path that caused it may
/// care about: commit-status publishers, alerts, notifications, metrics, the audit trail.
///
/// Events are facts in the past tense, small and self-contained (they carry names and ids, not
/// records), so a consumer needs no database to act on one.
public struct LifecycleEvent: Sendable, Equatable {
    /// When it happened (seconds since 1970).
    public var time: Double
    /// What happened.
    public var kind: Kind

    /// Creates an event that happens now.
    public init(_ kind: Kind, time: Double = Date().timeIntervalSince1970) {
        self.kind = kind
        self.time = time
    }

    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// A run was queued by a trigger.
        case runQueued(RunReference)
        /// A run started.
        case runStarted(RunReference)
        /// A run finished with a conclusion (`success`, `failure`, `cancelled`, `interrupted`).
        case runFinished(RunReference, conclusion: String)
        /// A job instance started.
        case jobStarted(RunReference, job: String)
        /// A job instance finished with a conclusion.
        case jobFinished(RunReference, job: String, conclusion: String)
        /// A run's quality gates were evaluated; `failed` names the gates that did not pass.
        case gatesEvaluated(RunReference, passed: Bool, failed: [String])
        /// A commit status was set (and is to be published where the repository lives).
        case commitStatus(CommitStatusChange)
        /// A router target's health changed (`adding`, `healthy`, `unhealthy`, `draining`).
        case targetHealth(TargetHealthChange)
        /// A deployment (a job deploying to an environment) changed state: `queued`, `waiting`,
        /// `in_progress`, `success`, `failure`, `error`.
        case deploymentStatus(DeploymentChange)
    }

    /// A short dotted name of the kind (`run.finished`), for logs and filters.
    public var name: String {
        switch kind {
        case .runQueued: "run.queued"
        case .runStarted: "run.started"
        case .runFinished: "run.finished"
        case .jobStarted: "job.started"
        case .jobFinished: "job.finished"
        case .gatesEvaluated: "gates.evaluated"
        case .commitStatus: "commit.status"
        case .targetHealth: "target.health"
        case .deploymentStatus: "deployment.status"
        }
    }
}

/// The run an event is about.
public struct RunReference: Sendable, Equatable {
    /// The run's id.
    public var id: Int64
    /// The repository's name on the server.
    public var repository: String
    /// The workflow's name.
    public var workflow: String
    /// The run's number within its workflow.
    public var number: Int
    /// The commit.
    public var sha: String
    /// The ref.
    public var ref: String
    /// Where the run is shown (the dashboard's page).
    public var url: String

    /// Creates a reference.
    public init(id: Int64, repository: String, workflow: String, number: Int, sha: String, ref: String, url: String) {
        self.id = id
        self.repository = repository
        self.workflow = workflow
        self.number = number
        self.sha = sha
        self.ref = ref
        self.url = url
    }
}

/// A commit status that was set.
public struct CommitStatusChange: Sendable, Equatable {
    /// The repository's name on the server.
    public var repository: String
    /// `owner/name` on the forge the status goes to (nil: the repository has none).
    public var upstream: String?
    /// The commit.
    public var sha: String
    /// `gaara/WORKFLOW` or a gate's context.
    public var context: String
    /// `pending`, `success`, `failure` or `error`.
    public var state: String
    /// A short description.
    public var description: String
    /// The page the status links to.
    public var targetURL: String
    /// The run that set it.
    public var runID: Int64

    /// Creates a change.
    public init(
        repository: String, upstream: String?, sha: String, context: String, state: String, description: String, targetURL: String, runID: Int64
    ) {
        self.repository = repository
        self.upstream = upstream
        self.sha = sha
        self.context = context
        self.state = state
        self.description = description
        self.targetURL = targetURL
        self.runID = runID
    }
}

/// A router target whose health state changed.
public struct TargetHealthChange: Sendable, Equatable {
    /// The target's address (`127.0.0.1:9001`).
    public var target: String
    /// The state before.
    public var from: String
    /// The state now.
    public var to: String

    /// Creates a change.
    public init(target: String, from: String, to: String) {
        self.target = target
        self.from = from
        self.to = to
    }
}

/// A deployment's new state.
public struct DeploymentChange: Sendable, Equatable {
    /// The deployment's id.
    public var deployment: Int64
    /// The repository's name on the server.
    public var repository: String
    /// The environment.
    public var environment: String
    /// The commit deployed.
    public var sha: String
    /// The ref.
    public var ref: String
    /// The run and the job.
    public var runID: Int64
    /// The job's display name.
    public var job: String
    /// The new state.
    public var state: String
    /// Why (`approved by bob`, `rejected by bob: not today`, `the job ended: failure`).
    public var description: String
    /// Who set it (`gaara` or a reviewer).
    public var actor: String
    /// The environment's URL, once known.
    public var url: String?

    /// Creates a change.
    public init(
        deployment: Int64, repository: String, environment: String, sha: String, ref: String, runID: Int64, job: String, state: String,
        description: String, actor: String, url: String?
    ) {
        self.deployment = deployment
        self.repository = repository
        self.environment = environment
        self.sha = sha
        self.ref = ref
        self.runID = runID
        self.job = job
        self.state = state
        self.description = description
        self.actor = actor
        self.url = url
    }
}
