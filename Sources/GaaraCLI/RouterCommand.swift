import ArgumentParser
import Foundation
import GaaraRouter
import GaaraRouterCore
import Hummingbird
import NIOHTTP1

/// `gaara router`: the traffic router, standalone, and the commands that talk to it.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router", abstract: "Run the traffic router, or change a running one (weights, switches, services).",
        subcommands: [Run.self, Add.self, SetWeight.self, Switch.self, Pause.self, Resume.self, Status.self, Targets.self, Remove.self],
        defaultSubcommand: Run.self)

    /// Where a running router's admin API is.
    struct Admin: ParsableArguments {
        @Option(help: "The admin endpoint: unix:/path or http://127.0.0.1:PORT (default: $GAARA_ROUTER_ADMIN or unix:/tmp/gaara-router.sock).")
        var admin: String?

        @Option(help: "The admin token for a TCP endpoint (default: $GAARA_ROUTER_TOKEN).")
        var adminToken: String?

        var client: AdminClient {
            let environment = ProcessInfo.processInfo.environment
            return AdminClient(
                endpoint: admin ?? environment["GAARA_ROUTER_ADMIN"] ?? "unix:/tmp/gaara-router.sock",
                token: adminToken ?? environment["GAARA_ROUTER_TOKEN"])
        }

        /// Sends `body` as the admin API's JSON (snake_case keys, the router's own ``GaaraRouterCore`` types).
        func call(_ method: HTTPMethod, _ path: String, body: (some Encodable)? = nil as String?) async throws {
            let data = try body.map { try AdminCoding.makeEncoder().encode($0) }
            let (status, answer) = try await client.send(method, path, body: data)
            let text = String(decoding: answer, as: UTF8.self)
            guard (200..<300).contains(status) else {
                let message = (try? JSONDecoder().decode(AdminErrorAnswer.self, from: answer))?.error?.message ?? text
                throw CLIFailure(.failed, "router: HTTP \(status): \(message)")
            }
            if !text.isEmpty { print(text) }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the router (the default).")

        @Option(help: "Where to take traffic (host:port).")
        var listen = "127.0.0.1:8000"

        @Option(help: "The admin API's Unix socket.")
        var adminSocket = "/tmp/gaara-router.sock"

        @Option(help: "Serve the admin API on loopback TCP (host:port) instead, with --admin-token.")
        var adminListen: String?

        @Option(help: "The token the TCP admin API requires (default: $GAARA_ROUTER_TOKEN).")
        var adminToken: String?

        @Option(help: "Where the routing table is kept across restarts.")
        var state = "gaara-router.json"

        @Option(help: "Forwarding threads (default: the number of cores plus one).")
        var threads: Int?

        @Option(
            name: .customLong("trusted-proxy"),
            help: ArgumentHelp(
                "A proxy in front of the router, as CIDR (repeatable: 127.0.0.1/32, ::1/128, 10.0.0.0/8).",
                discussion: RouterCommand.trustedProxyHelp))
        var trustedProxies: [String] = []

        @Option(help: ArgumentHelp("Seconds a client has to send a request head.", discussion: RouterCommand.headerTimeoutHelp))
        var headerTimeout = 10.0

        func run() async throws {
            guard let address = TargetAddress(listen) else { throw CLIFailure(.invalidInput, "--listen \(listen): expected host:port") }
            let endpoint: RouterAdmin.Listen
            if let adminListen {
                guard let admin = TargetAddress(adminListen) else { throw CLIFailure(.invalidInput, "--admin-listen: expected host:port") }
                guard let token = adminToken ?? ProcessInfo.processInfo.environment["GAARA_ROUTER_TOKEN"], !token.isEmpty else {
                    throw CLIFailure(.invalidInput, "--admin-listen needs --admin-token (or GAARA_ROUTER_TOKEN)")
                }
                endpoint = .tcp(host: admin.host, port: admin.port, token: token)
            } else {
                endpoint = .unixSocket(adminSocket)
            }
            let settings = try RouterCommand.settings(trustedProxies: trustedProxies, headerTimeout: headerTimeout, options: "--")
            let router: RouterService
            do {
                router = try RouterService(
                    stateFile: URL(fileURLWithPath: state), host: address.host, port: address.port,
                    threads: threads ?? ProxyServer.defaultThreads, admin: endpoint, settings: settings)
            } catch {
                throw CLIFailure(.invalidInput, "cannot start the router (table \(state), listening on \(listen)): \(error)")
            }
            let port = router.proxy.port
            try await router.run(handleSignals: true) { admin in
                FileHandle.standardOutput.write(Data("gaara router: listening on \(address.host):\(port), admin on \(admin)\n".utf8))
            }
        }
    }

    static let trustedProxyHelp = """
        From these clients the X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto and Forwarded headers are kept and the \
        router adds its hop; from any other client they are replaced by what the router saw (its address, its Host, http).
        """

    static let headerTimeoutHelp = """
        Counted from the accept, or on a kept-alive connection from the end of the previous answer and again from the first \
        byte of the next head. Then a connection with part of a head gets 408 and is closed; an idle one is closed.
        """

    /// The router's ``ProxySettings`` from its options (`options`: their prefix, `--` or `--router-`, for messages).
    static func settings(trustedProxies: [String], headerTimeout: Double, options: String) throws -> ProxySettings {
        var ranges: [AddressRange] = []
        for text in trustedProxies {
            guard let range = AddressRange(text) else {
                throw CLIFailure(.invalidInput, "\(options)trusted-proxy \(text): expected an address or a CIDR block (10.0.0.0/8, ::1/128)")
            }
            ranges.append(range)
        }
        guard headerTimeout > 0, headerTimeout.isFinite else {
            throw CLIFailure(.invalidInput, "\(options)header-timeout must be a positive number of seconds")
        }
        return ProxySettings(trustedProxies: ranges, headerTimeout: headerTimeout)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Create or replace a service: its hosts, path prefix and target groups.")

        @Argument var service: String
        @Option(name: .customLong("group"), help: "A target group, NAME=HOST:PORT[,HOST:PORT…][@WEIGHT] (repeatable, in rollout order).")
        var groups: [String] = []
        @Option(name: .customLong("host"), help: "A host name it answers (repeatable; none: any host).")
        var hosts: [String] = []
        @Option(help: "The path prefix it answers.") var path = "/"
        @Option(help: "none, assigned[:COOKIE], cookie:NAME or header:NAME.") var sticky = "assigned"
        @Option(help: "Active health checks on this path (none without).") var healthPath: String?
        @Option(help: "Seconds between health checks.") var healthInterval = 1.0
        @Option(help: "Seconds to connect to a target.") var connectTimeout = 5.0
        @Option(help: "Seconds to wait for a target's answer (and between its body parts).") var readTimeout = 60.0
        @Option(help: "Largest request body in bytes.") var maxBody = 1 << 30
        @Option(help: "Seconds a switch waits for the old side's requests.") var drainTimeout = 30.0
        @Option(help: "Seconds a request waits while the service is paused.") var pauseTimeout = 30.0
        @OptionGroup var admin: Admin

        func run() async throws {
            var parsed: [TargetGroup] = []
            for group in groups {
                guard let equals = group.firstIndex(of: "=") else {
                    throw CLIFailure(.invalidInput, "--group \(group): expected NAME=HOST:PORT,…[@WEIGHT]")
                }
                var rest = String(group[group.index(after: equals)...])
                var weight = parsed.isEmpty ? 100 : 0
                if let at = rest.lastIndex(of: "@"), let value = Int(rest[rest.index(after: at)...]) {
                    weight = value
                    rest = String(rest[..<at])
                }
                let targets = rest.split(separator: ",").map { TargetAddress(String($0)) }
                guard !targets.isEmpty, targets.allSatisfy({ $0 != nil }) else {
                    throw CLIFailure(.invalidInput, "--group \(group): bad target address")
                }
                parsed.append(TargetGroup(name: String(group[..<equals]), targets: targets.compactMap { $0 }, weight: weight))
            }
            var config = ServiceConfig(name: service, hosts: hosts, pathPrefix: path, groups: parsed)
            switch sticky.split(separator: ":", maxSplits: 1).map(String.init) {
            case ["none"]: config.sticky = .none
            case ["assigned"]: config.sticky = .assigned("gaara_bucket")
            case let parts where parts.count == 2 && parts[0] == "assigned": config.sticky = .assigned(parts[1])
            case let parts where parts.count == 2 && parts[0] == "cookie": config.sticky = .cookie(parts[1])
            case let parts where parts.count == 2 && parts[0] == "header": config.sticky = .header(parts[1])
            default: throw CLIFailure(.invalidInput, "--sticky \(sticky): expected none, assigned[:COOKIE], cookie:NAME or header:NAME")
            }
            config.pauseTimeout = pauseTimeout
            config.connectTimeout = connectTimeout
            config.readTimeout = readTimeout
            config.maxBodyBytes = maxBody
            config.drainTimeout = drainTimeout
            if let healthPath {
                var check = HealthCheck()
                check.path = healthPath
                check.interval = healthInterval
                check.timeout = 1
                config.healthCheck = check
            }
            try await admin.call(.PUT, "/services/\(service)", body: config)
        }
    }

    struct SetWeight: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-weight", abstract: "Set a group's share of a service's traffic (0–100).")
        @Argument var service: String
        @Argument var group: String
        @Argument var weight: Int
        @OptionGroup var admin: Admin

        func run() async throws {
            try await admin.call(.POST, "/services/\(service)/weights", body: WeightsBody(weights: [group: weight]))
        }
    }

    struct Switch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send all of a service's traffic to one group; returns when the other groups have drained.")
        @Argument var service: String
        @Argument var group: String
        @OptionGroup var admin: Admin

        func run() async throws {
            try await admin.call(.POST, "/services/\(service)/switch", body: SwitchBody(group: group))
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold a service's requests (they wait instead of failing).")
        @Argument var service: String
        @OptionGroup var admin: Admin

        func run() async throws { try await admin.call(.POST, "/services/\(service)/pause") }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a paused service's requests through.")
        @Argument var service: String
        @OptionGroup var admin: Admin

        func run() async throws { try await admin.call(.POST, "/services/\(service)/resume") }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a service.")
        @Argument var service: String
        @OptionGroup var admin: Admin

        func run() async throws { try await admin.call(.DELETE, "/services/\(service)") }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the routing table, or one service with its targets' state.")
        @Argument var service: String?
        @OptionGroup var admin: Admin

        func run() async throws { try await admin.call(.GET, service.map { "/services/\($0)" } ?? "/services") }
    }

    struct Targets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every target with its health state (adding, healthy, unhealthy, draining).")
        @OptionGroup var admin: Admin

        func run() async throws { try await admin.call(.GET, "/targets") }
    }
}

/// The router admin API's error answer, `{"error":{"message":…}}`; either level may be missing.
private struct AdminErrorAnswer: Decodable {
    struct Detail: Decodable {
        let message: String?
    }

    let error: Detail?
}
