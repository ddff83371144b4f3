import GaaraDeployCore

/// Reads `.gaara/deploy.yml` with `path:line:col` diagnostics, as workflows are read: unknown keys
/// with a suggestion, wrong kinds, missing fields, durations, and strategies checked by the same
/// ``RolloutPlan`` the controller runs.
public enum DeployConfigLoader {
    /// The result of loading the file.
    public struct Result: Sendable {
        /// The file that was read.
        public let file: SourceFile
        /// The configuration, nil when the YAML could not be read or has errors.
        public let config: DeployConfig?
        /// Every problem, in file order.
        public let diagnostics: [Diagnostic]

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        /// The problems as `path:line:col: severity: message` lines, for a configuration that
        /// could not be loaded (what `gaara deploy` prints and the server answers with).
        public var rendered: String {
            DiagnosticRenderer.render(diagnostics, in: file, excerpts: false).trimmingCharacters(in: .newlines)
        }
    }

    static let topKeys = ["services", "environments"]
    static let serviceKeys = ["image", "command", "release-dir", "port", "env", "secrets", "health", "stop-grace", "proxy"]
    static let proxyKeys = ["host", "path-prefix"]
    static let healthKeys = ["path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold", "deadline"]
    static let environmentKeys = ["hosts", "router", "strategy", "scale-down-delay", "smoke-tests", "keep", "bake", "notify", "pre-rollback"]
    static let strategies = ["recreate", "rolling", "blue-green", "canary"]

    /// Loads and checks the configuration from its text.
    public static func load(text: String, path: String) -> Result {
        let file = SourceFile(path: path, text: text)
        let (root, yamlError) = YAMLLoader.load(file)
        guard let root else { return Result(file: file, config: nil, diagnostics: yamlError.map { [$0] } ?? []) }
        var decoder = DeployConfigDecoder(session: DecodingSession(file: file))
        decoder.session.documentKind = "deploy configuration"
        let config = decoder.decode(root)
        let diagnostics = WorkflowLoader.sorted(decoder.session.diagnostics)
        return Result(file: file, config: diagnostics.contains { $0.severity == .error } ? nil : config, diagnostics: diagnostics)
    }

    /// Seconds of a reporting window written `90d`, `4w` (28 days), `12h` or as ``seconds(_:)`` takes
    /// it; nil when malformed or not above 0.
    public static func window(_ text: String) -> Double? {
        let days = text.hasSuffix("w") ? Double(text.dropLast()).map { "\(Int($0 * 7))d" } ?? text : text
        guard let seconds = seconds(days), seconds > 0 else { return nil }
        return seconds
    }

    /// Seconds from `90`, `1.5`, `500ms`, `30s`, `2m`, `1h30m`; nil when malformed.
    public static func seconds(_ text: String) -> Double? {
        if let number = Double(text), number >= 0 { return number }
        var total = 0.0
        var digits = ""
        var rest = Substring(text)
        var sawUnit = false
        while let character = rest.first {
            if character.isNumber || character == "." {
                digits.append(character)
                rest = rest.dropFirst()
                continue
            }
            guard let value = Double(digits) else { return nil }
            let unit: Double
            if rest.hasPrefix("ms") {
                unit = 0.001
                rest = rest.dropFirst(2)
            } else {
                switch character {
                case "s": unit = 1
                case "m": unit = 60
                case "h": unit = 3600
                case "d": unit = 86400
                default: return nil
                }
                rest = rest.dropFirst()
            }
            total += value * unit
            digits = ""
            sawUnit = true
        }
        return sawUnit && digits.isEmpty ? total : nil
    }
}

/// The decoding of one file.
struct DeployConfigDecoder {
    var session: DecodingSession
    /// The `analysis` of the canary strategy decoded last.
    var canaryAnalysis: CanaryAnalysisSettings?
    /// Whether that strategy said `analysis` at all (without it a canary gets the judge's defaults).
    var canaryAnalysisGiven = false

    mutating func decode(_ root: YAMLNode) -> DeployConfig {
        var config = DeployConfig(path: session.file.path, services: [], environments: [])
        guard let pairs = session.mapping(root, "a deploy configuration") else { return config }
        for pair in pairs {
            guard let key = session.keyText(pair, in: "the deploy configuration") else { continue }
            switch key {
            case "services":
                for entry in session.mapping(pair.value, "'services'") ?? [] {
                    guard let name = session.keyText(entry, in: "'services'") else { continue }
                    if checkName(name, at: entry.key.location, what: "service"), let service = decodeService(name, entry) {
                        config.services.append(service)
                    }
                }
            case "environments":
                for entry in session.mapping(pair.value, "'environments'") ?? [] {
                    guard let name = session.keyText(entry, in: "'environments'") else { continue }
                    if checkName(name, at: entry.key.location, what: "environment"), let environment = decodeEnvironment(name, entry) {
                        config.environments.append(environment)
                    }
                }
            default: session.unknownKey(pair.key, allowed: DeployConfigLoader.topKeys, in: "the deploy configuration")
            }
        }
        if !pairs.contains(where: { $0.key.scalarText == "services" }) {
            session.error("a deploy configuration needs 'services'", at: root.location)
        }
        if !pairs.contains(where: { $0.key.scalarText == "environments" }) {
            session.error("a deploy configuration needs 'environments'", at: root.location)
        }
        return config
    }

    /// Names become labels, folder names and router service names: letters, digits, `-` and `_`.
    mutating func checkName(_ name: String, at location: SourceLocation, what: String) -> Bool {
        let valid =
            !name.isEmpty && name.count <= 63 && name.first!.isLetter
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        if !valid {
            session.error("\(what) name '\(name)' must start with a letter and hold only letters, digits, '-' and '_' (at most 63)", at: location)
        }
        return valid
    }

    mutating func decodeService(_ name: String, _ pair: YAMLNode.Pair) -> DeployService? {
        let owner = "service '\(name)'"
        guard let fields = session.mapping(pair.value, owner) else { return nil }
        var image: String?
        var command: String?
        var directory: String?
        var port: Int?
        var env: [String: String] = [:]
        var secrets: [String] = []
        var health = HealthCheckConfig()
        var stopGrace = 10.0
        var proxyHosts: [String] = []
        var pathPrefix = "/"
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "image": image = session.string(field.value, "'image'")
            case "command": command = session.string(field.value, "'command'")
            case "release-dir": directory = session.string(field.value, "'release-dir'")
            case "port": port = integer(field.value, "'port'", in: 1...65535)
            case "env":
                for entry in session.mapping(field.value, "'env'", allowNull: true) ?? [] {
                    guard let variable = session.keyText(entry, in: "'env'"), let value = session.string(entry.value, "'env.\(variable)'") else {
                        continue
                    }
                    env[variable] = value
                }
            case "secrets": secrets = (session.stringList(field.value, "'secrets'") ?? []).map(\.0)
            case "health": health = decodeHealth(field.value, owner: owner)
            case "stop-grace": stopGrace = duration(field.value, "'stop-grace'") ?? stopGrace
            case "proxy":
                for entry in session.mapping(field.value, "\(owner)'s 'proxy'") ?? [] {
                    guard let key = session.keyText(entry, in: "'proxy'") else { continue }
                    switch key {
                    case "host": proxyHosts = (session.stringList(entry.value, "'proxy.host'") ?? []).map(\.0)
                    case "path-prefix":
                        if let prefix = session.string(entry.value, "'proxy.path-prefix'") {
                            if prefix.hasPrefix("/") {
                                pathPrefix = prefix
                            } else {
                                session.error("'proxy.path-prefix' must start with '/'", at: entry.value.location)
                            }
                        }
                    default: session.unknownKey(entry.key, allowed: DeployConfigLoader.proxyKeys, in: "'proxy'")
                    }
                }
            default: session.unknownKey(field.key, allowed: DeployConfigLoader.serviceKeys, in: owner)
            }
        }
        let artifact: DeployService.Artifact
        switch (image, command) {
        case (let image?, nil):
            if directory != nil { session.error("\(owner): 'release-dir' goes with 'command', not 'image'", at: pair.key.location) }
            artifact = .image(image)
        case (nil, let command?):
            artifact = .command(command, directory: directory ?? ".")
        case (.some, .some):
            session.error("\(owner) has both 'image' and 'command'; give one", at: pair.key.location)
            return nil
        case (nil, nil):
            session.error("\(owner) needs 'image' or 'command'", at: pair.key.location)
            return nil
        }
        guard let port else {
            if !fields.contains(where: { $0.key.scalarText == "port" }) {
                session.error("\(owner) needs 'port' (the port it listens on)", at: pair.key.location)
            }
            return nil
        }
        return DeployService(
            name: name, artifact: artifact, port: port, env: env, secrets: secrets, health: health, stopGrace: stopGrace, proxyHosts: proxyHosts,
            pathPrefix: pathPrefix, location: pair.key.location)
    }

    mutating func decodeHealth(_ node: YAMLNode, owner: String) -> HealthCheckConfig {
        var health = HealthCheckConfig()
        for field in session.mapping(node, "\(owner)'s 'health'") ?? [] {
            guard let key = session.keyText(field, in: "'health'") else { continue }
            switch key {
            case "path":
                if let path = session.string(field.value, "'health.path'") {
                    if path.hasPrefix("/") {
                        health.path = path
                    } else {
                        session.error("'health.path' must start with '/'", at: field.value.location)
                    }
                }
            case "interval": health.interval = positiveDuration(field.value, "'health.interval'") ?? health.interval
            case "timeout": health.timeout = positiveDuration(field.value, "'health.timeout'") ?? health.timeout
            case "deadline": health.deadline = positiveDuration(field.value, "'health.deadline'") ?? health.deadline
            case "healthy-threshold":
                health.healthyThreshold = integer(field.value, "'health.healthy-threshold'", in: 1...100) ?? health.healthyThreshold
            case "unhealthy-threshold":
                health.unhealthyThreshold = integer(field.value, "'health.unhealthy-threshold'", in: 1...100) ?? health.unhealthyThreshold
            default: session.unknownKey(field.key, allowed: DeployConfigLoader.healthKeys, in: "'health'")
            }
        }
        return health
    }

    mutating func decodeEnvironment(_ name: String, _ pair: YAMLNode.Pair) -> DeployEnvironment? {
        let owner = "environment '\(name)'"
        guard let fields = session.mapping(pair.value, owner) else { return nil }
        var hosts: [(String, SourceLocation)] = []
        var router: String?
        var strategyNode: YAMLNode?
        var scaleDownDelay = 600.0
        var smokeTests: String?
        var keep = 3
        // The guide's "monitor for 30 minutes" after a production deploy; elsewhere none unless asked.
        var bake = name == "production" ? 1800.0 : 0
        var notify = NotifySettings()
        var preRollback: String?
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "hosts": hosts = session.stringList(field.value, "'hosts'") ?? []
            case "router":
                if let text = session.string(field.value, "'router'") {
                    if Self.isLoopbackAddress(text) {
                        router = text
                    } else {
                        session.error("'router' must be a loopback address with a port (127.0.0.1:8000)", at: field.value.location)
                    }
                }
            case "strategy": strategyNode = field.value
            case "scale-down-delay": scaleDownDelay = duration(field.value, "'scale-down-delay'") ?? scaleDownDelay
            case "smoke-tests": smokeTests = session.string(field.value, "'smoke-tests'")
            case "keep": keep = integer(field.value, "'keep'", in: 0...100) ?? keep
            case "bake": bake = duration(field.value, "'bake'") ?? bake
            case "notify": notify = decodeNotify(field.value)
            case "pre-rollback": preRollback = session.string(field.value, "'pre-rollback'")
            default: session.unknownKey(field.key, allowed: DeployConfigLoader.environmentKeys, in: owner)
            }
        }
        if hosts.isEmpty {
            session.error("\(owner) needs 'hosts' (local, or SSH destinations like deploy@web-1)", at: pair.key.location)
            return nil
        }
        var seen = Set<String>()
        var hostsValid = true
        for (host, location) in hosts {
            if !Self.isHost(host) {
                session.error("host '\(host)' must be 'local' or an SSH destination [user@]host[:port]", at: location)
                hostsValid = false
            } else if !seen.insert(host).inserted {
                session.error("host '\(host)' is listed twice", at: location)
                hostsValid = false
            }
        }
        guard hostsValid else { return nil }
        let strategy =
            strategyNode.flatMap { decodeStrategy($0, scaleDownDelay: scaleDownDelay) }
            ?? (strategyNode == nil ? .blueGreen(scaleDownDelay: scaleDownDelay) : nil)
        guard let strategy else { return nil }
        // A canary is judged unless it says `analysis: false`: its pauses never pass it unseen.
        var analysis = canaryAnalysis
        if case .canary = strategy, !canaryAnalysisGiven { analysis = CanaryAnalysisSettings() }
        canaryAnalysis = nil
        canaryAnalysisGiven = false
        do {
            _ = try RolloutPlan.steps(
                strategy, hosts: hosts.map(\.0), hasOldRelease: true, smokeTests: smokeTests != nil, analysis: analysis != nil, bake: bake)
        } catch {
            session.error("\(owner): \(error.message)", at: strategyNode?.location ?? pair.key.location)
            return nil
        }
        return DeployEnvironment(
            name: name, hosts: hosts.map(\.0), router: router, strategy: strategy, smokeTests: smokeTests, keep: keep, location: pair.key.location,
            analysis: analysis, bake: bake, notify: notify, preRollback: preRollback)
    }

    /// `blue-green`, `recreate`, `{rolling: {max-surge: 1, max-unavailable: 0}}`, `{canary: {steps: [...]}}` (or `canary: [...]`).
    mutating func decodeStrategy(_ node: YAMLNode, scaleDownDelay: Double) -> RolloutStrategy? {
        if let name = node.scalarText {
            switch name {
            case "recreate": return .recreate
            case "blue-green": return .blueGreen(scaleDownDelay: scaleDownDelay)
            case "rolling": return .rolling(maxSurge: 1, maxUnavailable: 0)
            case "canary":
                return .canary(
                    steps: [.weight(5), .pause(seconds: 120), .weight(25), .pause(seconds: 300), .weight(50), .pause(seconds: 300)],
                    scaleDownDelay: scaleDownDelay)
            default:
                session.error("unknown strategy '\(name)'\(Suggestion.hint(for: name, in: DeployConfigLoader.strategies))", at: node.location)
                return nil
            }
        }
        guard let pairs = session.mapping(node, "'strategy'") else { return nil }
        guard pairs.count == 1, let pair = pairs.first, let name = pair.key.scalarText else {
            session.error("'strategy' must name one strategy (\(DeployConfigLoader.strategies.joined(separator: ", ")))", at: node.location)
            return nil
        }
        switch name {
        case "recreate", "blue-green":
            return decodeStrategy(pair.key, scaleDownDelay: scaleDownDelay)
        case "rolling":
            var surge = 1
            var unavailable = 0
            for field in session.mapping(pair.value, "'rolling'", allowNull: true) ?? [] {
                guard let key = session.keyText(field, in: "'rolling'") else { continue }
                switch key {
                case "max-surge": surge = integer(field.value, "'max-surge'", in: 0...1000) ?? surge
                case "max-unavailable": unavailable = integer(field.value, "'max-unavailable'", in: 0...1000) ?? unavailable
                default: session.unknownKey(field.key, allowed: ["max-surge", "max-unavailable"], in: "'rolling'")
                }
            }
            return .rolling(maxSurge: surge, maxUnavailable: unavailable)
        case "canary":
            var stepsNode = pair.value
            if let fields = pair.value.pairs {
                guard let steps = fields.first(where: { $0.key.scalarText == "steps" }) else {
                    session.error("'canary' needs 'steps'", at: pair.value.location)
                    return nil
                }
                for field in fields where field.key.scalarText != "steps" {
                    if field.key.scalarText == "analysis" {
                        canaryAnalysisGiven = true
                        canaryAnalysis = decodeAnalysis(field.value)
                    } else {
                        session.unknownKey(field.key, allowed: ["steps", "analysis"], in: "'canary'")
                    }
                }
                stepsNode = steps.value
            }
            guard let items = stepsNode.items else {
                session.error("canary 'steps' must be a sequence, found \(stepsNode.kindDescription)", at: stepsNode.location)
                return nil
            }
            var steps: [CanaryStep] = []
            for item in items {
                if case .int(let weight) = item.scalarType {
                    steps.append(.weight(weight))
                    continue
                }
                guard let fields = session.mapping(item, "a canary step") else { continue }
                for field in fields {
                    guard let key = session.keyText(field, in: "a canary step") else { continue }
                    switch key {
                    case "weight": if let weight = integer(field.value, "'weight'", in: 0...1000) { steps.append(.weight(weight)) }
                    case "pause":
                        // `pause: {}` (as Argo Rollouts writes it) waits until promoted.
                        if let pairs = field.value.pairs, pairs.isEmpty {
                            steps.append(.pause(seconds: nil))
                        } else if let seconds = positiveDuration(field.value, "'pause'") {
                            steps.append(.pause(seconds: seconds))
                        }
                    default: session.unknownKey(field.key, allowed: ["weight", "pause"], in: "a canary step")
                    }
                }
            }
            return .canary(steps: steps, scaleDownDelay: scaleDownDelay)
        default:
            session.error("unknown strategy '\(name)'\(Suggestion.hint(for: name, in: DeployConfigLoader.strategies))", at: pair.key.location)
            return nil
        }
    }

    mutating func integer(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard case .int(let value) = node.scalarType else {
            session.error("\(what) must be a whole number, found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard range.contains(value) else {
            session.error("\(what) must be \(range.lowerBound) to \(range.upperBound), not \(value)", at: node.location)
            return nil
        }
        return value
    }

    mutating func duration(_ node: YAMLNode, _ what: String) -> Double? { session.duration(node, what) }

    mutating func positiveDuration(_ node: YAMLNode, _ what: String) -> Double? { session.positiveDuration(node, what) }

    /// `local`, `host`, `user@host`, `user@host:2222`, `[::1]:22` style SSH destinations.
    static func isHost(_ text: String) -> Bool {
        if text == "local" { return true }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let user = rest[..<at]
            guard !user.isEmpty, user.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else { return false }
            rest = rest[rest.index(after: at)...]
        }
        if let colon = rest.lastIndex(of: ":"), !rest.hasPrefix("[") || rest[..<colon].hasSuffix("]") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return false }
            rest = rest[..<colon]
        }
        if rest.hasPrefix("["), rest.hasSuffix("]") { rest = rest.dropFirst().dropLast() }
        return !rest.isEmpty && !rest.hasPrefix("-") && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }
    }

    /// `127.0.0.1:8000` or `[::1]:8000`: the router listens on loopback only.
    static func isLoopbackAddress(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return false }
        let host = text[..<colon]
        return host.hasPrefix("127.") || host == "[::1]" || host == "localhost"
    }
}
