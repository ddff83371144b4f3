import Foundation
import GaaraAPI
import GaaraDeployCore
import GaaraStore
import HTTPTypes
import Hummingbird

extension CIServer {
    /// Environments and their protection rules, deployments, approvals, variables, server-wide
    /// secrets and the audit trail.
    func registerEnvironmentAPI(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        let limit = 64 * 1024

        // MARK: Environments
        route(
            router, registry, .get, "/api/repos/{repo}/environments", .role(.viewer), "Environments with rules and latest deployment",
            response: "[Environment]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            var names = Set(try await store.environments(repositoryID: repository.id!).map(\.name))
            for deployment in try await store.deployments(repositoryID: repository.id!, limit: 1000) { names.insert(deployment.environment) }
            var answer: [EnvironmentJSON] = []
            for name in names.sorted() { answer.append(try await environmentJSON(repository, name)) }
            return try Reply.json(answer)
        }
        route(router, registry, .get, "/api/repos/{repo}/environments/{env}", .role(.viewer), "An environment", response: "Environment") {
            [self] _, context, _ in
            let repository = try await repository(context)
            return try Reply.json(try await environmentJSON(repository, try environmentName(context)))
        }
        route(
            router, registry, .put, "/api/repos/{repo}/environments/{env}", .role(.admin),
            "Create an environment or replace its protection rules", body: "EnvironmentRules", response: "Environment"
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let name = try environmentName(context)
            let body = try await Reply.decode(EnvironmentRulesBody.self, from: request, limit: limit)
            let rules: ProtectionRules
            do {
                rules = try ProtectionRules(
                    reviewers: (body.reviewers ?? []).map { try Reviewer(parsing: $0) }, preventSelfReview: body.preventSelfReview ?? false,
                    waitTimer: body.waitTimer ?? 0, branches: try (body.branches ?? []).map(Self.pattern),
                    tags: try (body.tags ?? []).map(Self.pattern))
            } catch let error as ProtectionRules.Invalid {
                throw HTTPError(.badRequest, message: error.message)
            }
            let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
            _ = try await store.setEnvironment(repositoryID: repository.id!, name: name, rulesJSON: json)
            try await audit(caller, "environment.set", repository.name, "environment \(name)", comment: Self.describe(rules))
            return try Reply.json(try await environmentJSON(repository, name))
        }
        route(
            router, registry, .delete, "/api/repos/{repo}/environments/{env}", .role(.admin), "Remove an environment's rules (deployments stay)",
            response: "empty", status: 204
        ) { [self] _, context, caller in
            let repository = try await repository(context)
            let name = try environmentName(context)
            guard try await store.deleteEnvironment(repositoryID: repository.id!, name: name) else {
                throw HTTPError(.notFound, message: "repository '\(repository.name)' has no rules for environment '\(name)'")
            }
            try await audit(caller, "environment.delete", repository.name, "environment \(name)")
            return Response(status: .noContent)
        }

        // MARK: Deployments
        route(
            router, registry, .get, "/api/repos/{repo}/deployments", .role(.viewer), "Deployments, newest first",
            query: ["environment", "per_page"], response: "[Deployment]"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            let perPage = Int(request.uri.queryParameters.get("per_page") ?? "30") ?? 30
            guard (1...100).contains(perPage) else { throw HTTPError(.badRequest, message: "per_page must be 1 to 100") }
            let records = try await store.deployments(
                repositoryID: repository.id!, environment: request.uri.queryParameters.get("environment"), limit: perPage)
            return try Reply.json(records.map { DeploymentJSON($0, repository: repository.name) })
        }
        route(
            router, registry, .get, "/api/repos/{repo}/deployments/{id}", .role(.viewer), "A deployment with its statuses and reviews",
            response: "Deployment"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            return try Reply.json(try await deploymentDetail(repository, try Reply.integer(context, "id")))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/deployments/{id}/statuses", .role(.viewer), "A deployment's status history",
            response: "[DeploymentStatus]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            return try Reply.json(try await deploymentDetail(repository, try Reply.integer(context, "id")).statuses ?? [])
        }

        // MARK: Approvals
        route(
            router, registry, .get, "/api/approvals", .role(.viewer), "Deployments waiting for review, oldest first", query: ["repository"],
            response: "[PendingDeployment]"
        ) { [self] request, _, caller in
            var repositoryID: Int64?
            if let name = request.uri.queryParameters.get("repository") {
                guard let repository = try await store.repository(named: name) else { throw HTTPError(.notFound, message: "no repository '\(name)'") }
                repositoryID = repository.id
            }
            return try Reply.json(try await pending(try await store.waitingDeployments(repositoryID: repositoryID), caller: caller))
        }
        route(
            router, registry, .get, "/api/runs/{id}/pending_deployments", .role(.viewer), "A run's deployments waiting for review",
            response: "[PendingDeployment]"
        ) { [self] _, context, caller in
            let runID = try Reply.integer(context, "id")
            guard try await store.run(id: runID) != nil else { throw HTTPError(.notFound, message: "no run \(runID)") }
            let waiting = try await store.deployments(runID: runID).filter { $0.state == "waiting" }
            return try Reply.json(try await pending(waiting, caller: caller))
        }
        route(
            router, registry, .post, "/api/runs/{id}/pending_deployments", .role(.approver),
            "Approve or reject a run's deployments waiting for review", body: "Review", response: "[Deployment]"
        ) { [self] request, context, caller in
            let runID = try Reply.integer(context, "id")
            let body = try await Reply.decode(ReviewBody.self, from: request, limit: limit)
            let decided = try await review(runID, body: body, caller: caller)
            return try Reply.json(decided)
        }

        // MARK: Audit
        route(
            router, registry, .get, "/api/audit", .role(.admin), "The audit trail, newest first", query: ["repository", "per_page"],
            response: "[Audit]"
        ) { [self] request, _, _ in
            let perPage = Int(request.uri.queryParameters.get("per_page") ?? "100") ?? 100
            guard (1...1000).contains(perPage) else { throw HTTPError(.badRequest, message: "per_page must be 1 to 1000") }
            let records = try await store.audit(repository: request.uri.queryParameters.get("repository"), limit: perPage)
            return try Reply.json(records.map(AuditJSON.init))
        }

        registerVariableAPI(router, registry)
    }

    /// Records who did what.
    func audit(_ caller: Caller, _ action: String, _ repository: String, _ target: String, comment: String = "") async throws {
        try await store.addAudit(
            AuditRecord(
                actor: caller.name, role: caller.role?.rawValue ?? "", action: action, repository: repository, target: target, comment: comment))
    }

    /// Applies a review to the deployments of `runID` waiting for `body.environments`: every
    /// environment is checked first (one refusal changes nothing), then each review is recorded,
    /// audited, and its waiting job woken.
    func review(_ runID: Int64, body: ReviewBody, caller: Caller) async throws -> [DeploymentJSON] {
        guard let run = try await store.run(id: runID), let repository = try await store.repository(id: run.repositoryID) else {
            throw HTTPError(.notFound, message: "no run \(runID)")
        }
        guard body.state == "approved" || body.state == "rejected" else {
            throw HTTPError(.badRequest, message: "state must be approved or rejected; not '\(body.state)'")
        }
        guard !body.environments.isEmpty else { throw HTTPError(.badRequest, message: "name at least one environment") }
        let comment = body.comment ?? ""
        guard comment.count <= 2000 else { throw HTTPError(.badRequest, message: "the comment is longer than 2000 characters") }
        let approving = body.state == "approved"
        let waiting = try await store.deployments(runID: runID).filter { $0.state == "waiting" }
        var chosen: [DeploymentRecord] = []
        for name in Set(body.environments).sorted() {
            let matching = waiting.filter { $0.environment == name }
            guard !matching.isEmpty else {
                throw HTTPError(.conflict, message: "no job of run \(runID) is waiting for environment '\(name)'")
            }
            let rules = try await desk.rules(repositoryID: repository.id!, environment: name)
            switch EnvironmentProtection.eligibility(
                rules, environment: name, reviewer: caller.name, role: caller.role ?? .viewer, actor: run.actor, approving: approving)
            {
            case .allowed: chosen += matching
            case .noReviewRequired:
                throw HTTPError(.conflict, message: "environment '\(name)' needs no review: its job waits for the wait timer only")
            case .notAReviewer(let message), .selfReview(let message): throw HTTPError(.forbidden, message: message)
            }
        }
        for deployment in chosen {
            try await store.addReview(
                DeploymentReviewRecord(
                    deploymentID: deployment.id!, reviewer: caller.name, role: caller.role?.rawValue ?? "", approved: approving, comment: comment))
            try await audit(
                caller, approving ? "deployment.approve" : "deployment.reject", repository.name,
                "run \(run.number) (id \(runID)) job \(deployment.jobName) to \(deployment.environment)", comment: comment)
            await desk.wake(deployment.id!)
        }
        var answer: [DeploymentJSON] = []
        for deployment in chosen { answer.append(try await deploymentDetail(repository, deployment.id!)) }
        return answer
    }

    func pending(_ deployments: [DeploymentRecord], caller: Caller) async throws -> [PendingDeploymentJSON] {
        var answer: [PendingDeploymentJSON] = []
        for deployment in deployments {
            guard let repository = try await store.repository(id: deployment.repositoryID) else { continue }
            let rules = try await desk.rules(repositoryID: repository.id!, environment: deployment.environment)
            let allowed =
                caller.role.map { $0 >= .approver } == true
                && EnvironmentProtection.eligibility(
                    rules, environment: deployment.environment, reviewer: caller.name, role: caller.role ?? .viewer, actor: deployment.creator,
                    approving: true) == .allowed
            answer.append(
                PendingDeploymentJSON(
                    deployment: try await deploymentDetail(repository, deployment.id!), reviewers: rules.reviewers.map(\.description),
                    preventSelfReview: rules.preventSelfReview,
                    timesOutAt: rules.reviewers.isEmpty ? nil : APICoding.time(deployment.createdAt + configuration.approvalTimeout),
                    currentUserCanApprove: allowed))
        }
        return answer
    }

    func deploymentDetail(_ repository: RepositoryRecord, _ id: Int64) async throws -> DeploymentJSON {
        guard let record = try await store.deployment(id: id), record.repositoryID == repository.id else {
            throw HTTPError(.notFound, message: "repository '\(repository.name)' has no deployment \(id)")
        }
        var json = DeploymentJSON(record, repository: repository.name)
        json.statuses = try await store.deploymentStatuses(id).map(DeploymentStatusJSON.init)
        json.reviews = try await store.reviews(id).map(ReviewJSON.init)
        return json
    }

    func environmentJSON(_ repository: RepositoryRecord, _ name: String) async throws -> EnvironmentJSON {
        let record = try await store.environment(repositoryID: repository.id!, name: name)
        let latest = try await store.deployments(repositoryID: repository.id!, environment: name, limit: 1).first
        guard record != nil || latest != nil else {
            throw HTTPError(.notFound, message: "repository '\(repository.name)' has no environment '\(name)'")
        }
        let rules = try await desk.rules(repositoryID: repository.id!, environment: name)
        return EnvironmentJSON(
            name: name, rules: EnvironmentRulesBody(rules), latestDeployment: latest.map { DeploymentJSON($0, repository: repository.name) },
            updatedAt: record.flatMap { APICoding.time($0.updatedAt) })
    }

    func environmentName(_ context: BasicRequestContext) throws -> String {
        let name = Reply.parameter(context, "env")
        guard Self.isEnvironmentName(name) else {
            throw HTTPError(.badRequest, message: "environment names are 1 to 255 characters, without control characters, '/' or leading spaces")
        }
        return name
    }

    /// GitHub allows nearly any environment name; Gaara refuses what cannot be shown or routed.
    static func isEnvironmentName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255 && !name.contains("/") && name.trimmingCharacters(in: .whitespaces) == name
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func pattern(_ text: String) throws -> RefPattern {
        do {
            return try RefPattern(text)
        } catch {
            throw HTTPError(.badRequest, message: "invalid branch or tag pattern \(error.description)")
        }
    }

    /// The rules in one line, for the audit trail.
    static func describe(_ rules: ProtectionRules) -> String {
        var parts: [String] = []
        if !rules.reviewers.isEmpty { parts.append("reviewers " + rules.reviewers.map(\.description).joined(separator: ", ")) }
        if rules.preventSelfReview { parts.append("self-review prevented") }
        if rules.waitTimer > 0 { parts.append("wait timer \(rules.waitTimer) min") }
        if !rules.branches.isEmpty { parts.append("branches " + rules.branches.map(\.source).joined(separator: ", ")) }
        if !rules.tags.isEmpty { parts.append("tags " + rules.tags.map(\.source).joined(separator: ", ")) }
        return parts.isEmpty ? "no protection" : parts.joined(separator: "; ")
    }
}

extension EnvironmentRulesBody {
    /// The API's shape of protection rules.
    init(_ rules: ProtectionRules) {
        self.init(
            reviewers: rules.reviewers.map(\.description), preventSelfReview: rules.preventSelfReview, waitTimer: rules.waitTimer,
            branches: rules.branches.map(\.source), tags: rules.tags.map(\.source))
    }
}

extension DeploymentJSON {
    /// The API's shape of a deployment (without history).
    init(_ record: DeploymentRecord, repository: String) {
        self.init(
            id: record.id ?? 0, repository: repository, environment: record.environment, ref: record.ref, sha: record.sha, runId: record.runID,
            job: record.jobName, creator: record.creator, environmentUrl: record.url, state: record.state,
            createdAt: APICoding.time(record.createdAt) ?? "", updatedAt: APICoding.time(record.updatedAt) ?? "")
    }
}

extension DeploymentStatusJSON {
    init(_ record: DeploymentStatusRecord) {
        self.init(state: record.state, description: record.description, creator: record.creator, createdAt: APICoding.time(record.createdAt) ?? "")
    }
}

extension ReviewJSON {
    init(_ record: DeploymentReviewRecord) {
        self.init(
            reviewer: record.reviewer, role: record.role, state: record.approved ? "approved" : "rejected", comment: record.comment,
            createdAt: APICoding.time(record.createdAt) ?? "")
    }
}

extension AuditJSON {
    init(_ record: AuditRecord) {
        self.init(
            createdAt: APICoding.time(record.createdAt) ?? "", actor: record.actor, role: record.role, action: record.action,
            repository: record.repository, target: record.target, comment: record.comment)
    }
}
