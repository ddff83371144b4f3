/// How a client is kept on one side of a split for a whole rollout.
public enum StickyMode: Codable, Sendable, Equatable {
    /// No stickiness: each request draws its own bucket.
    case none
    /// The hash of this cookie's value.
    case cookie(String)
    /// The hash of this header's value.
    case header(String)
    /// A cookie the router assigns itself when the client has none (the app needs no change).
    case assigned(String)
}

/// An upstream address (`127.0.0.1:9001`).
public struct TargetAddress: Codable, Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// Host name or IP.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (`[v6]:port` for IPv6).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    /// `host:port`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Encodes as `host:port`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes `host:port`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = TargetAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not host:port"))
        }
        self = address
    }
}

/// A named set of upstream targets (`blue`, `green`, `stable`, `canary`).
public struct TargetGroup: Codable, Sendable, Equatable {
    /// The group's name.
    public var name: String
    /// Its targets.
    public var targets: [TargetAddress]
    /// Its share of the traffic, 0–100.
    public var weight: Int
    /// A group at weight 0 kept ready (the release a rollout replaced, through its bake or
    /// scale-down delay): it takes requests only when no group that carries traffic has a target
    /// to take them — better the previous version than a 503. Never set on a new release's group
    /// being staged, which must not be trusted before its checks pass. (nil: false.)
    public var standby: Bool?

    /// Creates a group.
    public init(name: String, targets: [TargetAddress], weight: Int, standby: Bool? = nil) {
        self.name = name
        self.targets = targets
        self.weight = weight
        self.standby = standby
    }
}

/// Active health checks of a service's targets.
public struct HealthCheck: Codable, Sendable, Equatable {
    /// The path to GET (a 2xx or 3xx answer is healthy).
    public var path = "/up"
    /// Seconds between checks.
    public var interval = 1.0
    /// Seconds a check may take.
    public var timeout = 1.0
    /// Thresholds and passive ejection.
    public var settings = TargetHealth.Settings()

    /// Defaults.
    public init() {}
}

/// A service: which requests it takes (host and path prefix) and where they go.
public struct ServiceConfig: Codable, Sendable, Equatable {
    /// Unique name.
    public var name: String
    /// Host names it answers (exact, or `*.example.com`); empty for any host.
    public var hosts: [String]
    /// Path prefix it answers (`/` for everything).
    public var pathPrefix: String
    /// Target groups in rollout order (the first holds the high buckets, see ``TrafficSplit``).
    public var groups: [TargetGroup]
    /// Stickiness.
    public var sticky: StickyMode
    /// Health checks (nil: targets are healthy once added).
    public var healthCheck: HealthCheck?
    /// Whether requests wait (up to ``pauseTimeout``) instead of being sent.
    public var paused: Bool
    /// Seconds a request may wait while the service is paused.
    public var pauseTimeout: Double
    /// Seconds to connect to a target.
    public var connectTimeout: Double
    /// Seconds to wait for a target's response (and between its body parts).
    public var readTimeout: Double
    /// Largest request body (bytes).
    public var maxBodyBytes: Int
    /// Seconds in-flight requests may take to finish on a side being switched away from.
    public var drainTimeout: Double

    /// Creates a service with defaults for everything optional.
    public init(name: String, hosts: [String] = [], pathPrefix: String = "/", groups: [TargetGroup]) {
        self.name = name
        self.hosts = hosts
        self.pathPrefix = pathPrefix
        self.groups = groups
        sticky = .assigned("gaara_bucket")
        healthCheck = nil
        paused = false
        pauseTimeout = 30
        connectTimeout = 5
        readTimeout = 60
        maxBodyBytes = 1 << 30
        drainTimeout = 30
    }

    /// Whether any of its groups has a weight above 0.
    public var carriesTraffic: Bool { groups.contains { $0.weight > 0 } }

    /// Whether it answers `host` and `path`; returns the prefix length for longest-prefix choice
    /// (a host match counts more than any prefix).
    package func matches(host: String?, path: String) -> Int? {
        if !hosts.isEmpty {
            guard let host = host?.split(separator: ":").first.map({ $0.lowercased() }) else { return nil }
            let hit = hosts.contains { pattern in
                let pattern = pattern.lowercased()
                return pattern.hasPrefix("*.") ? host.hasSuffix(pattern.dropFirst(1)) : host == pattern
            }
            guard hit else { return nil }
        }
        guard path.hasPrefix(pathPrefix) else { return nil }
        if pathPrefix.count > 1, !pathPrefix.hasSuffix("/"), path.count > pathPrefix.count {
            let next = path[path.index(path.startIndex, offsetBy: pathPrefix.count)]
            guard next == "/" || next == "?" else { return nil }
        }
        return pathPrefix.count + (hosts.isEmpty ? 0 : 10_000)
    }
}

/// Everything the router must keep across restarts.
public struct RouterState: Codable, Sendable, Equatable {
    /// The services by name.
    public var services: [ServiceConfig]

    /// An empty table.
    public init(services: [ServiceConfig] = []) {
        self.services = services
    }

    /// Checks the rules every state must keep before it is saved or made live: service names are
    /// letters, digits, `-`, `_` and `.` (they appear in URLs and metric labels) and unique; path
    /// prefixes start with `/`; each service has at least one group, with unique names and weights
    /// of 0–100; timeouts are positive.
    public func validate() throws(RoutingError) {
        var names = Set<String>()
        for service in services {
            guard !service.name.isEmpty, service.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw RoutingError(status: 400, message: "service names are letters, digits, '-', '_' and '.': '\(service.name)'")
            }
            guard names.insert(service.name).inserted else { throw RoutingError(status: 409, message: "two services are named '\(service.name)'") }
            guard service.pathPrefix.hasPrefix("/") else {
                throw RoutingError(status: 400, message: "\(service.name): path_prefix must start with /")
            }
            guard !service.groups.isEmpty else { throw RoutingError(status: 400, message: "\(service.name): needs at least one target group") }
            var groups = Set<String>()
            for group in service.groups {
                guard groups.insert(group.name).inserted else {
                    throw RoutingError(status: 409, message: "\(service.name): two groups named '\(group.name)'")
                }
                guard (0...100).contains(group.weight) else {
                    throw RoutingError(status: 400, message: "\(service.name)/\(group.name): weight must be 0 to 100, not \(group.weight)")
                }
            }
            guard service.connectTimeout > 0, service.readTimeout > 0, service.maxBodyBytes >= 0 else {
                throw RoutingError(status: 400, message: "\(service.name): timeouts must be positive")
            }
        }
    }
}

/// Why a change to the routing table was refused.
public struct RoutingError: Error, Sendable, CustomStringConvertible {
    /// HTTP status that fits (400, 404, 409).
    public let status: Int
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
