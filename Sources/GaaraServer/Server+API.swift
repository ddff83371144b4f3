import Crypto
import Foundation
import GaaraAPI
import GaaraDeployCore
import GaaraImageCore
import GaaraProcess
import GaaraStore
import GaaraWorkflow
import HTTPTypes
import Hummingbird

extension CIServer {
    /// The REST API under `/api`.
    func registerAPI(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        let limit = configuration.maxBodyBytes
        router.get("/healthz") { _, _ in Reply.text("ok\n") }

        route(router, registry, .get, "/api/me", .role(.viewer), "The caller's token name and role", response: "Me") { _, _, caller in
            try Reply.json(["name": caller.name, "role": caller.role?.rawValue ?? ""])
        }

        // MARK: Repositories
        route(router, registry, .get, "/api/repos", .role(.viewer), "List repositories", response: "[Repository]") { [self] _, _, _ in
            try Reply.json(try await store.repositories().map(RepositoryJSON.init))
        }
        route(
            router, registry, .post, "/api/repos", .role(.admin), "Add (or adopt) a repository", body: "CreateRepository", response: "Repository",
            status: 201
        ) {
            [self] request, _, _ in
            let body = try await Reply.decode(CreateRepositoryBody.self, from: request, limit: limit)
            return try Reply.json(RepositoryJSON(try await addRepository(body)), status: .created)
        }
        route(router, registry, .get, "/api/repos/{repo}", .role(.viewer), "A repository with its branches", response: "RepositoryDetail") {
            [self] _, context, _ in
            let repository = try await repository(context)
            let branches = await git.branches(URL(fileURLWithPath: repository.path))
            return try Reply.json(RepositoryDetailJSON(repository: RepositoryJSON(repository), branches: branches))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/workflows", .role(.viewer), "The workflows at a ref (default branch)", query: ["ref"],
            response: "[Workflow]"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            return try Reply.json(try await workflows(repository, ref: request.uri.queryParameters.get("ref")))
        }
        route(
            router, registry, .post, "/api/repos/{repo}/dispatches", .role(.developer), "Start a workflow_dispatch run", body: "Dispatch",
            response: "Triggered", status: 201
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let body = try await Reply.decode(DispatchBody.self, from: request, limit: limit)
            let run = try await triggering {
                try await triggers.dispatch(repository, workflow: body.workflow, ref: body.ref, inputs: body.inputs ?? [:], actor: caller.name)
            }
            await startAll([run])
            return try Reply.json(TriggeredJSON(runs: [RunJSON(run, repository: repository.name)]), status: .created)
        }
        route(
            router, registry, .post, "/api/repos/{repo}/pushes", .signature, "Ref updates from the repository's post-receive hook", body: "Push",
            response: "Triggered"
        ) { [self] request, context, _ in
            try await receivePush(request, context)
        }
        route(
            router, registry, .get, "/api/repos/{repo}/commits/{sha}/statuses", .role(.viewer), "Commit statuses (gates and runs) of a commit",
            response: "[Status]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            let given = Reply.parameter(context, "sha")
            let sha = await git.resolve(URL(fileURLWithPath: repository.path), given) ?? given
            return try Reply.json(try await store.statuses(repositoryID: repository.id!, sha: sha).map(StatusJSON.init))
        }
        route(
            router, registry, .get, "/api/repos/{repo}/images", .role(.viewer),
            "Images the repository's runs pushed, newest first (of one registry repository, or one digest)", query: ["name", "digest"],
            response: "[Image]"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            let name = request.uri.queryParameters.get("name").map { String($0) }
            let digest = request.uri.queryParameters.get("digest").map { String($0) }
            if let digest, !ImageReference.isDigest(digest) {
                throw HTTPError(.badRequest, message: "digest must be sha256: followed by 64 lowercase hex digits; not '\(digest)'")
            }
            return try Reply.json(try await store.images(repositoryID: repository.id!, name: name, digest: digest).map { ImageJSON($0) })
        }

        // MARK: Secrets
        route(
            router, registry, .get, "/api/repos/{repo}/secrets", .role(.admin), "Secret names of a repository (never values)",
            response: "[SecretInfo]"
        ) { [self] _, context, _ in
            let repository = try await repository(context)
            let records = try await store.secrets(repositoryID: repository.id!).filter { $0.repositoryID == repository.id }
            return try Reply.json(records.map { SecretJSON($0, repository: repository.name) })
        }
        route(
            router, registry, .put, "/api/repos/{repo}/secrets/{name}", .role(.admin), "Set a secret (encrypted at rest)", query: ["environment"],
            body: "Secret", response: "empty", status: 204
        ) { [self] request, context, caller in
            try await setSecret(request, context, caller, repository: try await repository(context))
            return Response(status: .noContent)
        }
        route(
            router, registry, .delete, "/api/repos/{repo}/secrets/{name}", .role(.admin), "Remove a secret", query: ["environment"],
            response: "empty", status: 204
        ) { [self] request, context, caller in
            try await deleteSecret(request, context, caller, repository: try await repository(context))
            return Response(status: .noContent)
        }

        // MARK: Runs
        route(
            router, registry, .get, "/api/runs", .role(.viewer), "List runs, newest first",
            query: ["repository", "branch", "status", "event", "page", "per_page"], response: "RunPage"
        ) { [self] request, _, _ in
            let filter = try runFilter(request)
            let (runs, total) = try await store.runs(filter)
            return try Reply.json(
                RunPageJSON(
                    runs: runs.map { RunJSON($0.run, repository: $0.repository) }, totalCount: total, page: filter.page, perPage: filter.perPage))
        }
        route(
            router, registry, .get, "/api/runs/{id}", .role(.viewer), "A run with its jobs, steps, annotations, gates and artifacts",
            response: "RunDetail"
        ) { [self] _, context, _ in
            try Reply.json(try await runDetail(try Reply.integer(context, "id")))
        }
        route(
            router, registry, .get, "/api/runs/{id}/logs", .role(.viewer),
            "A run's logs as text, streamed (one job or step with job and step; a step's log answers Range)", query: ["job", "step"],
            response: "text"
        ) { [self] request, context, caller in
            let runID = try Reply.integer(context, "id")
            let job = request.uri.queryParameters.get("job").flatMap { Int64($0) }
            let step = request.uri.queryParameters.get("step").flatMap { Int($0) }
            return try await logDownload(request, runID: runID, job: job, step: step, tokenID: caller.tokenID)
        }
        route(router, registry, .post, "/api/runs/{id}/cancel", .role(.developer), "Cancel a queued or running run", response: "Run", status: 202) {
            [self] _, context, _ in
            let runID = try Reply.integer(context, "id")
            guard let run = try await store.run(id: runID) else { throw HTTPError(.notFound, message: "no run \(runID)") }
            guard run.status != .completed else { throw HTTPError(.conflict, message: "run \(runID) has already finished") }
            if await !queue.cancel(runID) {
                _ = try await store.cancelQueuedRun(runID)
                notifier.notify(runID)
            }
            let repository = try await store.repository(id: run.repositoryID)
            return try Reply.json(RunJSON(try await store.run(id: runID) ?? run, repository: repository?.name ?? ""), status: .accepted)
        }
        route(
            router, registry, .post, "/api/runs/{id}/rerun", .role(.developer), "Re-run a finished run, or only its failed jobs",
            body: "Rerun", response: "Run", status: 201
        ) { [self] request, context, caller in
            let runID = try Reply.integer(context, "id")
            let body = try await Reply.decode(RerunBody.self, from: request, limit: limit)
            let run = try await rerun(runID, failedOnly: body.failedOnly ?? false, actor: caller.name)
            let repository = try await store.repository(id: run.repositoryID)
            return try Reply.json(RunJSON(run, repository: repository?.name ?? ""), status: .created)
        }
        route(router, registry, .get, "/api/runs/{id}/images", .role(.viewer), "The images a run pushed, by digest", response: "[Image]") {
            [self] _, context, _ in
            let runID = try Reply.integer(context, "id")
            guard try await store.run(id: runID) != nil else { throw HTTPError(.notFound, message: "no run \(runID)") }
            return try Reply.json(try await store.images(runID: runID).map { ImageJSON($0) })
        }
        route(router, registry, .get, "/api/runs/{id}/artifacts/{name}", .role(.viewer), "Download an artifact (tar.gz)", response: "binary") {
            [self] _, context, _ in
            try await artifactDownload(try Reply.integer(context, "id"), name: Reply.parameter(context, "name"))
        }

        // MARK: Deliveries
        route(
            router, registry, .get, "/api/deliveries", .role(.admin), "Deliveries to the outside (commit statuses, ...), newest first",
            query: ["state"], response: "[Delivery]"
        ) { [self] request, _, _ in
            let state = request.uri.queryParameters.get("state")
            if let state, !["pending", "delivered", "failed"].contains(state) {
                throw HTTPError(.badRequest, message: "state must be pending, delivered or failed; not '\(state)'")
            }
            return try Reply.json(
                try await store.outboundDeliveries(state: state).map(DeliveryJSON.init))
        }

        // MARK: Tokens
        route(router, registry, .get, "/api/tokens", .role(.admin), "List tokens (names and roles, never values)", response: "[Token]") {
            [self] _, _, _ in
            try Reply.json(
                try await store.tokens().map {
                    TokenJSON(
                        id: $0.id!, name: $0.name, role: $0.role, createdAt: APICoding.time($0.createdAt), lastUsedAt: APICoding.time($0.lastUsedAt))
                })
        }
        route(
            router, registry, .post, "/api/tokens", .role(.admin), "Create a token (its value is shown once)", body: "CreateToken",
            response: "Token", status: 201
        ) { [self] request, _, _ in
            let body = try await Reply.decode(CreateTokenBody.self, from: request, limit: limit)
            guard let role = Role(rawValue: body.role) else {
                throw HTTPError(.badRequest, message: "role must be one of viewer, developer, approver, admin; not '\(body.role)'")
            }
            guard !body.name.isEmpty, body.name.count <= 100 else { throw HTTPError(.badRequest, message: "name must be 1 to 100 characters") }
            let (token, record) = try await tokens.create(name: body.name, role: role)
            return try Reply.json(
                TokenJSON(id: record.id!, name: record.name, role: record.role, createdAt: APICoding.time(record.createdAt), token: token),
                status: .created)
        }
        route(router, registry, .delete, "/api/tokens/{id}", .role(.admin), "Revoke a token", response: "empty", status: 204) {
            [self] _, context, _ in
            let id = try Reply.integer(context, "id")
            guard try await store.deleteToken(id: id) else { throw HTTPError(.notFound, message: "no such token") }
            // Streams it opened end too (their readers are woken to notice).
            for runID in streams.revoke(tokenID: id) { notifier.notify(runID, logOnly: true) }
            return Response(status: .noContent)
        }
    }

    // MARK: Helpers

    func repository(_ context: BasicRequestContext) async throws -> RepositoryRecord {
        let name = Reply.parameter(context, "repo")
        guard let repository = try await store.repository(named: name) else { throw HTTPError(.notFound, message: "no repository '\(name)'") }
        return repository
    }

    func secretName(_ context: BasicRequestContext, kind: String = "secret") throws -> String {
        let name = Reply.parameter(context, "name")
        guard !name.isEmpty, name.count <= 200, name.first!.isLetter || name.first == "_",
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.uppercased().hasPrefix("GITHUB_")
        else { throw HTTPError(.badRequest, message: "\(kind) names are letters, digits and _, not starting with a digit or GITHUB_") }
        return name
    }

    /// Creates a repository: a bare repository with the hook, fetched from `clone_url` when given.
    func addRepository(_ body: CreateRepositoryBody) async throws -> RepositoryRecord {
        guard GitHost.isValidName(body.name) else {
            throw HTTPError(.badRequest, message: "repository names are 1–100 of A-Z a-z 0-9 . _ -, not starting with '.' or '-' or ending in .git")
        }
        if try await store.repository(named: body.name) != nil { throw HTTPError(.conflict, message: "repository '\(body.name)' exists") }
        let branch = body.defaultBranch ?? "main"
        guard !branch.isEmpty, !branch.hasPrefix("-"), !branch.contains("..") else { throw HTTPError(.badRequest, message: "invalid default_branch") }
        let path = try await git.create(body.name, defaultBranch: branch)
        if let url = body.cloneUrl {
            do {
                try await git.fetch(path, from: url)
            } catch {
                throw HTTPError(.unprocessableContent, message: "cannot fetch \(url): \(error)")
            }
        }
        return try await store.addRepository(
            RepositoryRecord(
                name: body.name, path: path.path, upstream: body.upstream, cloneURL: body.cloneUrl,
                webhookSecret: try body.webhookSecret.map { try secrets.sealText($0) },
                defaultBranch: branch))
    }

    /// The workflows of a repository at a ref, with their triggers and dispatch inputs.
    func workflows(_ repository: RepositoryRecord, ref: String?) async throws -> [WorkflowJSON] {
        let path = URL(fileURLWithPath: repository.path)
        guard let sha = await git.resolve(path, ref ?? repository.defaultBranch) else { return [] }
        return try await git.workflows(path, commit: sha).map { file in
            let loaded = file.loaded
            let errors = loaded.diagnostics.filter { $0.severity == .error }.map { "\($0.location.line):\($0.location.column): \($0.message)" }
            let inputs = loaded.workflow?.triggers["workflow_dispatch"]?.inputs ?? []
            return WorkflowJSON(
                path: file.path, name: loaded.workflow?.name ?? file.path, events: loaded.workflow?.triggers.events.map(\.name) ?? [],
                dispatchInputs: inputs.map {
                    DispatchInputJSON(
                        name: $0.name, type: String(describing: $0.type), required: $0.required, defaultValue: $0.defaultValue?.raw,
                        description: $0.description, options: $0.options)
                }, errors: errors)
        }
    }

    func runFilter(_ request: Request) throws -> RunFilter {
        let query = request.uri.queryParameters
        var filter = RunFilter(
            repository: query.get("repository"), branch: query.get("branch"), status: query.get("status"), event: query.get("event"))
        if let page = query.get("page") {
            guard let value = Int(page), value >= 1, value <= 1_000_000 else {
                throw HTTPError(.badRequest, message: "page must be a positive integer")
            }
            filter.page = value
        }
        if let perPage = query.get("per_page") {
            guard let value = Int(perPage), (1...100).contains(value) else { throw HTTPError(.badRequest, message: "per_page must be 1 to 100") }
            filter.perPage = value
        }
        if let status = filter.status, RunStatus(rawValue: status) == nil, RunConclusion(rawValue: status) == nil {
            throw HTTPError(
                .badRequest, message: "status must be queued, running, completed or a conclusion (success, failure, cancelled, skipped, interrupted)")
        }
        return filter
    }

    /// Everything about a run.
    func runDetail(_ runID: Int64) async throws -> RunDetailJSON {
        guard let run = try await store.run(id: runID) else { throw HTTPError(.notFound, message: "no run \(runID)") }
        let repository = try await store.repository(id: run.repositoryID)
        let jobs = try await store.jobs(runID: runID).map { JobJSON($0.job, steps: $0.steps) }
        let statuses = try await store.statuses(repositoryID: run.repositoryID, sha: run.sha).filter { $0.runID == runID }
        let verdict = FileManager.default.contents(atPath: runsDirectory.appendingPathComponent("\(runID)/gate.json").path).flatMap {
            try? JSONDecoder().decode(GateVerdictJSON.self, from: $0)
        }
        let artifacts = try await store.artifacts(runID: runID).map {
            ArtifactJSON(
                name: $0.name, size: $0.size, files: $0.files, expired: $0.expired,
                downloadUrl: "/api/runs/\(runID)/artifacts/\(Reply.pathSegment($0.name))")
        }
        return RunDetailJSON(
            run: RunJSON(run, repository: repository?.name ?? ""), jobs: jobs,
            annotations: try await store.annotations(runID: runID).map(AnnotationJSON.init),
            statuses: statuses.map(StatusJSON.init),
            gates: verdict?.gates, gatesPassed: verdict?.passed, artifacts: artifacts,
            images: try await store.images(runID: runID).map { ImageJSON($0) })
    }

    /// Streams an artifact folder as a gzipped tar.
    func artifactDownload(_ runID: Int64, name: String) async throws -> Response {
        guard let artifact = try await store.artifacts(runID: runID).first(where: { $0.name == name }) else {
            throw HTTPError(.notFound, message: "run \(runID) has no artifact '\(name)'")
        }
        guard !artifact.expired else { throw HTTPError(.gone, message: "artifact '\(name)' was removed by the retention policy") }
        let folder = runsDirectory.appendingPathComponent("\(runID)/artifacts")
        let archive = runsDirectory.appendingPathComponent("\(runID)/artifact-\(artifact.id!).tar.gz")
        if !FileManager.default.fileExists(atPath: archive.path) {
            let partial = archive.path + ".partial"
            let result = try await ChildProcess.capture(
                .init("tar", ["-czf", partial, "-C", folder.path, "--", name], environment: ProcessInfo.processInfo.environment))
            guard result.status.isSuccess else { throw HTTPError(.internalServerError, message: "cannot pack the artifact: \(result.output)") }
            guard rename(partial, archive.path) == 0 else { throw HTTPError(.internalServerError, message: "cannot store the packed artifact") }
        }
        guard let data = FileManager.default.contents(atPath: archive.path) else { throw HTTPError(.gone, message: "artifact file missing") }
        return Response(
            status: .ok,
            headers: [.contentType: "application/gzip", .contentDisposition: "attachment; filename=\"\(name).tar.gz\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `POST /api/repos/{repo}/pushes`: the body must be signed with the hook key (`X-Gaara-Signature: sha256=…`).
    func receivePush(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 1024 * 1024)
        } catch {
            throw HTTPError(.contentTooLarge, message: "the push body is larger than 1 MiB")
        }
        let body = Data(buffer.readableBytesView)
        let key = try hookKey()
        guard let header = request.headers[HTTPField.Name("X-Gaara-Signature")!], header.hasPrefix("sha256="),
            let signature = Webhooks.hexBytes(String(header.dropFirst(7))),
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: SymmetricKey(data: key))
        else { throw HTTPError(.unauthorized, message: "missing or invalid X-Gaara-Signature") }
        let repository = try await repository(context)
        let push: PushBody
        do {
            push = try APICoding.decode(PushBody.self, from: body)
        } catch {
            throw HTTPError(.badRequest, message: "invalid push body")
        }
        let runs = try await triggering { try await triggers.push(repository, updates: push.updates, actor: push.pusher ?? "git") }
        await startAll(runs)
        return try Reply.json(TriggeredJSON(runs: runs.map { RunJSON($0, repository: repository.name) }))
    }

    /// The key the `post-receive` hook signs with (`hook.key` in the data directory, mode 0600).
    func hookKey() throws -> Data {
        try Self.hookKey(dataDirectory: configuration.dataDirectory)
    }

    /// Reads (creating) the hook key of a data directory.
    public static func hookKey(dataDirectory: URL) throws -> Data {
        let path = dataDirectory.appendingPathComponent("hook.key")
        if let data = FileManager.default.contents(atPath: path.path), data.count == 32 { return data }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let partial = path.path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: key, attributes: [.posixPermissions: 0o600]), rename(partial, path.path) == 0
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
        }
        return FileManager.default.contents(atPath: path.path) ?? key
    }
}

/// `GET /api/repos/{repo}`.
struct RepositoryDetailJSON: Codable, Sendable {
    var repository: RepositoryJSON
    var branches: [String: String]
}
