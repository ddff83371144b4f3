import ArgumentParser
import Foundation
import GaaraRouter
import GaaraRouterCore
import GaaraServer
import Logging
import ServiceLifecycle

/// `gaara serve`: the CI server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the CI server: git hosting, webhooks, schedules, the run queue, the REST API and the dashboard.",
        discussion: """
            Keeps everything under the data directory (SQLite database, bare repositories, logs, artifacts, caches). The first \
            start prints an admin token once. Stop with Ctrl-C or SIGTERM; after a crash, runs that were running are marked \
            interrupted on the next start.
            """
    )

    @Option(name: .customLong("data"), help: "The data directory (default: $GAARA_DATA or ~/.local/share/gaara).")
    var dataDirectory: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one; the URL is printed and written to server.json).")
    var port = 8080

    @Option(name: .customLong("jobs"), help: "How many jobs may run at once over all runs (default: the number of cores).")
    var parallelJobs: Int?

    @Option(help: "Remove artifacts of runs finished more than this many days ago.")
    var artifactRetentionDays = 90.0

    @Option(help: "Remove cache entries unused for this many days.")
    var cacheRetentionDays = 7.0

    @Option(help: "A GitHub-compatible API base URL to post commit statuses to (e.g. https://api.github.com).")
    var statusURL: String?

    @Option(help: "The token for --status-url (default: $GAARA_STATUS_TOKEN).")
    var statusToken: String?

    @Option(help: "How many MB a second each live log subscriber gets while its run runs (they catch up when it ends).")
    var liveLogRate = 2.0

    @Option(help: "How many MB a second all the live log subscribers of one run get together while it runs.")
    var liveLogRunRate = 16.0

    @Option(help: "Also run the traffic router on HOST:PORT (its table in DATA/router.json, its admin API on DATA/router.sock).")
    var routerListen: String?

    @Option(
        help: ArgumentHelp(
            "How steps are confined: sandbox (bubblewrap without the data directory, another user when root, a cgroup per job) or none.",
            discussion: "none lets every workflow read the server's keys; see the README's security model."))
    var isolation = "sandbox"

    @Option(help: "The unprivileged user steps run as when the server runs as root (created when missing).")
    var stepUser = "gaara-step"

    @Option(
        name: .customLong("router-trusted-proxy"),
        help: ArgumentHelp("The router's --trusted-proxy: a proxy in front of it, as CIDR (repeatable).", discussion: RouterCommand.trustedProxyHelp))
    var routerTrustedProxies: [String] = []

    @Option(
        help: ArgumentHelp("The router's --header-timeout: seconds a client has to send a request head.", discussion: RouterCommand.headerTimeoutHelp)
    )
    var routerHeaderTimeout = 10.0

    @Option(
        name: .customLong("approval-timeout"),
        help: "How long a deployment waits for review before its job fails: a number with s, m, h or d (default: 30d, as on GitHub).")
    var approvalTimeout = "30d"

    @Option(
        name: .customLong("alert-interval"),
        help: "How often each repository's alert rules are evaluated: a number with s, m or h (default: 15s).")
    var alertInterval = "15s"

    @Flag(help: "Start runs interrupted by a crash again, as new attempts.")
    var requeueInterrupted = false

    @Flag(help: "Log every HTTP request.")
    var verbose = false

    /// Seconds in `90s`, `15m`, `12h`, `30d` (a bare number is seconds); nil when it is none of these.
    static func duration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()), value.isFinite { return value * factor }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }

    static func defaultDataDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["GAARA_DATA"], !data.isEmpty { return data }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.local/share"
        return base + "/gaara"
    }

    func run() async throws {
        // One log line per event on stderr: `2026-12-05T17:00:00+0000 warning gaara.serve : run.id=7 [GaaraServer] message`.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .info : .notice
            return handler
        }
        guard (0...65535).contains(port) else { throw CLIFailure(.invalidInput, "--port must be 0 to 65535") }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let data = URL(fileURLWithPath: dataDirectory ?? Self.defaultDataDirectory(), relativeTo: cwd).standardizedFileURL
        guard let executable = GaaraCommand.executable else {
            throw CLIFailure(.invalidInput, "cannot find the gaara executable")
        }
        var configuration = ServerConfiguration(dataDirectory: data, executable: executable)
        configuration.host = host
        configuration.port = port
        if let parallelJobs { configuration.maxParallelJobs = max(1, parallelJobs) }
        configuration.artifactRetentionDays = artifactRetentionDays
        configuration.cacheRetentionDays = cacheRetentionDays
        configuration.statusAPIURL = statusURL
        configuration.statusAPIToken = statusToken ?? ProcessInfo.processInfo.environment["GAARA_STATUS_TOKEN"]
        configuration.requeueInterrupted = requeueInterrupted
        configuration.verbose = verbose
        guard let timeout = Self.duration(approvalTimeout), timeout > 0 else {
            throw CLIFailure(
                .invalidInput, "--approval-timeout must be a positive number with s, m, h or d (like 30d or 12h); not '\(approvalTimeout)'")
        }
        configuration.approvalTimeout = timeout
        guard let interval = Self.duration(alertInterval), interval > 0 else {
            throw CLIFailure(.invalidInput, "--alert-interval must be a positive number with s, m or h (like 15s); not '\(alertInterval)'")
        }
        configuration.alertInterval = interval
        guard let mode = StepIsolationMode(rawValue: isolation) else {
            throw CLIFailure(.invalidInput, "--isolation must be sandbox or none")
        }
        configuration.isolation = mode
        configuration.stepUser = stepUser
        guard liveLogRate > 0 else { throw CLIFailure(.invalidInput, "--live-log-rate must be positive") }
        configuration.liveLogBytesPerSecond = Int(liveLogRate * 1024 * 1024)
        guard liveLogRunRate > 0 else { throw CLIFailure(.invalidInput, "--live-log-run-rate must be positive") }
        configuration.liveLogBytesPerSecondPerRun = Int(liveLogRunRate * 1024 * 1024)
        let server: CIServer
        do {
            server = try CIServer(configuration: configuration)
        } catch let error as IsolationError {
            throw CLIFailure(.invalidInput, "cannot isolate steps: \(error)")
        } catch {
            throw CLIFailure(.invalidInput, "cannot open \(data.path): \(error)")
        }
        guard let routerListen else {
            try await server.run { url in
                FileHandle.standardOutput.write(Data("gaara serve: listening on \(url) (data: \(data.path))\n".utf8))
            }
            return
        }
        guard let address = TargetAddress(routerListen) else {
            throw CLIFailure(.invalidInput, "--router-listen \(routerListen): expected host:port")
        }
        let settings = try RouterCommand.settings(trustedProxies: routerTrustedProxies, headerTimeout: routerHeaderTimeout, options: "--router-")
        let router: RouterService
        do {
            router = try RouterService(
                stateFile: data.appendingPathComponent("router.json"), host: address.host, port: address.port,
                threads: ProxyServer.defaultThreads, admin: .unixSocket(data.appendingPathComponent("router.sock").path), settings: settings)
        } catch {
            throw CLIFailure(.invalidInput, "cannot start the router on \(routerListen): \(error)")
        }
        let port = router.proxy.port
        var routing = router
        routing.events = server.events
        // The router is one more service of the server's group: it stops (draining requests in
        // flight) after the HTTP server and before the run queue.
        let routerService = RouterRunner(router: routing) {
            FileHandle.standardOutput.write(Data("gaara serve: router listening on \(address.host):\(port), admin on \($0)\n".utf8))
        }
        try await server.run(
            onListening: { url in
                FileHandle.standardOutput.write(Data("gaara serve: listening on \(url) (data: \(data.path))\n".utf8))
            }, services: [routerService])
    }
}

/// `gaara serve --router-listen`'s router as a service: it runs until graceful shutdown.
struct RouterRunner: Service {
    let router: RouterService
    let onListening: @Sendable (String) -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown { [router, onListening] in
            try await router.run(handleSignals: false, onListening: onListening)
        }
    }
}
