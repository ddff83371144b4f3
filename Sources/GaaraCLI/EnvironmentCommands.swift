import ArgumentParser
import Foundation
import GaaraAPI

/// A path segment or query value, percent-encoded (environment names may hold spaces).
func encoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

/// `gaara env`: environments' protection rules and deployments.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Set and show environments' protection rules and deployments.",
        subcommands: [Set.self, List.self, Delete.self, Deployments.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an environment or replace its protection rules (kept on the server, never in the repository).")

        @Argument(help: "The repository.") var repository: String
        @Argument(help: "The environment (production, staging, ...).") var environment: String

        @Option(
            name: .customLong("reviewer"),
            help: "A required reviewer: a token name, or role:approver / role:admin. Repeatable; one approval suffices.")
        var reviewers: [String] = []

        @Flag(name: .customLong("prevent-self-review"), help: "The run's actor may not approve their own run.")
        var preventSelfReview = false

        @Option(name: .customLong("wait-timer"), help: "Minutes a job waits after it is triggered (1 to 43200).")
        var waitTimer: Int?

        @Option(name: .customLong("branch"), help: "A branch that may deploy (fnmatch: * does not match /). Repeatable.")
        var branches: [String] = []

        @Option(name: .customLong("tag"), help: "A tag that may deploy (fnmatch). Repeatable.")
        var tags: [String] = []

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let body = EnvironmentRulesBody(
                reviewers: reviewers, preventSelfReview: preventSelfReview, waitTimer: waitTimer ?? 0, branches: branches, tags: tags)
            let answer = try await server.client().call(
                "PUT", "/api/repos/\(encoded(repository))/environments/\(encoded(environment))", body: body, as: EnvironmentJSON.self)
            print("\(repository) \(answer.name): \(EnvCommand.describe(answer.rules))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a repository's environments, rules and latest deployments.")

        @Argument(help: "The repository.") var repository: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let environments = try await server.client().call(
                "GET", "/api/repos/\(encoded(repository))/environments", as: [EnvironmentJSON].self)
            if environments.isEmpty { print("no environments: jobs with 'environment:' create them; gaara env set protects them") }
            for environment in environments {
                let latest =
                    environment.latestDeployment.map { "latest: #\($0.id) \($0.state) \($0.sha.prefix(7)) \($0.createdAt)" } ?? "never deployed"
                print("\(environment.name)\t\(EnvCommand.describe(environment.rules))\t\(latest)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an environment's protection rules (its deployments stay).")

        @Argument(help: "The repository.") var repository: String
        @Argument(help: "The environment.") var environment: String
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await server.client().checked("DELETE", "/api/repos/\(encoded(repository))/environments/\(encoded(environment))")
            print("removed the rules of \(repository) \(environment)")
        }
    }

    struct Deployments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deployments, newest first.")

        @Argument(help: "The repository.") var repository: String
        @Option(name: .customLong("env"), help: "Only this environment.") var environment: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let query = environment.map { "?environment=" + encoded($0) } ?? ""
            let deployments = try await server.client().call(
                "GET", "/api/repos/\(encoded(repository))/deployments\(query)", as: [DeploymentJSON].self)
            for deployment in deployments {
                print(
                    "#\(deployment.id)\t\(deployment.environment)\t\(deployment.state)\t\(deployment.sha.prefix(7))\t\(deployment.ref)\t"
                        + "run \(deployment.runId)\t\(deployment.creator)\t\(deployment.environmentUrl ?? "")")
            }
        }
    }

    static func describe(_ rules: EnvironmentRulesBody) -> String {
        var parts: [String] = []
        if let reviewers = rules.reviewers, !reviewers.isEmpty { parts.append("reviewers " + reviewers.joined(separator: ", ")) }
        if rules.preventSelfReview == true { parts.append("no self-review") }
        if let wait = rules.waitTimer, wait > 0 { parts.append("wait \(wait) min") }
        if let branches = rules.branches, !branches.isEmpty { parts.append("branches " + branches.joined(separator: ", ")) }
        if let tags = rules.tags, !tags.isEmpty { parts.append("tags " + tags.joined(separator: ", ")) }
        return parts.isEmpty ? "unprotected" : parts.joined(separator: "; ")
    }
}

/// `gaara approvals`: what waits for a review.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approvals", abstract: "List deployments waiting for approval.")

    @Option(name: .customLong("repo"), help: "Only this repository.") var repository: String?
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let query = repository.map { "?repository=" + encoded($0) } ?? ""
        let pending = try await server.client().call("GET", "/api/approvals\(query)", as: [PendingDeploymentJSON].self)
        if pending.isEmpty { print("nothing waits for approval") }
        for item in pending {
            let deployment = item.deployment
            print(
                "run \(deployment.runId)\t\(deployment.repository)\t\(deployment.environment)\tjob \(deployment.job)\t\(deployment.sha.prefix(7))\t"
                    + "by \(deployment.creator)\treviewers: \(item.reviewers.joined(separator: ", "))"
                    + (item.currentUserCanApprove ? "\t(you may approve)" : ""))
        }
    }
}

/// `gaara approve` and `gaara reject`.
struct ReviewOptions: ParsableArguments {
    @Argument(help: "The run id (gaara approvals lists them).") var run: Int64
    @Option(name: .customLong("env"), help: "The environment to decide for. Repeatable.") var environments: [String]
    @Option(help: "A comment, kept in the audit trail (and the job's failure when rejecting).") var comment: String?
    @OptionGroup var server: ServerOptions

    func send(_ state: String) async throws {
        let decided = try await server.client().call(
            "POST", "/api/runs/\(run)/pending_deployments", body: ReviewBody(environments: environments, state: state, comment: comment),
            as: [DeploymentJSON].self)
        for deployment in decided { print("\(state) run \(run): \(deployment.environment) (job \(deployment.job))") }
    }
}

/// `gaara approve RUN --env ENV`.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a run's deployment waiting for review.")
    @OptionGroup var options: ReviewOptions
    func run() async throws { try await options.send("approved") }
}

/// `gaara reject RUN --env ENV`.
struct RejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject a run's deployment waiting for review (the job fails with the comment).")
    @OptionGroup var options: ReviewOptions
    func run() async throws { try await options.send("rejected") }
}

/// `gaara audit`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show the audit trail, newest first.")
    @Option(name: .customLong("repo"), help: "Only this repository.") var repository: String?
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let query = repository.map { "?repository=" + encoded($0) } ?? ""
        for entry in try await server.client().call("GET", "/api/audit\(query)", as: [AuditJSON].self) {
            print(
                "\(entry.createdAt)\t\(entry.actor) (\(entry.role))\t\(entry.action)\t\(entry.repository)\t\(entry.target)"
                    + (entry.comment.isEmpty ? "" : "\t\(entry.comment)"))
        }
    }
}

/// Where a secret or variable lives: the server, a repository, or one of its environments.
struct ScopeOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: "The repository (default: server-wide).") var repository: String?
    @Option(name: .customLong("env"), help: "Only for jobs of this environment, after its rules pass.") var environment: String?

    func path(_ kind: String, _ name: String) -> String {
        let base = repository.map { "/api/repos/\(encoded($0))/\(kind)" } ?? "/api/\(kind)"
        return base + "/\(encoded(name))" + (environment.map { "?environment=" + encoded($0) } ?? "")
    }

    var label: String {
        (repository ?? "server-wide") + (environment.map { " environment \($0)" } ?? "")
    }
}

/// `gaara secret`: encrypted secrets at three levels.
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Set, list and delete secrets (server-wide, repository or environment).",
        subcommands: [Set.self, List.self, Delete.self, RotateKey.self, Check.self])

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key", abstract: "Re-seal every secret under a new server key, without downtime.")
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let answer = try await server.client().call("POST", "/api/secret-key/rotate", as: KeyRotationJSON.self)
            print("rotated the secret key: \(answer.resealed) values re-sealed")
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the secrets a repository's workflows use that are not set where the job can see them (file:line each).")
        @Argument(help: "The repository.") var repository: String
        @Option(name: .customLong("env"), help: "The environment to assume for jobs whose environment is not a literal name.")
        var environment: String?
        @Option(help: "The branch, tag or commit whose workflows to read (default: the default branch).") var ref: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            var query: [String] = []
            if let environment { query.append("environment=" + encoded(environment)) }
            if let ref { query.append("ref=" + encoded(ref)) }
            let uses = try await server.client().call(
                "GET", "/api/repos/\(encoded(repository))/secret-check" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")),
                as: [SecretUseJSON].self)
            let missing = uses.filter(\.levels.isEmpty)
            for use in missing {
                let job = use.job.map { " (job \($0)" + (use.environment.map { ", environment \($0)" } ?? "") + ")" } ?? ""
                let hint = "gaara secret set \(use.name) --repo \(repository)" + (use.environment.map { " --env \($0)" } ?? "")
                print("\(use.file):\(use.line):\(use.column): secret \(use.name)\(job) is not set; set it with: \(hint)")
            }
            let names = Swift.Set(uses.map(\.name))
            let missingNames = Swift.Set(missing.map(\.name))
            print("\(names.count) secret(s) used in \(uses.count) place(s); \(missingNames.count) not set where a job needs it")
            if !missing.isEmpty { throw ExitCode(1) }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a secret; its value is read from standard input (never an argument), sealed on the server.")
        @Argument(help: "The secret's name (letters, digits, _).") var name: String
        @OptionGroup var scope: ScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            var data = FileHandle.standardInput.readDataToEndOfFile()
            // One trailing newline (from `echo` or a terminal) is not part of the value.
            if data.last == 0x0A { data.removeLast() }
            if data.last == 0x0D { data.removeLast() }
            guard let value = String(data: data, encoding: .utf8) else { throw CLIFailure(.invalidInput, "the secret's value is not UTF-8") }
            guard !value.isEmpty else { throw CLIFailure(.invalidInput, "the secret's value is empty: pipe it on standard input") }
            try await server.client().checked("PUT", scope.path("secrets", name), body: SecretBody(value: value))
            print("set secret \(name) (\(scope.label))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List secrets' names, levels and last updates (never values).")
        @Option(name: .customLong("repo"), help: "Only this repository's (default: every secret).") var repository: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let path = repository.map { "/api/repos/\(encoded($0))/secrets" } ?? "/api/secrets"
            for secret in try await server.client().call("GET", path, as: [SecretJSON].self) {
                print(
                    "\(secret.name)\t\(secret.level ?? "")\t\(secret.repository ?? "-")\t\(secret.environment.isEmpty ? "-" : secret.environment)\t"
                        + secret.updatedAt)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a secret.")
        @Argument var name: String
        @OptionGroup var scope: ScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await server.client().checked("DELETE", scope.path("secrets", name))
            print("deleted secret \(name) (\(scope.label))")
        }
    }
}

/// `gaara var`: configuration variables at three levels.
struct VarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "var", abstract: "Set, list and delete variables (vars.NAME) server-wide, for a repository or an environment.",
        subcommands: [Set.self, List.self, Delete.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a variable (the value as an argument, or from standard input).")
        @Argument(help: "The variable's name (letters, digits, _).") var name: String
        @Argument(help: "The value (default: standard input).") var value: String?
        @OptionGroup var scope: ScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            var text = value
            if text == nil {
                var data = FileHandle.standardInput.readDataToEndOfFile()
                if data.last == 0x0A { data.removeLast() }
                text = String(decoding: data, as: UTF8.self)
            }
            try await server.client().checked("PUT", scope.path("variables", name), body: VariableBody(value: text ?? ""))
            print("set variable \(name) (\(scope.label))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List variables with their values.")
        @Option(name: .customLong("repo"), help: "A repository's (default: server-wide).") var repository: String?
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let path = repository.map { "/api/repos/\(encoded($0))/variables" } ?? "/api/variables"
            for variable in try await server.client().call("GET", path, as: [VariableJSON].self) {
                print("\(variable.name)\t\(variable.environment.isEmpty ? "-" : variable.environment)\t\(variable.value)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a variable.")
        @Argument var name: String
        @OptionGroup var scope: ScopeOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await server.client().checked("DELETE", scope.path("variables", name))
            print("deleted variable \(name) (\(scope.label))")
        }
    }
}
