import ArgumentParser
import Foundation
import GaaraAPI

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
            let body = CreateRepositoryBody(
                name: name, upstream: upstream, cloneUrl: cloneURL, webhookSecret: webhookSecret, defaultBranch: defaultBranch)
            let client = try server.client()
            let path = try await client.call("POST", "/api/repos", body: body, as: RepositoryJSON.self).pushUrl
            print("added \(name)\n  push to it:  git push \(path) \(defaultBranch)\n  dashboard:   \(client.base)/repos/\(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List repositories.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            for repository in try await server.client().call("GET", "/api/repos", as: [RepositoryJSON].self) {
                print("\(repository.name)\t\(repository.defaultBranch)\t\(repository.pushUrl)")
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
        let body = DispatchBody(workflow: workflow, ref: ref, inputs: try RunCommand.pairs(inputs, option: "--input"))
        let client = try server.client()
        let triggered = try await client.call("POST", "/api/repos/\(repository)/dispatches", body: body, as: TriggeredJSON.self)
        guard let run = triggered.runs.first else { return }
        print("started \(run.workflow) #\(run.number) → \(client.base)/runs/\(run.id)")
        if follow { try await RunsCommand.Logs.follow(client, Int(run.id)) }
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
            let created = try await server.client().call(
                "POST", "/api/tokens", body: CreateTokenBody(name: name, role: role), as: TokenJSON.self)
            print(created.token ?? "")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            for token in try await server.client().call("GET", "/api/tokens", as: [TokenJSON].self) {
                print("\(token.id)\t\(token.role)\t\(token.name)\t\(token.createdAt ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")

        @Argument var id: Int

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await server.client().checked("DELETE", "/api/tokens/\(id)")
            print("revoked token \(id)")
        }
    }
}
