import ArgumentParser
import Foundation
import GaaraAPI

/// `gaara deploy` and `gaara rollback` through a server: with `--url` or `GAARA_URL` the server's
/// deploy controller does the work (a pushed commit's `.gaara/deploy.yml`, the environment's
/// secrets and protection rules on the server), and the command asks and, with `--wait`, follows.
struct ServerDeployOptions: ParsableArguments {
    @OptionGroup var connection: ServerConnection

    @Option(help: "With a server: the branch, tag or commit it deploys (default: $GITHUB_SHA, else this checkout's HEAD).")
    var ref: String?

    @Flag(help: "With a server: follow the progress and exit with the outcome (0 live, 1 failed).")
    var wait = false

    /// The server's URL when the command goes through one.
    var server: String? { connection.server }

    /// What the server deploys: `--ref`, the job's commit, or this checkout's HEAD (nil: the default branch).
    func commit(directory: String?) async -> String? {
        if let ref { return ref }
        if let sha = ProcessInfo.processInfo.environment["GITHUB_SHA"], !sha.isEmpty { return sha }
        let start = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
        guard let top = await LocalRepository.topLevel(from: start) else { return nil }
        return await LocalRepository.git(["rev-parse", "HEAD"], in: top)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Posts the request to `path` (under the environment), prints what the server started and,
    /// with `--wait`, its progress until it ends.
    func start(_ base: String, repository: String, environment: String, path: String, body: some Encodable & Sendable) async throws {
        let client = connection.client(base)
        let encoded = ServerConnection.encoded
        let rollout = try await client.call(
            "POST", "/api/repos/\(encoded(repository))/environments/\(encoded(environment))/\(path)", body: body, as: RolloutJSON.self)
        print("\(base) started \(rollout.kind) \(rollout.id) of \(environment) at \(rollout.sha.prefix(12)) (\(rollout.ref))")
        guard wait else {
            print("its progress: \(base)/repos/\(encoded(repository))/rollouts/\(rollout.id) (or --wait next time)")
            return
        }
        var offset = 0
        while true {
            let now = try await client.call(
                "GET", "/api/repos/\(encoded(repository))/rollouts/\(rollout.id)?offset=\(offset)", as: RolloutJSON.self)
            if !now.log.isEmpty { FileHandle.standardOutput.write(Data(now.log.utf8)) }
            offset = now.nextOffset
            if now.state != "running", now.log.isEmpty {
                if now.state == "succeeded" { return }
                throw CLIFailure(.failed, "\(now.kind) \(now.id) \(now.state): \(now.error ?? "see its log")")
            }
            if now.log.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        }
    }
}

/// The server a deploy command goes through, when it goes through one, and the repository there.
struct ServerConnection: ParsableArguments {
    @Option(help: "Ask the gaara server at this URL to do it (default: $GAARA_URL; with neither, it runs on this machine).")
    var url: String?

    @Option(help: "An access token with the approver role (default: $GAARA_TOKEN).")
    var token: String?

    @Option(help: "With a server: the repository on it (default: $GITHUB_REPOSITORY, else this checkout's folder name).")
    var repo: String?

    /// The server's URL when the command goes through one.
    var server: String? {
        if let url, !url.isEmpty { return url }
        return ProcessInfo.processInfo.environment["GAARA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The client of the server at `base`.
    func client(_ base: String) -> ServerClient {
        let credential = token ?? ProcessInfo.processInfo.environment["GAARA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return ServerClient(base: base.hasSuffix("/") ? String(base.dropLast()) : base, fixedToken: credential, localKey: nil)
    }

    /// The repository's name on the server.
    func repository(directory: String?) async -> String {
        if let repo { return repo }
        if let name = ProcessInfo.processInfo.environment["GITHUB_REPOSITORY"], !name.isEmpty { return name }
        let start = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
        return (await LocalRepository.topLevel(from: start) ?? start.standardizedFileURL).lastPathComponent
    }

    /// A path segment, percent-encoded.
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
    }
}
