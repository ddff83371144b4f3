import ArgumentParser
import Foundation
import GaaraAlertCore
import GaaraAlerts
import GaaraDeploy
import GaaraWorkflow

/// `gaara alerts`: the repository's alert rules (`.gaara/alerts.yml`, or the guide's defaults) at work.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Evaluate the alert rules and notify their receivers; list alerts; silence them.",
        subcommands: [Watch.self, List.self, Silence.self, Silences.self, Expire.self])

    /// The repository the alerts commands act on, and its alerting state folder.
    struct Place: ParsableArguments {
        @Option(
            name: [.customShort("C"), .customLong("directory")],
            help: ArgumentHelp("The repository (default: the current directory's).", valueName: "directory"))
        var directory: String?

        /// The repository's top level.
        func repository() async -> URL {
            let start = URL(fileURLWithPath: directory ?? FileManager.default.currentDirectoryPath)
            return await LocalRepository.topLevel(from: start) ?? start.standardizedFileURL
        }

        /// `.gaara/deploy/alerts` (under `GAARA_DEPLOY_DIR` when set, like the environments' data).
        func folder() async -> AlertStateFolder {
            if let root = ProcessInfo.processInfo.environment[DeployContext.folderVariable] {
                return AlertStateFolder(root: URL(fileURLWithPath: root))
            }
            return AlertStateFolder(root: await repository().appendingPathComponent(".gaara/deploy"))
        }
    }

    /// `gaara alerts watch [ENV…]`: the alerting loop in the foreground.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch",
            abstract: "Evaluate the alert rules over the environments' routers, release records and this machine, and notify.",
            discussion: """
                Reads .gaara/alerts.yml (the guide's default rules when there is none) and .gaara/deploy.yml; \
                the receivers' secrets come from the environment or --secret. Prints each alert's changes \
                and each notification sent. Runs until interrupted (or one evaluation with --once).
                """)

        @Argument(help: "Environments to watch (default: every environment in .gaara/deploy.yml).")
        var environments: [String] = []

        @OptionGroup var place: Place

        @Option(help: "Seconds between evaluations (a duration: 15s, 1m).")
        var interval: String = "15s"

        @Option(help: "Seconds of the router's traffic each evaluation looks at (1 to 60).")
        var window: Int = 60

        @Option(help: "A receiver's secret, NAME=VALUE (also read from the environment).")
        var secret: [String] = []

        @Option(help: "The dashboard's address, linked from each message.")
        var externalURL: String?

        @Flag(help: "Evaluate once, print the alerts, and exit.")
        var once = false

        @Option(help: "Serve the latest samples and alerts for Prometheus at http://HOST:PORT/metrics (127.0.0.1:9464, say).")
        var listen: String?

        func run() async throws {
            guard let seconds = DeployConfigLoader.seconds(interval), seconds > 0 else {
                throw CLIFailure(.invalidInput, "--interval must be a duration like 15s or 1m, not '\(interval)'")
            }
            let repository = await place.repository()
            let state = await place.folder()
            let config = try Self.alertConfig(in: repository)
            let variables = try DeployOptions.variables(secret)
            var sources: [any MetricSource] = [HostMetricsSource()]
            if FileManager.default.fileExists(atPath: repository.appendingPathComponent(".gaara/deploy.yml").path) {
                let names = environments.isEmpty ? try await DeployContext.environmentNames(directory: repository.path) : environments
                for name in names {
                    let context = try await DeployContext.load(name, directory: repository.path)
                    let admin = EnvironmentRouter.client(folder: context.routerFolder)
                    sources.append(
                        EnvironmentMetricSource(
                            environment: name, services: context.config.services.map(\.name), folder: context.folder, admin: admin, window: window))
                    // Its hosts and containers (SSH hosts with the environment's key, STAGING_SSH_KEY).
                    let deployer = context.deployer(admin, variables: variables)
                    sources.append(EnvironmentHostsSource(environment: name) { await deployer.hostReadings() })
                }
            } else if !environments.isEmpty {
                throw CLIFailure(.invalidInput, "no .gaara/deploy.yml in \(repository.path): no environment to watch")
            }
            let notifier = AlertNotifier(
                config: config, variables: variables, externalURL: externalURL, caDirectory: repository,
                log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            // Goes on from the last watcher's state: a `for` keeps counting, a sent group is not sent again.
            let loop = AlertLoop(config: config, sources: sources, delivery: PrintingDelivery(notifier: notifier), restoring: state.state())
            if let listen, !once {
                let (host, port) = try Self.address(listen)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await MetricsEndpoint.serve(loop, host: host, port: port) }
                    group.addTask { try await watch(loop, state: state, interval: seconds) }
                    try await group.next()
                    group.cancelAll()
                }
                return
            }
            try await watch(loop, state: state, interval: seconds)
        }

        /// Evaluates every `interval` seconds (once with `--once`), saving the state and printing what changed.
        func watch(_ loop: AlertLoop, state: AlertStateFolder, interval seconds: Double) async throws {
            var previous: [String: Alert.State] = [:]
            while true {
                let now = Date().timeIntervalSince1970
                await loop.sync(silences: state.silences())
                await loop.cycle(at: now)
                do {
                    try state.save(await loop.snapshot(at: now))
                } catch {
                    FileHandle.standardError.write(Data("warning: the alerts' state could not be saved in \(state.url.path): \(error)\n".utf8))
                }
                let alerts = await loop.alerts
                for alert in alerts where previous[alert.fingerprint] != alert.state || once {
                    AlertsCommand.say("\(alert.state.rawValue) \(LabelText.render(alert.labels)) value \(String(format: "%g", alert.value))")
                }
                previous = Dictionary(alerts.filter { $0.state != .resolved }.map { ($0.fingerprint, $0.state) }, uniquingKeysWith: { $1 })
                if once { return }
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            }
        }

        /// `HOST:PORT` of `--listen`.
        static func address(_ text: String) throws -> (String, Int) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
                colon != text.startIndex
            else {
                throw CLIFailure(.invalidInput, "--listen must be HOST:PORT (127.0.0.1:9464), not '\(text)'")
            }
            return (String(text[..<colon]), port)
        }

        /// `.gaara/alerts.yml` (or `.yaml`) of `repository`, or the defaults; its errors at `path:line:col`.
        static func alertConfig(in repository: URL) throws -> AlertConfig {
            guard let file = WorkflowDiscovery.gaaraFile("alerts", inRepository: repository) else { return AlertConfig() }
            let text = try WorkflowDiscovery.read(file, displayPath: ".gaara/\(file.lastPathComponent)")
            let result = AlertConfigLoader.load(text: text, path: ".gaara/\(file.lastPathComponent)")
            guard let config = result.config else { throw CLIFailure(.invalidInput, result.rendered, plain: true) }
            return config
        }
    }

    /// A line on standard output at once (a watcher's output is read as it comes, often through a pipe).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Delivers through the notifier and says so on standard output.
    struct PrintingDelivery: AlertDelivery {
        let notifier: AlertNotifier

        func deliver(_ notification: AlertNotification, at time: Date) async {
            AlertsCommand.say("notify \(notification.receiver): \(notification.title)")
            await notifier.deliver(notification, at: time)
        }
    }
}
