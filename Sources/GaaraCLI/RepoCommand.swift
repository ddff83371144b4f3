import ArgumentParser
import Foundation

/// `gaara repo add|list`.
struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo", abstract: "Add and list the server's repositories.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (or adopt) a bare repository on the server; pushing to it starts the workflows.")

        @Argument(help: "The repository name (letters, digits, '.', '_', '-').")
        var name: String

        @Option(help: "The repository's full name on a forge (owner/name), which its webhooks carry.")
        var upstream: String?

        @Option(help: "Where to fetch the code from when a webhook arrives (a path or URL the server can reach).")
        var cloneURL: String?

        @Option(help: "The secret webhooks are signed with.")
        var webhookSecret: String?

        @Option(help: "The default branch (schedules run on it).")
        var defaultBranch = "main"

        @OptionGroup var server: ServerOptions

        func run() async throws {
            var body: [String: Any] = ["name": name, "default_branch": defaultBranch]
            if let upstream { body["upstream"] = upstream }
            if let cloneURL { body["clone_url"] = cloneURL }
            if let webhookSecret { body["webhook_secret"] = webhookSecret }
            let client = try server.client()
            let object = try await client.object("POST", "/api/repos", json: body) as? [String: Any] ?? [:]
            let path = object["push_url"] as? String ?? ""
            print("added \(name)\n  push to it:  git push \(path) \(defaultBranch)\n  dashboard:   \(client.base)/repos/\(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List repositories.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let list = try await server.client().object("GET", "/api/repos") as? [[String: Any]] ?? []
            for repository in list {
                print(
                    "\(repository["name"] as? String ?? "")\t\(repository["default_branch"] as? String ?? "")\t\(repository["push_url"] as? String ?? "")"
                )
            }
        }
    }
}

/// `gaara dispatch REPO WORKFLOW --input k=v`.
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch", abstract: "Start a workflow_dispatch run on the server.")

    @Argument(help: "The repository.")
    var repository: String

    @Argument(help: "The workflow file (ci.yml or .github/workflows/ci.yml).")
    var workflow: String

    @Option(help: "The branch or tag (default: the repository's default branch).")
    var ref: String?

    @Option(name: .customLong("input"), help: "An input, NAME=VALUE. Repeatable.")
    var inputs: [String] = []

    @Flag(help: "Follow the run's log until it ends; exit 1 if it did not succeed.")
    var follow = false

    @OptionGroup var server: ServerOptions

    func run() async throws {
        var body: [String: Any] = ["workflow": workflow, "inputs": try RunCommand.pairs(inputs, option: "--input")]
        if let ref { body["ref"] = ref }
        let client = try server.client()
        let object = try await client.object("POST", "/api/repos/\(repository)/dispatches", json: body) as? [String: Any] ?? [:]
        guard let run = (object["runs"] as? [[String: Any]])?.first, let id = run["id"] as? Int else { return }
        print("started \(run["workflow"] as? String ?? workflow) #\(run["number"] as? Int ?? 0) → \(client.base)/runs/\(id)")
        if follow { try await RunsCommand.Logs.follow(client, id) }
    }
}

/// `gaara token create|list|revoke`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke access tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; its value is printed once.")

        @Option(help: "viewer, developer (dispatch, re-run, cancel), approver (production approvals) or admin.")
        var role: String

        @Option(help: "A label (a person or a machine).")
        var name = "token"

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let object = try await server.client().object("POST", "/api/tokens", json: ["name": name, "role": role]) as? [String: Any] ?? [:]
            print(object["token"] as? String ?? "")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            for token in try await server.client().object("GET", "/api/tokens") as? [[String: Any]] ?? [] {
                print(
                    "\(token["id"] as? Int ?? 0)\t\(token["role"] as? String ?? "")\t\(token["name"] as? String ?? "")\t\(token["created_at"] as? String ?? "")"
                )
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")

        @Argument var id: Int

        @OptionGroup var server: ServerOptions

        func run() async throws {
            _ = try await server.client().object("DELETE", "/api/tokens/\(id)")
            print("revoked token \(id)")
        }
    }
}
