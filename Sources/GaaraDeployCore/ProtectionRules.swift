/// Who may approve a deployment to a protected environment.
public enum Reviewer: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The token with this name.
    case token(String)
    /// Any token with this role or a higher one.
    case role(Role)

    /// Reads `NAME` or `role:ROLE` (as `gaara env set --reviewer` takes it).
    public init(parsing text: String) throws(ProtectionRules.Invalid) {
        if text.hasPrefix("role:") {
            let name = String(text.dropFirst(5))
            guard let role = Role(rawValue: name), role >= .approver else {
                throw ProtectionRules.Invalid("reviewer '\(text)': the role must be approver or admin (a viewer or developer cannot approve)")
            }
            self = .role(role)
        } else {
            guard !text.isEmpty, text.count <= 100, !text.contains(where: { $0.isNewline }) else {
                throw ProtectionRules.Invalid("reviewer '\(text)': a token name of 1 to 100 characters on one line")
            }
            self = .token(text)
        }
    }

    /// `NAME` or `role:ROLE`.
    public var description: String {
        switch self {
        case .token(let name): name
        case .role(let role): "role:" + role.rawValue
        }
    }

    /// Decodes from ``description``'s form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes as ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An environment's protection rules. They live on the server, never in the repository, so a
/// change pushed to a branch cannot weaken them.
public struct ProtectionRules: Sendable, Equatable, Codable {
    /// Required reviewers; one approval from any of them suffices. Empty: no review.
    public var reviewers: [Reviewer]
    /// Whether the run's actor is refused as a reviewer of their own run.
    public var preventSelfReview: Bool
    /// Minutes a job waits after it is triggered before it may run (0: none; at most 43,200 = 30 days).
    public var waitTimer: Int
    /// Branches that may deploy (`fnmatch`, see ``RefPattern``).
    public var branches: [RefPattern]
    /// Tags that may deploy.
    public var tags: [RefPattern]

    /// The longest wait timer GitHub allows, in minutes (30 days).
    public static let maximumWaitTimer = 43_200

    /// An invalid rule.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for a person.
        public let message: String
        /// Creates an error.
        public init(_ message: String) { self.message = message }
        /// The message.
        public var description: String { message }
    }

    /// Rules that protect nothing.
    public init() {
        reviewers = []
        preventSelfReview = false
        waitTimer = 0
        branches = []
        tags = []
    }

    /// Checked rules.
    public init(
        reviewers: [Reviewer], preventSelfReview: Bool = false, waitTimer: Int = 0, branches: [RefPattern] = [], tags: [RefPattern] = []
    ) throws(Invalid) {
        guard waitTimer == 0 || (1...Self.maximumWaitTimer).contains(waitTimer) else {
            throw Invalid("the wait timer is 1 to \(Self.maximumWaitTimer) minutes (30 days), or 0 for none; got \(waitTimer)")
        }
        guard reviewers.count <= 6 else { throw Invalid("at most 6 required reviewers, as on GitHub; got \(reviewers.count)") }
        guard !preventSelfReview || !reviewers.isEmpty else {
            throw Invalid("--prevent-self-review needs at least one reviewer")
        }
        self.reviewers = Array(Set(reviewers)).sorted { $0.description < $1.description }
        self.preventSelfReview = preventSelfReview
        self.waitTimer = waitTimer
        self.branches = branches
        self.tags = tags
    }

    /// Whether any rule applies (an environment with none is created on first use and protects nothing).
    public var protectsAnything: Bool { !reviewers.isEmpty || waitTimer > 0 || !branches.isEmpty || !tags.isEmpty }
}
