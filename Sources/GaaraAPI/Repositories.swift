/// A repository.
public struct RepositoryJSON: Codable, Sendable, Equatable {
    /// Its name on the server.
    public var name: String
    /// `owner/name` on the forge statuses are posted to.
    public var upstream: String?
    /// Where webhooks' code is fetched from.
    public var cloneUrl: String?
    /// The default branch.
    public var defaultBranch: String
    /// The bare repository to push to.
    public var pushUrl: String
    /// Whether webhooks must be signed.
    public var hasWebhookSecret: Bool
    /// ISO 8601 UTC.
    public var createdAt: String?

    /// Creates a value.
    public init(
        name: String, upstream: String? = nil, cloneUrl: String? = nil, defaultBranch: String, pushUrl: String, hasWebhookSecret: Bool,
        createdAt: String? = nil
    ) {
        self.name = name
        self.upstream = upstream
        self.cloneUrl = cloneUrl
        self.defaultBranch = defaultBranch
        self.pushUrl = pushUrl
        self.hasWebhookSecret = hasWebhookSecret
        self.createdAt = createdAt
    }
}

/// Body of `POST /api/repos`.
public struct CreateRepositoryBody: Codable, Sendable, Equatable {
    /// The repository's name.
    public var name: String
    /// `owner/name` on a forge.
    public var upstream: String?
    /// Where webhooks' code is fetched from.
    public var cloneUrl: String?
    /// The secret webhooks are signed with.
    public var webhookSecret: String?
    /// The default branch (`main` when absent).
    public var defaultBranch: String?

    /// Creates a value.
    public init(name: String, upstream: String? = nil, cloneUrl: String? = nil, webhookSecret: String? = nil, defaultBranch: String? = nil) {
        self.name = name
        self.upstream = upstream
        self.cloneUrl = cloneUrl
        self.webhookSecret = webhookSecret
        self.defaultBranch = defaultBranch
    }
}

/// A secret's name and scope (never its value).
public struct SecretJSON: Codable, Sendable, Equatable {
    /// The secret's name.
    public var name: String
    /// The environment it is scoped to (empty: every run).
    public var environment: String
    /// ISO 8601 UTC.
    public var updatedAt: String
    /// The repository it belongs to; nil for a server-wide secret.
    public var repository: String?
    /// `server`, `repository` or `environment`: where it sits in the precedence (an environment's
    /// secret wins over a repository's, which wins over the server's).
    public var level: String?

    /// Creates a value.
    public init(name: String, environment: String, updatedAt: String, repository: String? = nil, level: String? = nil) {
        self.name = name
        self.environment = environment
        self.updatedAt = updatedAt
        self.repository = repository
        self.level = level
    }
}

/// Body of `PUT /api/repos/{repo}/secrets/{name}`.
public struct SecretBody: Codable, Sendable, Equatable {
    /// The secret's value.
    public var value: String

    /// Creates a value.
    public init(value: String) {
        self.value = value
    }
}

/// A workflow of a repository.
public struct WorkflowJSON: Codable, Sendable, Equatable {
    /// Its path in the repository.
    public var path: String
    /// Its `name:` (else its path).
    public var name: String
    /// The events it is triggered by.
    public var events: [String]
    /// The inputs of `workflow_dispatch`.
    public var dispatchInputs: [DispatchInputJSON]
    /// Validation errors (it does not run while there are any).
    public var errors: [String]

    /// Creates a value.
    public init(path: String, name: String, events: [String], dispatchInputs: [DispatchInputJSON], errors: [String]) {
        self.path = path
        self.name = name
        self.events = events
        self.dispatchInputs = dispatchInputs
        self.errors = errors
    }
}

/// A `workflow_dispatch` input.
public struct DispatchInputJSON: Codable, Sendable, Equatable {
    /// The input's name.
    public var name: String
    /// `string`, `boolean`, `choice`, `number` or `environment`.
    public var type: String
    /// Whether it must be given.
    public var required: Bool
    /// Its default.
    public var defaultValue: String?
    /// Its description.
    public var description: String?
    /// A choice's options.
    public var options: [String]

    /// Creates a value.
    public init(name: String, type: String, required: Bool, defaultValue: String? = nil, description: String? = nil, options: [String]) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.description = description
        self.options = options
    }
}

/// Body of `POST /api/repos/{repo}/dispatches`.
public struct DispatchBody: Codable, Sendable, Equatable {
    /// The workflow's path or file name.
    public var workflow: String
    /// The branch or tag (the default branch when absent).
    public var ref: String?
    /// The inputs.
    public var inputs: [String: String]?

    /// Creates a value.
    public init(workflow: String, ref: String? = nil, inputs: [String: String]? = nil) {
        self.workflow = workflow
        self.ref = ref
        self.inputs = inputs
    }
}
