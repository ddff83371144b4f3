/// `POST /api/repos/{repo}/environments/{env}/deploys`: roll a new release out on the server.
public struct DeployBody: Codable, Sendable, Equatable {
    /// The one service to deploy (default: all of the environment's services).
    public var service: String?
    /// A branch, tag or commit to read `.gaara/deploy.yml` and the release directories from
    /// (default: the repository's default branch).
    public var ref: String?
    /// The image to run (`registry/app@sha256:…` or a tag), for an image service.
    public var image: String?

    /// Creates a body.
    public init(service: String? = nil, ref: String? = nil, image: String? = nil) {
        self.service = service
        self.ref = ref
        self.image = image
    }
}

/// `POST /api/repos/{repo}/environments/{env}/rollbacks`: send traffic back to a kept release.
public struct RollbackBody: Codable, Sendable, Equatable {
    /// The one service to roll back (default: all).
    public var service: String?
    /// The release number to go back to (default: the newest kept one).
    public var to: Int?

    /// Creates a body.
    public init(service: String? = nil, to: Int? = nil) {
        self.service = service
        self.to = to
    }
}

/// `POST /api/repos/{repo}/environments/{env}/rollout`: steer the environment's running rollout.
public struct RolloutControlBody: Codable, Sendable, Equatable {
    /// `pause`, `resume`, `promote`, `promote-full` or `abort`.
    public var action: String
    /// Why (kept with the caller's name in the rollout's signed evidence and the audit trail).
    public var comment: String?

    /// Creates a body.
    public init(action: String, comment: String? = nil) {
        self.action = action
        self.comment = comment
    }
}

/// A deploy or rollback the server runs or ran.
public struct RolloutJSON: Codable, Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// The repository.
    public var repository: String
    /// The environment.
    public var environment: String
    /// `deploy` or `rollback`.
    public var kind: String
    /// The one service asked for (nil: all).
    public var service: String?
    /// Where the configuration was read (`refs/heads/main`).
    public var ref: String
    /// The commit.
    public var sha: String
    /// The image asked for.
    public var image: String?
    /// The release a rollback was asked to go back to.
    public var toRelease: Int?
    /// Who asked.
    public var actor: String
    /// `running`, `succeeded`, `failed`, `interrupted` (the server stopped during it).
    public var state: String
    /// The releases made live (`web-3, api-2`).
    public var releases: String
    /// Why it failed.
    public var error: String?
    /// When it was asked for (ISO 8601).
    public var createdAt: String
    /// When it ended.
    public var finishedAt: String?
    /// Its progress log from `offset` (`GET …/rollouts/{id}?offset=N`).
    public var log: String
    /// The offset to ask for next.
    public var nextOffset: Int

    /// Creates a value.
    public init(
        id: Int64, repository: String, environment: String, kind: String, service: String?, ref: String, sha: String, image: String?,
        toRelease: Int?, actor: String, state: String, releases: String, error: String?, createdAt: String, finishedAt: String?, log: String,
        nextOffset: Int
    ) {
        self.id = id
        self.repository = repository
        self.environment = environment
        self.kind = kind
        self.service = service
        self.ref = ref
        self.sha = sha
        self.image = image
        self.toRelease = toRelease
        self.actor = actor
        self.state = state
        self.releases = releases
        self.error = error
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.log = log
        self.nextOffset = nextOffset
    }
}

/// One release of an environment (`GET /api/repos/{repo}/environments/{env}/releases`).
public struct ReleaseJSON: Codable, Sendable, Equatable {
    /// `web-3`.
    public var id: String
    /// Its number within the environment and service.
    public var number: Int
    /// The service.
    public var service: String
    /// `deploying`, `live`, `kept`, `retired` or `failed`.
    public var state: String
    /// What runs: `image@sha256:…` or `dir:sha256:…`.
    public var artifact: String
    /// The commit.
    public var commit: String?
    /// Who deployed it.
    public var creator: String
    /// When it was created (ISO 8601).
    public var createdAt: String
    /// Its history, oldest first: `time  text`.
    public var events: [String]

    /// Creates a value.
    public init(
        id: String, number: Int, service: String, state: String, artifact: String, commit: String?, creator: String, createdAt: String,
        events: [String]
    ) {
        self.id = id
        self.number = number
        self.service = service
        self.state = state
        self.artifact = artifact
        self.commit = commit
        self.creator = creator
        self.createdAt = createdAt
        self.events = events
    }
}

/// An incident report an automatic rollback wrote (`GET …/environments/{env}/incidents`).
public struct IncidentJSON: Codable, Sendable, Equatable {
    /// Its number in the environment.
    public var number: Int
    /// The service.
    public var service: String
    /// What tripped, with its figures.
    public var trigger: String
    /// The release rolled back.
    public var failedRelease: String
    /// The release the traffic went back to.
    public var restoredRelease: String?
    /// When the failure was detected (ISO 8601).
    public var detectedAt: String
    /// Seconds from the rollout's start to the detection.
    public var timeToDetect: Double
    /// Seconds from the detection to all traffic on the restored release.
    public var timeToRestore: Double
    /// The whole report in Markdown.
    public var markdown: String
    /// Who or what closed it (a later healthy release, or a person); nil while it is open.
    public var resolvedBy: String?
    /// When it was closed (ISO 8601).
    public var resolvedAt: String?

    /// Creates a value.
    public init(
        number: Int, service: String, trigger: String, failedRelease: String, restoredRelease: String?, detectedAt: String, timeToDetect: Double,
        timeToRestore: Double, markdown: String, resolvedBy: String? = nil, resolvedAt: String? = nil
    ) {
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.number = number
        self.service = service
        self.trigger = trigger
        self.failedRelease = failedRelease
        self.restoredRelease = restoredRelease
        self.detectedAt = detectedAt
        self.timeToDetect = timeToDetect
        self.timeToRestore = timeToRestore
        self.markdown = markdown
    }
}

/// One rollout's signed evidence of a release, verified by the server (`GET …/releases/{release}/evidence`).
public struct EvidenceJSON: Codable, Sendable, Equatable {
    /// Whether the signature holds.
    public var verified: Bool
    /// Whether it was made by the server's own key.
    public var trustedKey: Bool
    /// The verification in words.
    public var verdict: String
    /// The evidence's canonical JSON, exactly as signed.
    public var evidence: String
    /// The Ed25519 signature, base64.
    public var signature: String
    /// The signing key's public half, base64.
    public var publicKey: String

    /// Creates a value.
    public init(verified: Bool, trustedKey: Bool, verdict: String, evidence: String, signature: String, publicKey: String) {
        self.verified = verified
        self.trustedKey = trustedKey
        self.verdict = verdict
        self.evidence = evidence
        self.signature = signature
        self.publicKey = publicKey
    }
}

/// DORA's four keys and the guide's deployment figures for an environment over a window
/// (`GET …/environments/{env}/dora?since=90d`), as `gaara metrics dora` computes them.
public struct DORAJSON: Codable, Sendable, Equatable {
    /// The window's start and end (ISO 8601).
    public var from: String
    /// See ``from``.
    public var to: String
    /// Successful deployments in the window.
    public var deployments: Int
    /// Deployments attempted (successful or not).
    public var attempts: Int
    /// Successful deployments per day.
    public var deploymentsPerDay: Double
    /// Four Keys' bucket: `daily`, `weekly`, `monthly`, `yearly` or `none`.
    public var frequency: String
    /// The median seconds from a commit to its deployment (nil: no commits known).
    public var leadTimeSeconds: Double?
    /// Commits the deployments brought.
    public var changes: Int
    /// Deployments that caused an incident ÷ attempts (nil: none attempted).
    public var changeFailureRate: Double?
    /// The median seconds from an incident's detection to its resolution (nil: none resolved).
    public var timeToRestoreSeconds: Double?
    /// Incidents in the window.
    public var incidents: Int
    /// Of them, still open.
    public var openIncidents: Int
    /// Successful ÷ attempted deployments (nil: none attempted).
    public var successRate: Double?
    /// The median seconds a deployment took (nil: none).
    public var durationSeconds: Double?
    /// Rollbacks (automatic and by hand).
    public var rollbacks: Int

    /// Creates a value.
    public init(
        from: String, to: String, deployments: Int, attempts: Int, deploymentsPerDay: Double, frequency: String, leadTimeSeconds: Double?,
        changes: Int, changeFailureRate: Double?, timeToRestoreSeconds: Double?, incidents: Int, openIncidents: Int, successRate: Double?,
        durationSeconds: Double?, rollbacks: Int
    ) {
        self.from = from
        self.to = to
        self.deployments = deployments
        self.attempts = attempts
        self.deploymentsPerDay = deploymentsPerDay
        self.frequency = frequency
        self.leadTimeSeconds = leadTimeSeconds
        self.changes = changes
        self.changeFailureRate = changeFailureRate
        self.timeToRestoreSeconds = timeToRestoreSeconds
        self.incidents = incidents
        self.openIncidents = openIncidents
        self.successRate = successRate
        self.durationSeconds = durationSeconds
        self.rollbacks = rollbacks
    }
}
