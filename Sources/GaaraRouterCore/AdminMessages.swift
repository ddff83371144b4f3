import Foundation

/// Body of `POST /services/{name}/weights`: each named group's new share, 0–100.
public struct WeightsBody: Codable, Sendable, Equatable {
    /// Group name → weight.
    public var weights: [String: Int]

    /// Creates a body.
    public init(weights: [String: Int]) {
        self.weights = weights
    }
}

/// Body of `POST /services/{name}/switch`: the group that takes all the traffic.
public struct SwitchBody: Codable, Sendable, Equatable {
    /// The group's name.
    public var group: String

    /// Creates a body.
    public init(group: String) {
        self.group = group
    }
}

/// The answer of `GET /services/{name}` (and of pause and resume): a service with the live state of its targets.
public struct ServiceStatus: Codable, Sendable, Equatable {
    /// One target of the service as the router sees it now.
    public struct Target: Codable, Sendable, Equatable {
        /// `host:port`.
        public var address: String
        /// The group it belongs to.
        public var group: String
        /// `adding`, `healthy` or `unhealthy` (``TargetHealth/State``).
        public var state: String
        /// Ejected for upstream errors at the moment.
        public var ejected: Bool
        /// Requests it is answering.
        public var inFlight: Int

        /// Creates a target's status.
        public init(address: String, group: String, state: String, ejected: Bool, inFlight: Int) {
            self.address = address
            self.group = group
            self.state = state
            self.ejected = ejected
            self.inFlight = inFlight
        }
    }

    /// The service's configuration.
    public var config: ServiceConfig
    /// Its targets, group by group.
    public var targets: [Target]

    /// Creates a status.
    public init(config: ServiceConfig, targets: [Target]) {
        self.config = config
        self.targets = targets
    }
}

/// One element of the answer of `GET /targets`: a target's live state across services.
public struct TargetStatus: Codable, Sendable, Equatable {
    /// `host:port`.
    public var address: String
    /// `adding`, `healthy` or `unhealthy`.
    public var state: String
    /// Ejected for upstream errors at the moment.
    public var ejected: Bool
    /// Requests it is answering.
    public var inFlight: Int

    /// Creates a status.
    public init(address: String, state: String, ejected: Bool, inFlight: Int) {
        self.address = address
        self.state = state
        self.ejected = ejected
        self.inFlight = inFlight
    }
}

/// The answer of `POST /services/{name}/switch`, sent once the other groups drained (or the drain timeout passed).
public struct SwitchResult: Codable, Sendable, Equatable {
    /// The group now taking all the traffic.
    public var active: String
    /// Whether the other groups finished their requests in time.
    public var drained: Bool
    /// How long the switch waited for them.
    public var waitedMilliseconds: Int
    /// Requests the other groups still had when it stopped waiting.
    public var stillInFlight: Int

    /// Creates a result.
    public init(active: String, drained: Bool, waitedMilliseconds: Int, stillInFlight: Int) {
        self.active = active
        self.drained = drained
        self.waitedMilliseconds = waitedMilliseconds
        self.stillInFlight = stillInFlight
    }
}

/// The answer of `GET /services/{name}/metrics?window=N`: the last N seconds of a service, group by group.
public struct MetricsWindow: Codable, Sendable, Equatable {
    /// The figures of one target group.
    public struct Group: Codable, Sendable, Equatable {
        /// The group's name.
        public var group: String
        /// Requests answered.
        public var requests: UInt64
        /// Requests by status class (`1xx` … `5xx`, `upstream_error`).
        public var byClass: [String: UInt64]
        /// The share of 5xx answers and upstream errors.
        public var errorRate: Double
        /// Latency percentiles in milliseconds.
        public var p50Ms: Double
        /// The 95th percentile.
        public var p95Ms: Double
        /// The 99th percentile.
        public var p99Ms: Double
        /// Bytes received from clients.
        public var bytesIn: UInt64
        /// Bytes sent to clients.
        public var bytesOut: UInt64
        /// Answers by latency: one count per bound of ``MetricsWindow/latencyBoundsMs`` (at most that
        /// many milliseconds, above the bound before), then one for slower answers. What the canary
        /// judge compares two versions' latency on (nil from a router that predates it).
        public var latencyBuckets: [UInt64]?

        /// Creates a group's figures.
        public init(
            group: String, requests: UInt64, byClass: [String: UInt64], errorRate: Double, p50Ms: Double, p95Ms: Double, p99Ms: Double,
            bytesIn: UInt64, bytesOut: UInt64, latencyBuckets: [UInt64]? = nil
        ) {
            self.latencyBuckets = latencyBuckets
            self.group = group
            self.requests = requests
            self.byClass = byClass
            self.errorRate = errorRate
            self.p50Ms = p50Ms
            self.p95Ms = p95Ms
            self.p99Ms = p99Ms
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
        }
    }

    /// The upper bounds (milliseconds) of ``Group/latencyBuckets``: fine enough that a +20% change
    /// moves answers across bounds, coarse enough to send each second.
    public static let latencyBoundsMs: [Double] = [
        0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800,
        1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 10000, 30000,
    ]

    /// The service's name.
    public var service: String
    /// The window's length in seconds (0: every answer since the router started).
    public var seconds: Int
    /// Its groups.
    public var groups: [Group]
    /// Active users: the distinct sticky clients (cookie or header values) seen in the last 5 minutes,
    /// whatever the window (nil from a router that predates it; 0 for a service without stickiness).
    public var activeClients: Int?

    /// Creates a window.
    public init(service: String, seconds: Int, groups: [Group], activeClients: Int? = nil) {
        self.service = service
        self.seconds = seconds
        self.groups = groups
        self.activeClients = activeClients
    }
}

/// How the admin API writes and reads its JSON (snake_case keys): the router, `gaara router`'s client
/// commands and the deploy controller's traffic control share it, so they cannot drift.
public enum AdminCoding {
    /// The encoder of answers and request bodies (sorted keys, for stable output).
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// The decoder of answers and request bodies.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
