import Foundation
import GaaraAPI
import GaaraDeploy
import GaaraDeployCore
import GaaraStore
import GaaraWorkflow
import HTTPTypes
import Hummingbird

extension CIServer {
    /// Deploys and rollbacks run by the server (``RolloutDesk``), their progress, and the releases.
    ///
    /// Starting one takes the approver role: the service's command and the smoke tests come from
    /// the repository and run as the server's user, outside the step sandbox, as a deployed service
    /// does. The environment's protection rules apply on top (see ``checkProtection``).
    func registerRolloutAPI(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        let limit = 64 * 1024
        route(
            router, registry, .post, "/api/repos/{repo}/environments/{env}/deploys", .role(.approver),
            "Deploy a new release of the environment's services from a commit's .gaara/deploy.yml (runs in the background)", body: "DeployRequest",
            response: "Rollout", status: 202
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let body = try await Reply.decode(DeployBody.self, from: request, limit: limit)
            return try await startRollout(
                repository, environment: try environmentName(context), kind: "deploy", service: body.service, ref: body.ref, image: body.image,
                to: nil, caller: caller)
        }
        route(
            router, registry, .post, "/api/repos/{repo}/environments/{env}/rollbacks", .role(.approver),
            "Send the environment's traffic back to a kept release (the newest, or `to`)", body: "RollbackRequest", response: "Rollout",
            status: 202
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let body = try await Reply.decode(RollbackBody.self, from: request, limit: limit)
            if let to = body.to, to < 1 { throw HTTPError(.badRequest, message: "'to' is a release number, 1 or more") }
            return try await startRollout(
                repository, environment: try environmentName(context), kind: "rollback", service: body.service, ref: nil, image: nil, to: body.to,
                caller: caller)
        }
        route(
            router, registry, .post, "/api/repos/{repo}/environments/{env}/rollout", .role(.approver),
            "Steer the environment's running rollout: pause, resume, promote, promote-full or abort", body: "RolloutControl",
            response: "Rollout", status: 202
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let body = try await Reply.decode(RolloutControlBody.self, from: request, limit: limit)
            let running = try await steer(
                repository, environment: try environmentName(context), action: body.action, comment: body.comment, caller: caller)
            return try Reply.json(RolloutJSON(running, repository: repository.name, log: "", nextOffset: 0), status: .accepted)
        }
        route(
            router, registry, .get, "/api/repos/{repo}/rollouts", .role(.viewer), "Deploys and rollbacks, newest first",
            query: ["environment", "per_page"], response: "[Rollout]"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            let perPage = Int(request.uri.queryParameters.get("per_page") ?? "30") ?? 0
            guard (1...100).contains(perPage) else { throw HTTPError(.badRequest, message: "per_page must be 1 to 100") }
            let rows = try await store.rollouts(
                repositoryID: repository.id!, environment: request.uri.queryParameters.get("environment"), limit: perPage)
            return try Reply.json(rows.map { RolloutJSON($0, repository: repository.name, log: "", nextOffset: 0) })
        }
        route(
            router, registry, .get, "/api/repos/{repo}/rollouts/{id}", .role(.viewer), "A deploy or rollback with its progress log from `offset`",
            query: ["offset"], response: "Rollout"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            guard let id = Int64(Reply.parameter(context, "id")) else { throw HTTPError(.badRequest, message: "rollout ids are numbers") }
            guard let row = try await store.rollout(repositoryID: repository.id!, id: id) else {
                throw HTTPError(.notFound, message: "repository '\(repository.name)' has no rollout \(id)")
            }
            guard let offset = Int(request.uri.queryParameters.get("offset") ?? "0"), offset >= 0 else {
                throw HTTPError(.badRequest, message: "offset is a byte offset, 0 or more")
            }
            let (log, next) = Self.readLog(rollouts.logFile(repository: repository.name, id: id), from: offset)
            return try Reply.json(RolloutJSON(row, repository: repository.name, log: log, nextOffset: next))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/environments/{env}/releases", .role(.viewer),
            "The environment's releases the server deployed, newest first", response: "[Release]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            let name = try environmentName(context)
            guard RolloutDesk.isFolderName(name) else { return try Reply.json([ReleaseJSON]()) }
            let history = try rollouts.folder(repository.name, name).history()
            return try Reply.json(history.releases.reversed().map(ReleaseJSON.init))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/environments/{env}/incidents", .role(.viewer),
            "The incident reports automatic rollbacks in the environment wrote, newest first", response: "[Incident]"
        ) { [self] _, context, _ in
            try Reply.json(try incidents(try await repository(context), try environmentName(context)))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/environments/{env}/dora", .role(.viewer),
            "DORA's four keys and the deployment success rate, duration and rollbacks over a window (since=90d, 4w, 12h)", query: ["since"],
            response: "DORA"
        ) { [self] request, context, _ in
            let since = request.uri.queryParameters.get("since").map { String($0) } ?? "90d"
            guard let seconds = DeployConfigLoader.window(since) else {
                throw HTTPError(.badRequest, message: "since must be a duration like 90d, 4w or 12h, not '\(since.prefix(40))'")
            }
            return try Reply.json(try await dora(try await repository(context), try environmentName(context), seconds: seconds))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/environments/{env}/releases/{release}/evidence", .role(.viewer),
            "A release's signed rollout evidence (every decision with its data), each signature verified", response: "[Evidence]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            let environment = try environmentName(context)
            let release = Reply.parameter(context, "release")
            let entries = try evidence(repository, environment, release: release)
            guard !entries.isEmpty else {
                throw HTTPError(.notFound, message: "release '\(release.prefix(64))' has no evidence in environment '\(environment)'")
            }
            return try Reply.json(entries)
        }
    }

    /// An environment's incident reports, newest first (none for a name the server keeps no folder for).
    func incidents(_ repository: RepositoryRecord, _ environment: String) throws -> [IncidentJSON] {
        guard RolloutDesk.isFolderName(environment) else { return [] }
        return try rollouts.folder(repository.name, environment).incidents().reversed().map { report in
            IncidentJSON(
                number: report.number, service: report.service, trigger: report.trigger, failedRelease: report.failedRelease.id,
                restoredRelease: report.restoredRelease?.id, detectedAt: APICoding.time(report.detected.timeIntervalSince1970) ?? "",
                timeToDetect: report.timeToDetect, timeToRestore: report.timeToRestore, markdown: report.markdown,
                resolvedBy: report.resolution?.by, resolvedAt: report.resolution.flatMap { APICoding.time($0.time.timeIntervalSince1970) })
        }
    }

    /// The environment's DORA metrics over the last `seconds`, from its releases and incidents and
    /// the repository's commits.
    func dora(_ repository: RepositoryRecord, _ environment: String, seconds: Double) async throws -> DORAJSON {
        var releases: [Release] = []
        var incidents: [IncidentReport] = []
        if RolloutDesk.isFolderName(environment) {
            let folder = rollouts.folder(repository.name, environment)
            releases = try folder.history().releases
            incidents = try folder.incidents()
        }
        let now = Date()
        let metrics = DORAMetrics.compute(
            releases: releases, incidents: incidents,
            commitTimes: await LocalDeployer.commitTimes(of: releases, in: URL(fileURLWithPath: repository.path)),
            from: now.addingTimeInterval(-seconds), to: now)
        return DORAJSON(
            from: APICoding.time(metrics.from.timeIntervalSince1970) ?? "", to: APICoding.time(metrics.to.timeIntervalSince1970) ?? "",
            deployments: metrics.deployments, attempts: metrics.attempts, deploymentsPerDay: metrics.deploymentsPerDay,
            frequency: metrics.frequency, leadTimeSeconds: metrics.leadTime, changes: metrics.changes,
            changeFailureRate: metrics.changeFailureRate, timeToRestoreSeconds: metrics.timeToRestore, incidents: metrics.incidents,
            openIncidents: metrics.openIncidents, successRate: metrics.successRate, durationSeconds: metrics.duration,
            rollbacks: metrics.rollbacks)
    }

    /// A release's signed evidence, each rollout's verified against the server's key.
    func evidence(_ repository: RepositoryRecord, _ environment: String, release: String) throws -> [EvidenceJSON] {
        guard RolloutDesk.isFolderName(environment), RolloutDesk.isFolderName(release) else { return [] }
        let folder = rollouts.folder(repository.name, environment)
        let trusted = EvidenceSigner.publicKey(in: folder.signingKey)
        return try folder.evidence(release).map { entry in
            switch entry.verify(trustedKey: trusted) {
            case .valid(let isTrusted):
                EvidenceJSON(
                    verified: true, trustedKey: isTrusted,
                    verdict:
                        "signature valid (Ed25519, key \(SignedEvidence.fingerprint(entry.publicKey))\(isTrusted ? ", the server's key" : ", NOT the server's key"))",
                    evidence: entry.evidence, signature: entry.signature, publicKey: entry.publicKey)
            case .invalid(let why):
                EvidenceJSON(
                    verified: false, trustedKey: false, verdict: "signature INVALID: \(why)", evidence: entry.evidence, signature: entry.signature,
                    publicKey: entry.publicKey)
            }
        }
    }

    /// Sends `action` to the environment's running rollout (its inbox, read before its next action),
    /// audited; the rollout it went to. The API and the dashboard's buttons both come here.
    func steer(_ repository: RepositoryRecord, environment: String, action: String, comment: String?, caller: Caller) async throws -> RolloutRow {
        guard Self.rolloutActions.contains(action) else {
            throw HTTPError(.badRequest, message: "action must be one of \(Self.rolloutActions.joined(separator: ", ")), not '\(action.prefix(40))'")
        }
        guard RolloutDesk.isFolderName(environment),
            let running = try await store.rollouts(repositoryID: repository.id!, environment: environment, limit: 1).first,
            running.state == "running"
        else {
            throw HTTPError(.conflict, message: "environment '\(environment)' has no rollout in progress")
        }
        let comment = comment.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : String($0.prefix(1000)) }
        try rollouts.folder(repository.name, environment).send(action, by: "\(caller.name) (\(caller.role?.rawValue ?? "none"))", comment: comment)
        try await audit(
            caller, "rollout.\(action)", repository.name, "environment \(environment)",
            comment: "rollout \(running.id!)" + (comment.map { ": \($0)" } ?? ""))
        return running
    }

    /// What `POST …/rollout` takes (the words a running rollout's inbox understands).
    static let rolloutActions = ["pause", "resume", "promote", "promote-full", "abort"]

    /// The desk that runs them.
    var rollouts: RolloutDesk {
        RolloutDesk(
            store: store, git: git, desk: desk, root: configuration.dataDirectory.appendingPathComponent("deploy"),
            executable: configuration.executable, logger: logger)
    }

    /// Checks the request, records the rollout (one per environment at a time) and starts it.
    private func startRollout(
        _ repository: RepositoryRecord, environment: String, kind: String, service: String?, ref: String?, image: String?, to: Int?, caller: Caller
    ) async throws -> Response {
        let desk = rollouts
        let prepared: RolloutDesk.Prepared
        do {
            // A rollback reads the configuration of the commit the environment runs now.
            let commit = kind == "rollback" ? try await liveCommit(repository, environment) : ref
            prepared = try await desk.prepare(repository, environment: environment, ref: commit, service: service)
        } catch let refusal as RolloutDesk.Refusal {
            throw HTTPError(HTTPResponse.Status(code: refusal.status), message: refusal.message)
        }
        try await checkProtection(repository, environment: environment, ref: prepared.ref, caller: caller)
        do throws(RolloutDesk.Refusal) {
            try await desk.export(prepared)
        } catch {
            throw HTTPError(HTTPResponse.Status(code: error.status), message: error.message)
        }
        let row = RolloutRow(
            repositoryID: repository.id!, environment: environment, kind: kind, service: service, ref: prepared.ref, sha: prepared.sha,
            image: image, toRelease: to, actor: caller.name, createdAt: Date().timeIntervalSince1970)
        let (started, running) = try await store.beginRollout(row)
        guard let started else {
            throw HTTPError(
                .conflict,
                message:
                    "environment '\(environment)' has a rollout in progress (\(running!.kind) \(running!.id!) by \(running!.actor)); wait for it or abort it"
            )
        }
        try await audit(
            caller, "rollout.\(kind)", repository.name, "environment \(environment)",
            comment:
                "rollout \(started.id!) at \(prepared.sha.prefix(12))\(service.map { ", service \($0)" } ?? "")\(image.map { ", image \($0)" } ?? "")\(to.map { ", to release \($0)" } ?? "")"
        )
        // Not awaited: the request answers at once and the client follows the progress log. A stop
        // of the server cuts it short; the next start resumes or aborts it (``RolloutDesk/recover(_:)``).
        Task { await desk.run(started, prepared) }
        return try Reply.json(RolloutJSON(started, repository: repository.name, log: "", nextOffset: 0), status: .accepted)
    }

    /// The commit of the environment's live releases (a rollback reads its configuration), or nil
    /// for the default branch when nothing was deployed by the server.
    private func liveCommit(_ repository: RepositoryRecord, _ environment: String) async throws -> String? {
        guard RolloutDesk.isFolderName(environment) else { return nil }
        let history = try rollouts.folder(repository.name, environment).history()
        return history.releases.last(where: { $0.state == .live })?.commit
    }

    /// A deploy through the API is its requester's own: it may go ahead when the ref is allowed
    /// and, if the environment requires a review, the requester is one of its reviewers and
    /// self-review is not prevented (their request is their approval, recorded in the audit
    /// trail). A wait timer, or a review by someone else, needs a run: a workflow job with
    /// `environment:` waits for them.
    func checkProtection(_ repository: RepositoryRecord, environment: String, ref: String, caller: Caller) async throws {
        let rules = try await desk.rules(repositoryID: repository.id!, environment: environment)
        if let refusal = EnvironmentProtection.refRefusal(rules, environment: environment, ref: ref) {
            throw HTTPError(.forbidden, message: refusal)
        }
        let fromAJob = "deploy it from a workflow job with 'environment: \(environment)', whose run waits for it"
        if !rules.reviewers.isEmpty {
            switch EnvironmentProtection.eligibility(
                rules, environment: environment, reviewer: caller.name, role: caller.role ?? .viewer, actor: caller.name, approving: true)
            {
            case .allowed, .noReviewRequired: break
            case .notAReviewer(let message):
                throw HTTPError(.forbidden, message: "environment '\(environment)' requires a review: \(message); \(fromAJob)")
            case .selfReview:
                throw HTTPError(
                    .forbidden,
                    message: "environment '\(environment)' requires a review by someone other than the requester ('\(caller.name)'); \(fromAJob)")
            }
        }
        if rules.waitTimer > 0 {
            throw HTTPError(.forbidden, message: "environment '\(environment)' has a wait timer of \(rules.waitTimer) min; \(fromAJob)")
        }
    }

    /// Up to 1 MiB of a progress log from `offset`, cut at a line's end, and the next offset.
    static func readLog(_ file: URL, from offset: Int) -> (String, Int) {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return ("", offset) }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(offset))) != nil, let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty else {
            return ("", offset)
        }
        guard let end = data.lastIndex(of: 0x0A) else { return ("", offset) }
        let lines = data[data.startIndex...end]
        return (String(decoding: lines, as: UTF8.self), offset + lines.count)
    }
}

extension RolloutJSON {
    /// The API's shape of a rollout, with a part of its log.
    init(_ row: RolloutRow, repository: String, log: String, nextOffset: Int) {
        self.init(
            id: row.id ?? 0, repository: repository, environment: row.environment, kind: row.kind, service: row.service, ref: row.ref, sha: row.sha,
            image: row.image, toRelease: row.toRelease, actor: row.actor, state: row.state, releases: row.releases, error: row.error,
            createdAt: APICoding.time(row.createdAt) ?? "", finishedAt: APICoding.time(row.finishedAt), log: log, nextOffset: nextOffset)
    }
}

extension ReleaseJSON {
    /// The API's shape of a release.
    init(_ release: Release) {
        let formatter = ISO8601DateFormatter()
        self.init(
            id: release.id, number: release.number, service: release.service, state: release.state.rawValue, artifact: release.artifact,
            commit: release.commit, creator: release.creator, createdAt: formatter.string(from: release.created),
            events: release.events.map { "\(formatter.string(from: $0.time))  \($0.text)" })
    }
}
