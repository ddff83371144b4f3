import Foundation
import GaaraAPI
import GaaraEngine
import GaaraStore
import HTTPTypes
import Hummingbird

extension CIServer {
    /// Variables (`vars`) of a repository or the server, and server-wide secrets. Both come at
    /// three levels — server, repository, environment — and the narrower wins.
    func registerVariableAPI(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        let limit = 64 * 1024

        route(router, registry, .get, "/api/repos/{repo}/variables", .role(.viewer), "Variables a repository's runs see", response: "[Variable]") {
            [self] _, context, _ in
            let repository = try await repository(context)
            return try Reply.json(try await variablesJSON(repositoryID: repository.id!))
        }
        route(
            router, registry, .put, "/api/repos/{repo}/variables/{name}", .role(.admin), "Set a repository's variable", query: ["environment"],
            body: "VariableValue", response: "empty", status: 204
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            try await setVariable(request, context, caller, repository: repository, limit: limit)
            return Response(status: .noContent)
        }
        route(
            router, registry, .delete, "/api/repos/{repo}/variables/{name}", .role(.admin), "Remove a repository's variable",
            query: ["environment"], response: "empty", status: 204
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            try await deleteVariable(request, context, caller, repository: repository)
            return Response(status: .noContent)
        }
        route(router, registry, .get, "/api/variables", .role(.viewer), "Server-wide variables", response: "[Variable]") { [self] _, _, _ in
            try Reply.json(try await variablesJSON(repositoryID: nil))
        }
        route(
            router, registry, .put, "/api/variables/{name}", .role(.admin), "Set a server-wide variable", query: ["environment"],
            body: "VariableValue", response: "empty", status: 204
        ) { [self] request, context, caller in
            try await setVariable(request, context, caller, repository: nil, limit: limit)
            return Response(status: .noContent)
        }
        route(
            router, registry, .delete, "/api/variables/{name}", .role(.admin), "Remove a server-wide variable", query: ["environment"],
            response: "empty", status: 204
        ) { [self] request, context, caller in
            try await deleteVariable(request, context, caller, repository: nil)
            return Response(status: .noContent)
        }

        route(
            router, registry, .get, "/api/repos/{repo}/secret-check", .role(.admin),
            "Every use of a secret in the workflows at a ref (default branch), with where it is set", query: ["ref", "environment"],
            response: "[SecretUse]"
        ) { [self] request, context, _ in
            let repository = try await repository(context)
            return try Reply.json(
                try await secretUses(repository, ref: request.uri.queryParameters.get("ref"), environment: try environmentParameter(request)))
        }
        route(
            router, registry, .post, "/api/secret-key/rotate", .role(.admin),
            "Re-seal every secret under a new key (runs in flight keep working)", response: "KeyRotation"
        ) { [self] _, _, caller in
            let count: Int
            do {
                count = try await secrets.rotate(store: store)
            } catch let error as RotationInProgress {
                throw HTTPError(.conflict, message: error.description)
            }
            try await audit(caller, "secret.rotate-key", "", "the secret key", comment: "\(count) values re-sealed")
            return try Reply.json(KeyRotationJSON(resealed: count))
        }
        route(router, registry, .get, "/api/secrets", .role(.admin), "Every secret's name, level and scope (never values)", response: "[SecretInfo]")
        {
            [self] _, _, _ in
            let names = Dictionary(uniqueKeysWithValues: try await store.repositories().map { ($0.id!, $0.name) })
            return try Reply.json(try await store.allSecrets().map { SecretJSON($0, repository: $0.repositoryID.flatMap { names[$0] }) })
        }
        route(
            router, registry, .put, "/api/secrets/{name}", .role(.admin), "Set a server-wide secret (encrypted at rest)", query: ["environment"],
            body: "Secret", response: "empty", status: 204
        ) { [self] request, context, caller in
            try await setSecret(request, context, caller, repository: nil)
            return Response(status: .noContent)
        }
        route(
            router, registry, .delete, "/api/secrets/{name}", .role(.admin), "Remove a server-wide secret", query: ["environment"],
            response: "empty", status: 204
        ) { [self] request, context, caller in
            try await deleteSecret(request, context, caller, repository: nil)
            return Response(status: .noContent)
        }
    }

    /// The `environment` query parameter: "" when absent, 400 when it is no environment name.
    func environmentParameter(_ request: Request) throws -> String {
        guard let name = request.uri.queryParameters.get("environment"), !name.isEmpty else { return "" }
        let decoded = name.removingPercentEncoding ?? String(name)
        guard Self.isEnvironmentName(decoded) else { throw HTTPError(.badRequest, message: "'\(decoded)' is not an environment name") }
        return decoded
    }

    func variablesJSON(repositoryID: Int64?) async throws -> [VariableJSON] {
        let names = Dictionary(uniqueKeysWithValues: try await store.repositories().map { ($0.id!, $0.name) })
        return try await store.variables(repositoryID: repositoryID).filter { $0.repositoryID == repositoryID }.map {
            VariableJSON(
                name: $0.name, value: $0.value, repository: $0.repositoryID.flatMap { names[$0] }, environment: $0.environment,
                updatedAt: APICoding.time($0.updatedAt) ?? "")
        }
    }

    private func setVariable(_ request: Request, _ context: BasicRequestContext, _ caller: Caller, repository: RepositoryRecord?, limit: Int)
        async throws
    {
        let name = try secretName(context, kind: "variable")
        let environment = try environmentParameter(request)
        let body = try await Reply.decode(VariableBody.self, from: request, limit: limit)
        try await store.setVariable(VariableRecord(repositoryID: repository?.id, environment: environment, name: name, value: body.value))
        try await audit(caller, "variable.set", repository?.name ?? "", Self.scoped("variable", name, environment))
    }

    private func deleteVariable(_ request: Request, _ context: BasicRequestContext, _ caller: Caller, repository: RepositoryRecord?) async throws {
        let name = try secretName(context, kind: "variable")
        let environment = try environmentParameter(request)
        guard try await store.deleteVariable(repositoryID: repository?.id, environment: environment, name: name) else {
            throw HTTPError(.notFound, message: "no \(Self.scoped("variable", name, environment))")
        }
        try await audit(caller, "variable.delete", repository?.name ?? "", Self.scoped("variable", name, environment))
    }

    /// Seals and stores a secret of `repository` (nil: server-wide), audited without its value.
    func setSecret(_ request: Request, _ context: BasicRequestContext, _ caller: Caller, repository: RepositoryRecord?) async throws {
        let name = try secretName(context)
        let environment = try environmentParameter(request)
        let body = try await Reply.decode(SecretBody.self, from: request, limit: 64 * 1024)
        try await store.setSecret(
            SecretRecord(repositoryID: repository?.id, environment: environment, name: name, sealed: try secrets.seal(body.value)))
        try await audit(caller, "secret.set", repository?.name ?? "", Self.scoped("secret", name, environment))
    }

    /// Removes a secret of `repository` (nil: server-wide).
    func deleteSecret(_ request: Request, _ context: BasicRequestContext, _ caller: Caller, repository: RepositoryRecord?) async throws {
        let name = try secretName(context)
        let environment = try environmentParameter(request)
        guard try await store.deleteSecret(repositoryID: repository?.id, environment: environment, name: name) else {
            throw HTTPError(.notFound, message: "no \(Self.scoped("secret", name, environment))")
        }
        try await audit(caller, "secret.delete", repository?.name ?? "", Self.scoped("secret", name, environment))
    }

    /// The secrets the workflows at `ref` use, each with the levels where a secret of its name is
    /// set for its job: server and repository secrets for every job, environment secrets for a job
    /// of that environment (its literal `environment:`, else `environment` when given).
    func secretUses(_ repository: RepositoryRecord, ref: String?, environment: String) async throws -> [SecretUseJSON] {
        let path = URL(fileURLWithPath: repository.path)
        guard let sha = await git.resolve(path, ref ?? repository.defaultBranch) else {
            throw HTTPError(.notFound, message: "no ref '\(ref ?? repository.defaultBranch)' in repository '\(repository.name)'")
        }
        let records = try await store.secrets(repositoryID: repository.id!)
        var uses: [SecretUseJSON] = []
        for file in try await git.workflows(path, commit: sha) {
            for reference in SecretReferences.find(in: file.text, workflow: file.loaded.workflow) {
                let scope = reference.environment ?? (environment.isEmpty ? nil : environment)
                var levels: [String] = []
                for record in records where record.name == reference.name {
                    if record.environment.isEmpty {
                        levels.append(record.repositoryID == nil ? "server" : "repository")
                    } else if record.environment == scope {
                        levels.append("environment")
                    }
                }
                uses.append(
                    SecretUseJSON(
                        name: reference.name, file: file.path, line: reference.location.line, column: reference.location.column, job: reference.job,
                        environment: scope, levels: Array(Set(levels)).sorted()))
            }
        }
        return uses
    }

    static func scoped(_ kind: String, _ name: String, _ environment: String) -> String {
        "\(kind) \(name)" + (environment.isEmpty ? "" : " of environment \(environment)")
    }
}

extension SecretJSON {
    /// The API's shape of a secret: its name and scope, never its value.
    init(_ record: SecretRecord, repository: String?) {
        let level = !record.environment.isEmpty ? "environment" : record.repositoryID == nil ? "server" : "repository"
        self.init(
            name: record.name, environment: record.environment, updatedAt: APICoding.time(record.updatedAt) ?? "", repository: repository,
            level: level)
    }
}
