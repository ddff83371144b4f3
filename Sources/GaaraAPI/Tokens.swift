/// A token (never its value, except once at creation).
public struct TokenJSON: Codable, Sendable, Equatable {
    /// The token's id.
    public var id: Int64
    /// Its name.
    public var name: String
    /// `admin`, `maintainer`, `developer` or `viewer`.
    public var role: String
    /// ISO 8601 UTC.
    public var createdAt: String?
    /// ISO 8601 UTC.
    public var lastUsedAt: String?
    /// The value, in the answer that created it only.
    public var token: String?

    /// Creates a value.
    public init(id: Int64, name: String, role: String, createdAt: String? = nil, lastUsedAt: String? = nil, token: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.token = token
    }
}

/// Body of `POST /api/tokens`.
public struct CreateTokenBody: Codable, Sendable, Equatable {
    /// The token's name.
    public var name: String
    /// Its role.
    public var role: String

    /// Creates a value.
    public init(name: String, role: String) {
        self.name = name
        self.role = role
    }
}

/// A request delivered to the outside (a commit status, ...) and where it stands.
public struct DeliveryJSON: Codable, Sendable, Equatable {
    /// A unique id.
    public var id: String
    /// What is delivered (`commit-status`).
    public var kind: String
    /// The method and URL.
    public var target: String
    /// A short summary of the payload.
    public var summary: String
    /// `pending`, `delivered` or `failed`.
    public var state: String
    /// Attempts made.
    public var attempts: Int
    /// The last answer's status.
    public var lastStatus: Int?
    /// The last failure.
    public var lastError: String?
    /// ISO 8601 UTC.
    public var createdAt: String
    /// ISO 8601 UTC.
    public var updatedAt: String

    /// Creates a value.
    public init(
        id: String, kind: String, target: String, summary: String, state: String, attempts: Int, lastStatus: Int?, lastError: String?,
        createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.kind = kind
        self.target = target
        self.summary = summary
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
