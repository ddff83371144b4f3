import Foundation

/// A job's request to deploy to an environment.
public struct DeploymentRequest: Sendable, Equatable {
    /// `refs/heads/main`, `refs/tags/v1.2.0`, `refs/pull/7/merge`.
    public var ref: String
    /// Who triggered the run.
    public var actor: String
    /// When the job asked (the wait timer and the approval timeout count from here).
    public var requestedAt: Date

    /// Creates a request.
    public init(ref: String, actor: String, requestedAt: Date) {
        self.ref = ref
        self.actor = actor
        self.requestedAt = requestedAt
    }
}

/// A reviewer's decision on a waiting deployment.
public struct Review: Sendable, Equatable, Codable {
    /// The token name of the reviewer.
    public var reviewer: String
    /// The reviewer's role when they decided.
    public var role: Role
    /// Approved or rejected.
    public var approved: Bool
    /// What they wrote.
    public var comment: String
    /// When.
    public var at: Date

    /// Creates a review.
    public init(reviewer: String, role: Role, approved: Bool, comment: String, at: Date) {
        self.reviewer = reviewer
        self.role = role
        self.approved = approved
        self.comment = comment
        self.at = at
    }
}

/// Where a deployment stands against its environment's rules.
public enum ProtectionDecision: Sendable, Equatable {
    /// The job may run now.
    case proceed
    /// The ref may not deploy here; the job fails at once with this message.
    case refused(String)
    /// Waiting for one of these reviewers; the approval times out at the date.
    case awaitingReview(reviewers: [Reviewer], timesOutAt: Date)
    /// Approved (or no review needed) but the wait timer runs until the date.
    case waitTimer(until: Date)
    /// A reviewer rejected it.
    case rejected(Review)
    /// Nobody decided in time.
    case timedOut(Date)

    /// Whether the job is still waiting (the caller should look again at ``nextCheck``).
    public var isWaiting: Bool {
        switch self {
        case .awaitingReview, .waitTimer: true
        default: false
        }
    }

    /// When the decision changes by time alone (a timer ends, the approval times out).
    public var nextCheck: Date? {
        switch self {
        case .awaitingReview(_, let timesOutAt): timesOutAt
        case .waitTimer(let until): until
        default: nil
        }
    }
}

/// Whether a token may review a deployment.
public enum ReviewEligibility: Sendable, Equatable {
    /// It may.
    case allowed
    /// The environment needs no review.
    case noReviewRequired
    /// The token is not among the required reviewers (the message names who is).
    case notAReviewer(String)
    /// The run's actor may not approve their own run.
    case selfReview(String)
}

/// GitHub's environment protection as pure functions over the rules, the request, the reviews
/// and the time. The server and `gaara run` ask these; neither decides on its own.
public enum EnvironmentProtection {
    /// How long a deployment may wait for review before it fails, as on GitHub (30 days).
    public static let defaultApprovalTimeout: TimeInterval = 30 * 24 * 3600

    /// Why `ref` may not deploy under `rules`, or nil when it may. With no branch and no tag
    /// pattern every ref may; otherwise a branch must match a branch pattern and a tag a tag
    /// pattern, and any other ref (a pull request's merge ref) may not.
    public static func refRefusal(_ rules: ProtectionRules, environment: String, ref: String) -> String? {
        guard !rules.branches.isEmpty || !rules.tags.isEmpty else { return nil }
        let allowed =
            (rules.branches.isEmpty ? "" : "branches " + rules.branches.map { "'\($0)'" }.joined(separator: ", "))
            + (rules.branches.isEmpty || rules.tags.isEmpty ? "" : "; ")
            + (rules.tags.isEmpty ? "" : "tags " + rules.tags.map { "'\($0)'" }.joined(separator: ", "))
        if ref.hasPrefix("refs/heads/") {
            let branch = String(ref.dropFirst(11))
            if rules.branches.contains(where: { $0.matches(branch) }) { return nil }
            return "branch '\(branch)' may not deploy to environment '\(environment)': its deployment policy allows \(allowed)"
        }
        if ref.hasPrefix("refs/tags/") {
            let tag = String(ref.dropFirst(10))
            if rules.tags.contains(where: { $0.matches(tag) }) { return nil }
            return "tag '\(tag)' may not deploy to environment '\(environment)': its deployment policy allows \(allowed)"
        }
        return "'\(ref)' may not deploy to environment '\(environment)': its deployment policy allows only \(allowed)"
    }

    /// Where the request stands at `now`. The branch policy is checked first; then a rejection
    /// ends it, an approval (from anyone ``eligibility`` allowed when it was given) satisfies the
    /// review, the approval times out `approvalTimeout` after the request, and the wait timer
    /// must also have run out (it runs from the request, alongside the review, as on GitHub).
    public static func decide(
        _ rules: ProtectionRules, environment: String, request: DeploymentRequest, reviews: [Review], now: Date,
        approvalTimeout: TimeInterval = defaultApprovalTimeout
    ) -> ProtectionDecision {
        if let refusal = refRefusal(rules, environment: environment, ref: request.ref) { return .refused(refusal) }
        if !rules.reviewers.isEmpty {
            if let rejection = reviews.first(where: { !$0.approved }) { return .rejected(rejection) }
            if !reviews.contains(where: { $0.approved }) {
                let deadline = request.requestedAt.addingTimeInterval(approvalTimeout)
                if now >= deadline { return .timedOut(deadline) }
                return .awaitingReview(reviewers: rules.reviewers, timesOutAt: deadline)
            }
        }
        let timerEnds = request.requestedAt.addingTimeInterval(Double(rules.waitTimer) * 60)
        if now < timerEnds { return .waitTimer(until: timerEnds) }
        return .proceed
    }

    /// Whether the token `name` with `role` may approve (or reject) a deployment of `actor`'s run.
    /// Self-review prevention stops approvals only: the actor may still reject their own run.
    public static func eligibility(
        _ rules: ProtectionRules, environment: String, reviewer name: String, role: Role, actor: String, approving: Bool
    ) -> ReviewEligibility {
        guard !rules.reviewers.isEmpty else { return .noReviewRequired }
        let listed = rules.reviewers.contains { reviewer in
            switch reviewer {
            case .token(let token): token == name
            case .role(let minimum): role >= minimum
            }
        }
        guard listed else {
            let names = rules.reviewers.map(\.description).joined(separator: ", ")
            return .notAReviewer("'\(name)' is not a required reviewer of environment '\(environment)' (reviewers: \(names))")
        }
        if approving, rules.preventSelfReview, name == actor {
            return .selfReview("environment '\(environment)' prevents self-review: '\(name)' triggered this run and cannot approve it")
        }
        return .allowed
    }
}
