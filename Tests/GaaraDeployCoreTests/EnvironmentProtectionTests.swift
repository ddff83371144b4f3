import Foundation
import GaaraDeployCore
import Testing

/// The protection decision (issue #15): branch policy, required reviewers, self-review, wait
/// timer and approval timeout, as pure functions of rules, request, reviews and time.
struct EnvironmentProtectionTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let request = DeploymentRequest(ref: "refs/heads/main", actor: "alice", requestedAt: start)

    static func rules(
        _ reviewers: [String] = [], selfReview: Bool = false, wait: Int = 0, branches: [String] = [], tags: [String] = []
    ) throws -> ProtectionRules {
        try ProtectionRules(
            reviewers: reviewers.map { try Reviewer(parsing: $0) }, preventSelfReview: selfReview, waitTimer: wait,
            branches: branches.map { try RefPattern($0) }, tags: tags.map { try RefPattern($0) })
    }

    static func review(_ approved: Bool, by name: String = "bob", after seconds: Double = 60) -> Review {
        Review(reviewer: name, role: .approver, approved: approved, comment: approved ? "ok" : "not today", at: start.addingTimeInterval(seconds))
    }

    @Test func noRulesProceedAtOnce() {
        #expect(
            EnvironmentProtection.decide(ProtectionRules(), environment: "staging", request: Self.request, reviews: [], now: Self.start) == .proceed)
    }

    @Test func reviewersMakeTheJobWaitUntilOneApproves() throws {
        let rules = try Self.rules(["bob", "role:admin"])
        let waiting = EnvironmentProtection.decide(rules, environment: "production", request: Self.request, reviews: [], now: Self.start)
        #expect(waiting == .awaitingReview(reviewers: [.token("bob"), .role(.admin)], timesOutAt: Self.start.addingTimeInterval(30 * 86400)))
        #expect(waiting.isWaiting)
        let approved = EnvironmentProtection.decide(
            rules, environment: "production", request: Self.request, reviews: [Self.review(true)], now: Self.start.addingTimeInterval(61))
        #expect(approved == .proceed)
    }

    @Test func aRejectionEndsItEvenAfterAnApproval() throws {
        let rules = try Self.rules(["bob", "carol"])
        let decision = EnvironmentProtection.decide(
            rules, environment: "production", request: Self.request, reviews: [Self.review(true), Self.review(false, by: "carol")],
            now: Self.start.addingTimeInterval(120))
        #expect(decision == .rejected(Self.review(false, by: "carol")))
    }

    @Test func anUnreviewedDeploymentTimesOut() throws {
        let rules = try Self.rules(["bob"])
        let deadline = Self.start.addingTimeInterval(3600)
        #expect(
            EnvironmentProtection.decide(
                rules, environment: "production", request: Self.request, reviews: [], now: deadline.addingTimeInterval(-1), approvalTimeout: 3600
            )
            .isWaiting)
        #expect(
            EnvironmentProtection.decide(rules, environment: "production", request: Self.request, reviews: [], now: deadline, approvalTimeout: 3600)
                == .timedOut(deadline))
    }

    @Test func theWaitTimerRunsFromTheRequestAlongsideTheReview() throws {
        let rules = try Self.rules(["bob"], wait: 10)
        let ends = Self.start.addingTimeInterval(600)
        // Approved after a minute: still waits for the timer.
        #expect(
            EnvironmentProtection.decide(
                rules, environment: "p", request: Self.request, reviews: [Self.review(true)], now: Self.start.addingTimeInterval(61))
                == .waitTimer(until: ends))
        #expect(EnvironmentProtection.decide(rules, environment: "p", request: Self.request, reviews: [Self.review(true)], now: ends) == .proceed)
        // Not approved when the timer ends: still waits for review.
        #expect(
            EnvironmentProtection.decide(rules, environment: "p", request: Self.request, reviews: [], now: ends.addingTimeInterval(1)).nextCheck
                == Self.start.addingTimeInterval(30 * 86400))
        let timerOnly = try Self.rules(wait: 1)
        #expect(
            EnvironmentProtection.decide(timerOnly, environment: "p", request: Self.request, reviews: [], now: Self.start).nextCheck
                == Self.start.addingTimeInterval(60))
    }

    @Test(arguments: [
        ("refs/heads/main", true), ("refs/heads/release/1.0", true), ("refs/heads/release/1.0/x", false), ("refs/heads/feature", false),
        ("refs/tags/v1.2.0", true), ("refs/tags/nightly", false), ("refs/pull/7/merge", false),
    ])
    func branchAndTagPolicies(_ ref: String, _ allowed: Bool) throws {
        let rules = try Self.rules(branches: ["main", "release/*"], tags: ["v*"])
        let refusal = EnvironmentProtection.refRefusal(rules, environment: "production", ref: ref)
        #expect((refusal == nil) == allowed, "\(ref): \(refusal ?? "allowed")")
        if let refusal { #expect(refusal.contains("'main', 'release/*'") && refusal.contains("'v*'"), "the message names the rule: \(refusal)") }
        let request = DeploymentRequest(ref: ref, actor: "alice", requestedAt: Self.start)
        #expect(
            (EnvironmentProtection.decide(rules, environment: "production", request: request, reviews: [], now: Self.start) == .proceed) == allowed)
    }

    @Test func onlyBranchPatternsRefuseEveryTag() throws {
        let rules = try Self.rules(branches: ["main"])
        #expect(EnvironmentProtection.refRefusal(rules, environment: "p", ref: "refs/tags/v1") != nil)
    }

    @Test func reviewersByNameAndByRole() throws {
        let rules = try Self.rules(["bob", "role:admin"], selfReview: true)
        func check(_ name: String, _ role: Role, approving: Bool = true) -> ReviewEligibility {
            EnvironmentProtection.eligibility(rules, environment: "production", reviewer: name, role: role, actor: "alice", approving: approving)
        }
        #expect(check("bob", .approver) == .allowed)
        #expect(check("root", .admin) == .allowed)
        guard case .notAReviewer(let message) = check("carol", .approver) else {
            Issue.record("carol is no reviewer")
            return
        }
        #expect(message.contains("bob, role:admin"))
        guard case .selfReview = check("alice", .admin) else {
            Issue.record("alice triggered the run")
            return
        }
        #expect(check("alice", .admin, approving: false) == .allowed, "the actor may still reject their own run")
        #expect(
            EnvironmentProtection.eligibility(ProtectionRules(), environment: "s", reviewer: "bob", role: .admin, actor: "a", approving: true)
                == .noReviewRequired)
    }

    @Test func invalidRulesSayWhy() {
        #expect(throws: ProtectionRules.Invalid.self) { try Self.rules(wait: 43_201) }
        #expect(throws: ProtectionRules.Invalid.self) { try Self.rules(wait: -1) }
        #expect(throws: ProtectionRules.Invalid.self) { try Self.rules(selfReview: true) }
        #expect(throws: ProtectionRules.Invalid.self) { try Reviewer(parsing: "role:developer") }
        #expect(throws: ProtectionRules.Invalid.self) { try Reviewer(parsing: "") }
        #expect((try? Self.rules(wait: 43_200)) != nil)
    }

    @Test func rulesRoundTripThroughJSON() throws {
        let rules = try Self.rules(["bob", "role:approver"], selfReview: true, wait: 5, branches: ["main"], tags: ["v*"])
        let data = try JSONEncoder().encode(rules)
        #expect(try JSONDecoder().decode(ProtectionRules.self, from: data) == rules)
        #expect(String(decoding: data, as: UTF8.self).contains("role:approver"))
    }
}
