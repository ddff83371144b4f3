import Foundation
import GaaraAPI
import GaaraDeployCore
import GaaraEngine
import GaaraEvents
import GaaraRunner
import GaaraStore
import Logging

/// Where the server decides deployments: it records a deployment for each job that names an
/// environment, asks ``EnvironmentProtection`` (a pure function of the environment's rules, the
/// run's actor and ref, the reviews and the time) where it stands, holds the job while it waits
/// for a review or a wait timer, and releases the environment's secrets and variables only when
/// the decision is ``ProtectionDecision/proceed``. Reviews arrive through the API
/// (``review(_:environments:approve:comment:caller:)``), which wakes the waiting job.
final class EnvironmentDesk: Sendable {
    let store: Store
    let secrets: SecretBox
    let clock: any DeskClock
    let approvalTimeout: TimeInterval
    /// Where each change of a deployment's state is published (`deploymentStatus`).
    let events: any EventSink
    let logger: Logger
    private let waker = Waker()

    init(store: Store, secrets: SecretBox, clock: any DeskClock, approvalTimeout: TimeInterval, events: any EventSink, logger: Logger) {
        self.store = store
        self.secrets = secrets
        self.events = events
        self.clock = clock
        self.approvalTimeout = approvalTimeout
        self.logger = logger
    }

    /// The gate of one run, for its ``RunConfiguration``.
    func gate(run: RunRecord, repository: RepositoryRecord) -> any EnvironmentGate {
        RunEnvironmentGate(desk: self, run: run, repository: repository)
    }

    /// The rules of `environment` in `repositoryID` (none when it was never configured).
    func rules(repositoryID: Int64, environment: String) async throws -> ProtectionRules {
        guard let record = try await store.environment(repositoryID: repositoryID, name: environment) else { return ProtectionRules() }
        return try JSONDecoder().decode(ProtectionRules.self, from: Data(record.rulesJSON.utf8))
    }

    /// Reviews of a deployment as the deploy core sees them.
    func reviews(_ deploymentID: Int64) async throws -> [Review] {
        try await store.reviews(deploymentID).map {
            Review(
                reviewer: $0.reviewer, role: Role(rawValue: $0.role) ?? .viewer, approved: $0.approved, comment: $0.comment,
                at: Date(timeIntervalSince1970: $0.createdAt))
        }
    }

    /// Admits one job: see ``EnvironmentGate/admit(_:waiting:)``.
    func admit(
        _ request: EnvironmentRequest, run: RunRecord, repository: RepositoryRecord, waiting: @escaping @Sendable (String) -> Void
    ) async -> EnvironmentAdmission {
        let name = request.environment
        var deploymentID: Int64?
        do {
            let rules = try await rules(repositoryID: repository.id!, environment: name)
            let deployment = try await store.addDeployment(
                DeploymentRecord(
                    repositoryID: repository.id!, environment: name, ref: run.ref, sha: run.sha, runID: run.id!, jobKey: request.job.id,
                    jobName: request.job.name, creator: run.actor),
                description: "job '\(request.job.name)' asks to deploy")
            deploymentID = deployment.id!
            let id = deployment.id!
            await publish(deployment, description: "job '\(request.job.name)' asks to deploy", actor: "gaara")
            let deploymentRequest = DeploymentRequest(ref: run.ref, actor: run.actor, requestedAt: clock.now())
            var announced = ""
            while true {
                let decision = EnvironmentProtection.decide(
                    rules, environment: name, request: deploymentRequest, reviews: try await reviews(id), now: clock.now(),
                    approvalTimeout: approvalTimeout)
                switch decision {
                case .proceed:
                    await waker.forget(id)
                    let approval = try await reviews(id).last { $0.approved }
                    try await set(
                        id, state: "in_progress", description: approval.map { "approved by \($0.reviewer)" } ?? "no review required")
                    return .proceed(try await release(repositoryID: repository.id!, environment: name, deployment: id))
                case .refused(let message):
                    try await set(id, state: "failure", description: message)
                    return .refused(message)
                case .rejected(let review):
                    let message =
                        "deployment to '\(name)' was rejected by \(review.reviewer)" + (review.comment.isEmpty ? "" : ": \(review.comment)")
                    try await set(id, state: "failure", description: message, creator: review.reviewer)
                    return .refused(message)
                case .timedOut:
                    let message = "deployment to '\(name)' was not approved within \(Self.duration(approvalTimeout)); it timed out"
                    try await set(id, state: "failure", description: message)
                    return .refused(message)
                case .awaitingReview, .waitTimer:
                    let reason: String
                    switch decision {
                    case .awaitingReview(let reviewers, _):
                        reason =
                            "waiting for approval to deploy to '\(name)' (reviewers: \(reviewers.map(\.description).joined(separator: ", ")))"
                    case .waitTimer(let until):
                        reason = "waiting for the wait timer of environment '\(name)' (until \(APICoding.time(until.timeIntervalSince1970) ?? ""))"
                    default: reason = ""
                    }
                    if reason != announced {
                        announced = reason
                        try await set(id, state: "waiting", description: reason)
                        waiting(reason)
                    }
                    try await waker.wait(for: id, until: decision.nextCheck, clock: clock)
                }
            }
        } catch is CancellationError {
            if let deploymentID { _ = try? await set(deploymentID, state: "error", description: "the run was cancelled") }
            return .refused("cancelled while waiting for environment '\(name)'")
        } catch {
            logger.error("cannot decide a deployment", metadata: ["run.id": "\(run.id ?? 0)", "environment": "\(name)", "error": "\(error)"])
            if let deploymentID { _ = try? await set(deploymentID, state: "error", description: "\(error)") }
            return .refused("cannot decide the deployment to '\(name)': \(error)")
        }
    }

    /// The environment's secrets and variables: the server-wide ones of the environment, then the
    /// repository's (the run already has the unscoped ones; the runner merges these over them).
    func release(repositoryID: Int64, environment: String, deployment: Int64) async throws -> EnvironmentRelease {
        var release = EnvironmentRelease(deployment: String(deployment))
        let secretRecords = try await store.secrets(repositoryID: repositoryID).filter { $0.environment == environment }
        for record in secretRecords.sorted(by: { ($0.repositoryID == nil ? 0 : 1) < ($1.repositoryID == nil ? 0 : 1) }) {
            release.secrets[record.name] = try secrets.open(record.sealed)
        }
        let variableRecords = try await store.variables(repositoryID: repositoryID).filter { $0.environment == environment }
        for record in variableRecords.sorted(by: { ($0.repositoryID == nil ? 0 : 1) < ($1.repositoryID == nil ? 0 : 1) }) {
            release.variables[record.name] = record.value
        }
        return release
    }

    /// The admitted job ended.
    func finished(deployment: String?, result: JobResult, url: String?) async {
        guard let id = deployment.flatMap(Int64.init) else { return }
        let state = result == .success ? "success" : result == .cancelled ? "error" : "failure"
        do {
            try await set(id, state: state, description: "the job ended: \(result.rawValue)", url: url)
        } catch {
            logger.error("cannot record a deployment's end", metadata: ["deployment.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Stores a deployment's new state and publishes it.
    @discardableResult
    private func set(_ id: Int64, state: String, description: String, creator: String = "gaara", url: String? = nil) async throws -> Bool {
        guard try await store.setDeploymentState(id, state: state, description: description, creator: creator, url: url),
            let deployment = try await store.deployment(id: id)
        else { return false }
        await publish(deployment, description: description, actor: creator)
        return true
    }

    /// Publishes in order: awaited where the state changed, so `queued` comes before `waiting`.
    private func publish(_ deployment: DeploymentRecord, description: String, actor: String) async {
        let repository = (try? await store.repository(id: deployment.repositoryID))?.name ?? ""
        events.publish(
            LifecycleEvent(
                .deploymentStatus(
                    DeploymentChange(
                        deployment: deployment.id ?? 0, repository: repository, environment: deployment.environment, sha: deployment.sha,
                        ref: deployment.ref, runID: deployment.runID, job: deployment.jobName, state: deployment.state, description: description,
                        actor: actor, url: deployment.url))))
    }

    /// Wakes the job waiting on a deployment (a review arrived).
    func wake(_ deploymentID: Int64) async { await waker.wake(deploymentID) }

    static func duration(_ seconds: TimeInterval) -> String {
        if seconds >= 86400, seconds.truncatingRemainder(dividingBy: 86400) == 0 { return "\(Int(seconds / 86400)) days" }
        if seconds >= 60 { return "\(Int(seconds / 60)) minutes" }
        return "\(Int(seconds)) seconds"
    }
}

/// One run's view of the desk, handed to the runner.
struct RunEnvironmentGate: EnvironmentGate {
    let desk: EnvironmentDesk
    let run: RunRecord
    let repository: RepositoryRecord

    func admit(_ request: EnvironmentRequest, waiting: @escaping @Sendable (String) -> Void) async -> EnvironmentAdmission {
        await desk.admit(request, run: run, repository: repository, waiting: waiting)
    }

    func finished(_ request: EnvironmentRequest, deployment: String?, result: JobResult, url: String?) async {
        await desk.finished(deployment: deployment, result: result, url: url)
    }
}

/// Jobs waiting on deployments, woken by a review or by their next check time.
actor Waker {
    private var waiting: [Int64: [CheckedContinuation<Void, Never>]] = [:]
    /// Wakes that came while nobody waited (a review between a decision and the wait): the next
    /// wait returns at once, so no review is missed.
    private var pending: Set<Int64> = []

    /// Returns when ``wake(_:)`` is called for `id`, at `until` (by `clock`), or when the task is
    /// cancelled (then throws `CancellationError`).
    func wait(for id: Int64, until: Date?, clock: any DeskClock) async throws {
        let timer = until.map { date in
            Task {
                try await clock.sleep(until: date)
                self.wake(id)
            }
        }
        defer { timer?.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before waiting: the handler below already ran and found nothing to wake.
                if Task.isCancelled || pending.remove(id) != nil {
                    continuation.resume()
                } else {
                    waiting[id, default: []].append(continuation)
                }
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        try Task.checkCancellation()
    }

    /// Wakes every task waiting on `id`.
    func wake(_ id: Int64) {
        guard let continuations = waiting.removeValue(forKey: id) else {
            pending.insert(id)
            return
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Forgets a wake nobody will wait for (the deployment ended).
    func forget(_ id: Int64) { pending.remove(id) }
}
