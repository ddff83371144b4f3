/// A deployment environment of a repository and its protection rules.
public struct EnvironmentJSON: Codable, Sendable, Equatable {
    /// `production`.
    public var name: String
    /// The protection rules.
    public var rules: EnvironmentRulesBody
    /// The latest deployment, if any.
    public var latestDeployment: DeploymentJSON?
    /// ISO 8601 UTC; nil for an environment known only from its deployments.
    public var updatedAt: String?

    /// Creates a value.
    public init(name: String, rules: EnvironmentRulesBody, latestDeployment: DeploymentJSON? = nil, updatedAt: String? = nil) {
        self.name = name
        self.rules = rules
        self.latestDeployment = latestDeployment
        self.updatedAt = updatedAt
    }
}

/// An environment's protection rules, as `PUT /api/repos/{repo}/environments/{name}` takes them
/// and the environment answers show them.
public struct EnvironmentRulesBody: Codable, Sendable, Equatable {
    /// Required reviewers: token names, or `role:approver` / `role:admin`. One approval suffices.
    public var reviewers: [String]?
    /// Whether the run's actor may not approve their own run.
    public var preventSelfReview: Bool?
    /// Minutes to wait after the job is triggered (0–43,200).
    public var waitTimer: Int?
    /// Branch patterns (fnmatch: `*` does not match `/`) that may deploy; none and no tags: any ref.
    public var branches: [String]?
    /// Tag patterns that may deploy.
    public var tags: [String]?

    /// Creates a value.
    public init(reviewers: [String]? = nil, preventSelfReview: Bool? = nil, waitTimer: Int? = nil, branches: [String]? = nil, tags: [String]? = nil) {
        self.reviewers = reviewers
        self.preventSelfReview = preventSelfReview
        self.waitTimer = waitTimer
        self.branches = branches
        self.tags = tags
    }
}

/// A deployment, shaped like GitHub's deployments API.
public struct DeploymentJSON: Codable, Sendable, Equatable {
    /// The deployment's id.
    public var id: Int64
    /// The repository.
    public var repository: String
    /// The environment.
    public var environment: String
    /// `refs/heads/main`.
    public var ref: String
    /// The commit.
    public var sha: String
    /// The run.
    public var runId: Int64
    /// The job's display name.
    public var job: String
    /// Who triggered the run.
    public var creator: String
    /// The job's `environment.url`, once set.
    public var environmentUrl: String?
    /// The latest status: `queued`, `waiting`, `in_progress`, `success`, `failure`, `error`, `inactive`.
    public var state: String
    /// ISO 8601 UTC.
    public var createdAt: String
    /// ISO 8601 UTC.
    public var updatedAt: String
    /// The status history, oldest first (in single-deployment answers).
    public var statuses: [DeploymentStatusJSON]?
    /// Reviews given (in single-deployment and approval answers).
    public var reviews: [ReviewJSON]?

    /// Creates a value.
    public init(
        id: Int64, repository: String, environment: String, ref: String, sha: String, runId: Int64, job: String, creator: String,
        environmentUrl: String?, state: String, createdAt: String, updatedAt: String, statuses: [DeploymentStatusJSON]? = nil,
        reviews: [ReviewJSON]? = nil
    ) {
        self.id = id
        self.repository = repository
        self.environment = environment
        self.ref = ref
        self.sha = sha
        self.runId = runId
        self.job = job
        self.creator = creator
        self.environmentUrl = environmentUrl
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.statuses = statuses
        self.reviews = reviews
    }
}

/// One entry of a deployment's status history.
public struct DeploymentStatusJSON: Codable, Sendable, Equatable {
    /// The state.
    public var state: String
    /// One line.
    public var description: String
    /// Who set it (`gaara` or a reviewer).
    public var creator: String
    /// ISO 8601 UTC.
    public var createdAt: String

    /// Creates a value.
    public init(state: String, description: String, creator: String, createdAt: String) {
        self.state = state
        self.description = description
        self.creator = creator
        self.createdAt = createdAt
    }
}

/// A reviewer's decision.
public struct ReviewJSON: Codable, Sendable, Equatable {
    /// The reviewer's token name.
    public var reviewer: String
    /// Their role when deciding.
    public var role: String
    /// `approved` or `rejected`.
    public var state: String
    /// Their comment.
    public var comment: String
    /// ISO 8601 UTC.
    public var createdAt: String

    /// Creates a value.
    public init(reviewer: String, role: String, state: String, comment: String, createdAt: String) {
        self.reviewer = reviewer
        self.role = role
        self.state = state
        self.comment = comment
        self.createdAt = createdAt
    }
}

/// A deployment waiting for review, as `GET /api/approvals` lists it.
public struct PendingDeploymentJSON: Codable, Sendable, Equatable {
    /// The deployment.
    public var deployment: DeploymentJSON
    /// Who may approve it (`NAME` or `role:ROLE`).
    public var reviewers: [String]
    /// Whether the run's actor is refused as a reviewer.
    public var preventSelfReview: Bool
    /// When the approval times out (ISO 8601 UTC).
    public var timesOutAt: String?
    /// Whether the caller may approve it.
    public var currentUserCanApprove: Bool

    /// Creates a value.
    public init(deployment: DeploymentJSON, reviewers: [String], preventSelfReview: Bool, timesOutAt: String?, currentUserCanApprove: Bool) {
        self.deployment = deployment
        self.reviewers = reviewers
        self.preventSelfReview = preventSelfReview
        self.timesOutAt = timesOutAt
        self.currentUserCanApprove = currentUserCanApprove
    }
}

/// Body of `POST /api/runs/{id}/pending_deployments`: approve or reject what waits.
public struct ReviewBody: Codable, Sendable, Equatable {
    /// The environments to decide for (names).
    public var environments: [String]
    /// `approved` or `rejected`.
    public var state: String
    /// The reviewer's comment.
    public var comment: String?

    /// Creates a value.
    public init(environments: [String], state: String, comment: String? = nil) {
        self.environments = environments
        self.state = state
        self.comment = comment
    }
}

/// A configuration variable.
public struct VariableJSON: Codable, Sendable, Equatable {
    /// `NAME`.
    public var name: String
    /// The value.
    public var value: String
    /// The repository, nil for every repository.
    public var repository: String?
    /// The environment, empty for none.
    public var environment: String
    /// ISO 8601 UTC.
    public var updatedAt: String

    /// Creates a value.
    public init(name: String, value: String, repository: String?, environment: String, updatedAt: String) {
        self.name = name
        self.value = value
        self.repository = repository
        self.environment = environment
        self.updatedAt = updatedAt
    }
}

/// Body of `PUT .../variables/{name}`.
public struct VariableBody: Codable, Sendable, Equatable {
    /// The value.
    public var value: String

    /// Creates a value.
    public init(value: String) { self.value = value }
}

/// One entry of the audit trail.
public struct AuditJSON: Codable, Sendable, Equatable {
    /// ISO 8601 UTC.
    public var createdAt: String
    /// The token name that acted.
    public var actor: String
    /// Its role.
    public var role: String
    /// `deployment.approve`, `environment.set`, `secret.set`, ...
    public var action: String
    /// The repository, empty for server-wide actions.
    public var repository: String
    /// What was acted on.
    public var target: String
    /// A comment.
    public var comment: String

    /// Creates a value.
    public init(createdAt: String, actor: String, role: String, action: String, repository: String, target: String, comment: String) {
        self.createdAt = createdAt
        self.actor = actor
        self.role = role
        self.action = action
        self.repository = repository
        self.target = target
        self.comment = comment
    }
}

/// Answer of `POST /api/secret-key/rotate`.
public struct KeyRotationJSON: Codable, Sendable, Equatable {
    /// How many sealed values (secrets, webhook secrets) were re-sealed under the new key.
    public var resealed: Int

    /// Creates a value.
    public init(resealed: Int) { self.resealed = resealed }
}

/// One use of a secret in a repository's workflows, and whether the job can see it
/// (`GET /api/repos/{repo}/secret-check`).
public struct SecretUseJSON: Codable, Sendable, Equatable {
    /// The secret's name.
    public var name: String
    /// The workflow file.
    public var file: String
    /// One-based line.
    public var line: Int
    /// One-based column.
    public var column: Int
    /// The job whose part of the file uses it.
    public var job: String?
    /// The environment the check assumed for that job (its literal `environment:`, or the one asked for).
    public var environment: String?
    /// Where a secret of that name is set and visible to the job: `server`, `repository`, `environment`.
    public var levels: [String]

    /// Creates a value.
    public init(name: String, file: String, line: Int, column: Int, job: String?, environment: String?, levels: [String]) {
        self.name = name
        self.file = file
        self.line = line
        self.column = column
        self.job = job
        self.environment = environment
        self.levels = levels
    }
}
