import ArgumentParser
import Foundation
import GaaraAPI
import GaaraDeploy
import GaaraDeployCore
import GaaraRouter
import GaaraRouterCore
import GaaraWorkflow

/// What the deploy commands share: the repository, its `.gaara/deploy.yml`, an environment and its folder.
struct DeployContext {
    let repository: URL
    let config: DeployConfig
    let environment: DeployEnvironment
    let folder: EnvironmentFolder

    /// Reads the configuration (its errors as `path:line:col`) and picks the environment.
    static func load(_ name: String, directory: String?) async throws -> DeployContext {
        let start = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
        let repository = await LocalRepository.topLevel(from: start) ?? start.standardizedFileURL
        let file = repository.appendingPathComponent(".gaara/deploy.yml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw CLIFailure(.invalidInput, "no deploy configuration at \(file.path) (see README, \"Deploying\")")
        }
        let result = DeployConfigLoader.load(text: text, path: ".gaara/deploy.yml")
        guard let config = result.config else { throw CLIFailure(.invalidInput, result.rendered, plain: true) }
        guard let environment = config.environment(name) else {
            let known = config.environments.map(\.name).joined(separator: ", ")
            throw CLIFailure(.invalidInput, "no environment '\(name)' in .gaara/deploy.yml (it has: \(known))")
        }
        let root = ProcessInfo.processInfo.environment[folderVariable].map { URL(fileURLWithPath: $0) }
        return DeployContext(
            repository: repository, config: config, environment: environment,
            folder: EnvironmentFolder(root: root ?? repository.appendingPathComponent(".gaara/deploy"), environment: name))
    }

    /// The variable naming the folder that holds the environments' data instead of the repository's
    /// `.gaara/deploy` (`gaara run` sets it for its jobs to the repository's own, so that a deploy
    /// from a job's workspace is seen by the next run and by `gaara rollback` at the prompt).
    static let folderVariable = "GAARA_DEPLOY_DIR"

    /// The environments `.gaara/deploy.yml` names, in its order.
    static func environmentNames(directory: String?) async throws -> [String] {
        let start = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
        let repository = await LocalRepository.topLevel(from: start) ?? start.standardizedFileURL
        guard let text = try? String(contentsOf: repository.appendingPathComponent(".gaara/deploy.yml"), encoding: .utf8) else { return [] }
        let result = DeployConfigLoader.load(text: text, path: ".gaara/deploy.yml")
        guard let config = result.config else { throw CLIFailure(.invalidInput, result.rendered, plain: true) }
        return config.environments.map(\.name)
    }

    /// The services named, or all of them.
    func services(_ name: String?) throws -> [DeployService] {
        guard let name else { return config.services }
        guard let service = config.service(name) else {
            throw CLIFailure(
                .invalidInput, "no service '\(name)' in .gaara/deploy.yml (it has: \(config.services.map(\.name).joined(separator: ", ")))")
        }
        return [service]
    }

    /// Where the environment's router keeps its table, socket and log.
    var routerFolder: URL { folder.url.appendingPathComponent("router") }

    /// The environment's router, started in the background (on `listen`, else the environment's
    /// `router`) when it is not running yet.
    func router(listen: String? = nil) async throws -> AdminClient {
        do {
            return try await EnvironmentRouter.ensure(
                folder: routerFolder, listen: listen ?? environment.router ?? EnvironmentRouter.defaultListen, environment: environment.name,
                executable: GaaraCommand.executable, log: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) })
        } catch let error as DeployTargetError {
            throw CLIFailure(.failed, error.message)
        }
    }

    /// A deployer whose traffic goes through `admin`; SSH hosts are reached with the environment's
    /// key from `variables` (`STAGING_SSH_KEY`).
    func deployer(_ admin: AdminClient, variables: [String: String] = ProcessInfo.processInfo.environment) -> LocalDeployer {
        LocalDeployer.routed(
            config: config, environment: environment, repository: repository, folder: folder, admin: admin, executable: GaaraCommand.executable,
            variables: variables, log: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) })
    }
}

/// `gaara deploy ENV`: rolls a new release out in the foreground.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy a new release of the services to an environment (.gaara/deploy.yml), in the foreground.",
        discussion: """
            Each service's release directory is copied into a new release (an image service's image is pinned \
            by digest and run as a container), started on its own loopback port, checked, smoke-tested and given the traffic through Gaara's router with the environment's strategy \
            (started in the background on the environment's 'router' address when it is not running). \
            'gaara rollout pause|resume|promote|abort ENV' steer a rollout in progress; 'gaara rollback ENV' goes back.
            """)

    @OptionGroup var options: DeployOptions

    @Option(help: "Deploy this directory instead of the service's release-dir.")
    var releaseDir: String?

    @Option(help: "Deploy this image (a tag or REF@DIGEST) instead of the service's image.")
    var image: String?

    @OptionGroup(title: "Through a server") var server: ServerDeployOptions

    func run() async throws {
        if let base = server.server {
            try options.refuseLocalOnly(releaseDir: releaseDir)
            let directory = options.target.directory
            try await server.start(
                base, repository: await server.connection.repository(directory: directory), environment: options.target.environment, path: "deploys",
                body: DeployBody(service: options.service, ref: await server.commit(directory: directory), image: image))
            return
        }
        let context = try await options.target.load()
        let services = try context.services(options.service)
        if releaseDir != nil, services.count > 1 { throw CLIFailure(.invalidInput, "--release-dir goes with --service (one service)") }
        if image != nil, services.count > 1 { throw CLIFailure(.invalidInput, "--image goes with --service (one service)") }
        let admin = try await context.router(listen: options.router)
        let deployer = context.deployer(admin, variables: try options.variables())
        // In a workflow job the run's commit; at the prompt the checkout's.
        var commit = ProcessInfo.processInfo.environment["GITHUB_SHA"]
        if commit == nil {
            commit = await LocalRepository.git(["rev-parse", "HEAD"], in: context.repository)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for service in services {
            do {
                let release = try await deployer.deploy(
                    service, directory: releaseDir.map { URL(fileURLWithPath: $0).standardizedFileURL }, image: image, commit: commit,
                    creator: Self.creator,
                    variables: try options.variables())
                print("✓ \(release.id) is live in \(context.environment.name) (\(Self.short(release.artifact)))")
            } catch {
                throw DeployOptions.failure(error)
            }
        }
    }

    /// `dir:sha256:0123456789ab…`, `registry/app@sha256:0123456789ab…`: enough of an artifact to tell it.
    static func short(_ artifact: String) -> String {
        guard let range = artifact.range(of: "sha256:") else { return artifact }
        let end = artifact.index(range.upperBound, offsetBy: 12, limitedBy: artifact.endIndex) ?? artifact.endIndex
        return String(artifact[..<end]) + (end < artifact.endIndex ? "…" : "")
    }

    static var creator: String {
        ProcessInfo.processInfo.environment["GAARA_ACTOR"] ?? ProcessInfo.processInfo.environment["GITHUB_ACTOR"]
            ?? ProcessInfo.processInfo.environment["USER"] ?? "local"
    }
}

/// The environment a deploy command acts on and the repository its `.gaara/deploy.yml` is read
/// from: the arguments every deploy command starts with.
struct EnvironmentArguments: ParsableArguments {
    @Argument(help: "The environment (staging, production).")
    var environment: String

    @Option(
        name: [.customShort("C"), .customLong("directory")],
        help: ArgumentHelp("The repository (default: the current directory's).", valueName: "directory"))
    var directory: String?

    /// The environment's configuration and data.
    func load() async throws -> DeployContext { try await DeployContext.load(environment, directory: directory) }
}

/// The options `gaara deploy` and `gaara rollback` share.
struct DeployOptions: ParsableArguments {
    @OptionGroup var target: EnvironmentArguments

    @Option(help: "Only this service (default: every service).")
    var service: String?

    @Option(help: "A secret a service needs, NAME=VALUE (also read from the environment).")
    var secret: [String] = []

    @Option(help: "Where the environment's router listens if this command starts it (default: the environment's 'router').")
    var router: String?

    /// The variables services' secrets are taken from: the environment, then `--secret`.
    func variables() throws -> [String: String] { try Self.variables(secret) }

    /// The process's environment with `NAME=VALUE` entries (`--secret`) on top.
    static func variables(_ secret: [String]) throws -> [String: String] {
        var result = ProcessInfo.processInfo.environment
        for entry in secret {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw CLIFailure(.invalidInput, "--secret: expected NAME=VALUE, got '\(entry.prefix(40))'")
            }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    /// Refuses what only a deploy from this machine takes, when a server does it.
    func refuseLocalOnly(releaseDir: String? = nil) throws {
        for (option, given) in [("--secret", !secret.isEmpty), ("--router", router != nil), ("--release-dir", releaseDir != nil)] where given {
            throw CLIFailure(
                .invalidInput, "\(option) is for a deploy from this machine; the server reads the environment's secrets and configuration itself")
        }
    }

    /// A deploy's or rollback's error as the CLI reports it.
    static func failure(_ error: any Error) -> any Error {
        switch error {
        case let error as DeployTargetError: CLIFailure(.failed, error.message, cause: error)
        case let error as ReleaseError: CLIFailure(.failed, error.message, cause: error)
        case let error as RolloutPlanError: CLIFailure(.invalidInput, error.message, cause: error)
        default: error
        }
    }
}

/// `gaara rollback ENV`: traffic back to a kept release.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Send an environment's traffic back to a kept release (a router switch when it still runs).")

    @OptionGroup var options: DeployOptions

    @Option(help: "The release number to go back to (default: the newest kept one).")
    var to: Int?

    @OptionGroup(title: "Through a server") var server: ServerDeployOptions

    func run() async throws {
        if let base = server.server {
            try options.refuseLocalOnly()
            if server.ref != nil { throw CLIFailure(.invalidInput, "--ref is for gaara deploy: a rollback goes back to a kept release") }
            try await server.start(
                base, repository: await server.connection.repository(directory: options.target.directory), environment: options.target.environment,
                path: "rollbacks", body: RollbackBody(service: options.service, to: to))
            return
        }
        let context = try await options.target.load()
        let services = try context.services(options.service)
        if to != nil, services.count > 1 { throw CLIFailure(.invalidInput, "--to goes with --service (release numbers are per service)") }
        let deployer = context.deployer(try await context.router(listen: options.router), variables: try options.variables())
        for service in services {
            let start = Date()
            do {
                let release = try await deployer.rollback(service, to: to, creator: DeployCommand.creator, variables: try options.variables())
                print(
                    "✓ \(release.id) is live in \(context.environment.name) again (rolled back in \(String(format: "%.2f", Date().timeIntervalSince(start))) s)"
                )
            } catch {
                throw DeployOptions.failure(error)
            }
        }
    }
}

/// `gaara undeploy ENV`: stops every release and the environment's router.
struct UndeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undeploy", abstract: "Stop every release of an environment and its router (the release history stays).")

    @OptionGroup var target: EnvironmentArguments

    func run() async throws {
        let context = try await target.load()
        // Stopping releases moves no traffic: the router's client is not used (and need not answer).
        let deployer = context.deployer(EnvironmentRouter.client(folder: context.routerFolder))
        do {
            let stopped = try await deployer.stopAll()
            print(stopped.isEmpty ? "no release of \(context.environment.name) was running" : "stopped \(stopped.joined(separator: ", "))")
        } catch {
            throw DeployOptions.failure(error)
        }
        if await EnvironmentRouter.stop(folder: context.routerFolder) { print("stopped the router of \(context.environment.name)") }
    }
}

/// `gaara releases ENV`: the release history.
struct ReleasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "releases", abstract: "List an environment's releases, newest first.")

    @OptionGroup var target: EnvironmentArguments

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func run() async throws {
        let context = try await target.load()
        let history: ReleaseHistory
        do {
            history = try context.folder.history()
        } catch {
            throw CLIFailure(.failed, "\(error)")
        }
        if format == "json" {
            print(String(decoding: try EnvironmentFolder.encoder.encode(history.releases.reversed()), as: UTF8.self))
            return
        }
        guard format == "text" else { throw CLIFailure(.invalidInput, "--format must be text or json") }
        let formatter = ISO8601DateFormatter()
        for service in context.config.services {
            let releases = history.history(service.name)
            print("\(service.name) in \(context.environment.name):\(releases.isEmpty ? " no releases" : "")")
            for release in releases {
                let commit = release.commit.map { " \($0.prefix(7))" } ?? ""
                print(
                    "  \(release.id)  \(release.state.rawValue)  \(formatter.string(from: release.created))  \(release.creator)\(commit)  \(DeployCommand.short(release.artifact))"
                )
            }
        }
    }
}

/// `gaara rollout status|pause|resume|promote|abort ENV`.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Show or steer an environment's rollout in progress.",
        subcommands: [Status.self, Control.Pause.self, Control.Resume.self, Control.Promote.self, Control.Abort.self, Evidence.self])

    /// `gaara rollout status ENV`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract:
                "Each service's rollout: its steps, where it stands, and its traffic per release (weights, target health, requests/s, errors, p95).")

        @OptionGroup var target: EnvironmentArguments

        @Flag(help: "Show it again every second until Ctrl-C.")
        var watch = false

        @Option(help: "The seconds of traffic the rates are taken over (1 to 60).")
        var window = 10

        func run() async throws {
            guard (1...60).contains(window) else { throw CLIFailure(.invalidInput, "--window must be 1 to 60 seconds") }
            let context = try await target.load()
            let admin = EnvironmentRouter.client(folder: context.routerFolder)
            repeat {
                let text = await Self.render(context, admin: admin, window: window)
                // On a terminal the screen is redrawn in place.
                print(watch ? "\u{1B}[H\u{1B}[2J" + text : text, terminator: "")
                if watch { try await Task.sleep(for: .seconds(1)) }
            } while watch
        }

        /// The status of every service: the rollout's steps, then what the router sees of each release.
        static func render(_ context: DeployContext, admin: AdminClient, window: Int) async -> String {
            let history = (try? context.folder.history()) ?? ReleaseHistory(environment: context.environment.name)
            let routerUp = await EnvironmentRouter.answers(admin)
            var lines: [String] = []
            for service in context.config.services {
                let live = history.live(service.name).map(\.id) ?? "none"
                if let rollout = context.folder.rollout(service.name) {
                    let state = rollout.state
                    lines.append(
                        "\(service.name): live \(live); last rollout \(RolloutCommand.phase(state.phase)), \(state.weight)% on the new release")
                    for (index, step) in state.steps.enumerated() {
                        let mark = index < state.index ? "✓" : index == state.index && !state.phase.isFinished ? "▶" : " "
                        lines.append("  \(mark) \(step.summary)")
                    }
                } else {
                    lines.append("\(service.name): live \(live); no rollout yet")
                }
                guard routerUp else {
                    lines.append("  traffic: the router of \(context.environment.name) is not running")
                    continue
                }
                lines += await traffic(service.name, admin: admin, window: window)
            }
            return lines.joined(separator: "\n") + "\n"
        }

        /// `  web-2  weight 25%  targets 2/2 healthy  41.3 req/s  0.00% errors  p95 3 ms`, one line a release.
        static func traffic(_ service: String, admin: AdminClient, window: Int) async -> [String] {
            let decoder = AdminCoding.makeDecoder()
            guard let (status, body) = try? await admin.send(.GET, "/services/\(service)", timeout: 5), status == 200,
                let described = try? decoder.decode(ServiceStatus.self, from: body)
            else { return ["  traffic: not routed yet"] }
            var metrics: [String: MetricsWindow.Group] = [:]
            if let (status, body) = try? await admin.send(.GET, "/services/\(service)/metrics?window=\(window)", timeout: 5), status == 200,
                let window = try? decoder.decode(MetricsWindow.self, from: body)
            {
                for group in window.groups { metrics[group.group] = group }
            }
            var lines = ["  traffic (last \(window) s):"]
            for group in described.config.groups {
                let targets = described.targets.filter { $0.group == group.name }
                let healthy = targets.filter { $0.state == "healthy" && !$0.ejected }.count
                let figures = metrics[group.name]
                let rate = Double(figures?.requests ?? 0) / Double(window)
                lines.append(
                    "    \(group.name)  weight \(group.weight)%  targets \(healthy)/\(targets.count) healthy  "
                        + String(format: "%.1f req/s  %.2f%% errors  p95 %.0f ms", rate, (figures?.errorRate ?? 0) * 100, figures?.p95Ms ?? 0))
            }
            return lines
        }
    }

    /// The inputs sent to a running rollout through its environment's inbox.
    enum Control {
        /// Sends `word` with the operator's `comment`: through the server (which knows who is
        /// calling), or to the local rollout's inbox as this machine's user.
        static func send(_ word: String, _ target: EnvironmentArguments, _ server: ServerConnection, comment: String?) async throws {
            if let base = server.server {
                let repository = ServerConnection.encoded(await server.repository(directory: target.directory))
                let answer = try await server.client(base).call(
                    "POST", "/api/repos/\(repository)/environments/\(ServerConnection.encoded(target.environment))/rollout",
                    body: RolloutControlBody(action: word, comment: comment), as: RolloutJSON.self)
                print("sent '\(word)' to \(answer.kind) \(answer.id) of \(target.environment) on \(base)")
                return
            }
            let context = try await target.load()
            try context.folder.send(word, by: DeployCommand.creator, comment: comment)
            print("sent '\(word)' to the rollout of \(target.environment)")
        }

        /// `gaara rollout pause ENV`.
        struct Pause: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "pause", abstract: "Hold the rollout before its next step.")
            @OptionGroup var target: EnvironmentArguments
            @OptionGroup(title: "Through a server") var server: ServerConnection
            @Option(help: "Why (kept in the rollout's signed evidence).") var comment: String?
            func run() async throws { try await Control.send("pause", target, server, comment: comment) }
        }

        /// `gaara rollout resume ENV`.
        struct Resume: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "resume", abstract: "Continue a paused rollout.")
            @OptionGroup var target: EnvironmentArguments
            @OptionGroup(title: "Through a server") var server: ServerConnection
            @Option(help: "Why (kept in the rollout's signed evidence).") var comment: String?
            func run() async throws { try await Control.send("resume", target, server, comment: comment) }
        }

        /// `gaara rollout promote ENV [--full]`.
        struct Promote: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "promote", abstract: "End the current pause (with --full, skip the remaining pauses and partial weights).")
            @OptionGroup var target: EnvironmentArguments
            @Flag(help: "Go to 100% at once.") var full = false
            @OptionGroup(title: "Through a server") var server: ServerConnection
            @Option(help: "Why (kept in the rollout's signed evidence).") var comment: String?
            func run() async throws { try await Control.send(full ? "promote-full" : "promote", target, server, comment: comment) }
        }

        /// `gaara rollout abort ENV`.
        struct Abort: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "abort", abstract: "Send the traffic back to the stable release at once and stop the new one.")
            @OptionGroup var target: EnvironmentArguments
            @OptionGroup(title: "Through a server") var server: ServerConnection
            @Option(help: "Why (kept in the rollout's signed evidence).") var comment: String?
            func run() async throws { try await Control.send("abort", target, server, comment: comment) }
        }
    }

    static func phase(_ phase: RolloutController.Phase) -> String {
        switch phase {
        case .pending: "pending"
        case .running: "running"
        case .paused: "paused"
        case .aborting(let reason): "aborting (\(reason))"
        case .succeeded: "succeeded"
        case .aborted(let reason): "aborted (\(reason))"
        }
    }
}
