import Foundation
import GaaraRouter
import GaaraRouterCore

/// ``TrafficControl`` through Gaara's router's admin API: each change replaces the service's groups and
/// weights in one `PUT /services/{name}` (the router saves and applies it atomically).
///
/// With router health checks on, a target the router has just been told about takes no requests until
/// its checks pass, and a group without an eligible target falls back only to groups that carry traffic.
/// So before the new release's share rises, its group is added at the share it has now and the change
/// waits until the router sees every one of its targets healthy; only then do the weights move. No
/// request meets a group that cannot answer it.
public struct RouterTraffic: TrafficControl {
    /// The admin API's client.
    public let admin: AdminClient
    /// The service's defaults when the router does not know it yet (host names, path prefix, checks).
    public let template: ServiceConfig
    /// How long the router may take to see the new release's targets healthy.
    public let readyDeadline: Double

    /// Creates a controller for the router behind `admin`. `template` is used (with its name replaced)
    /// when the service does not exist yet; an existing service keeps its settings and only its groups change.
    public init(admin: AdminClient, template: ServiceConfig = ServiceConfig(name: "", groups: []), readyDeadline: Double = 30) {
        self.admin = admin
        self.template = template
        self.readyDeadline = readyDeadline
    }

    /// The router's settings for a service whose releases are checked with `health`.
    public static func template(health: HealthSettings, hosts: [String] = [], pathPrefix: String = "/") -> ServiceConfig {
        var config = ServiceConfig(name: "", hosts: hosts, pathPrefix: pathPrefix, groups: [])
        var check = HealthCheck()
        check.path = health.path
        check.interval = health.interval
        check.timeout = health.timeout
        config.healthCheck = check
        return config
    }

    /// Moves `weight` percent of the service's requests to the candidate; the rest stay on the stable
    /// release. Groups of other releases are dropped (their targets drain).
    public func route(service: String, stable: TrafficGroup?, candidate: TrafficGroup, weight: Int) async throws {
        let current = try await status(service)
        var config = current?.config ?? template
        config.name = service
        func groups(candidateWeight: Int) -> [TargetGroup] {
            // The stable group first, the candidate last: the last group's bucket range only grows as
            // its weight rises, so a sticky client that reached the new release stays on it.
            var list: [TargetGroup] = []
            if let stable {
                // Replaced (all traffic on the candidate) but kept ready: the router's standby when
                // every target of the new release fails its checks, until the rollout sends it back.
                list.append(
                    TargetGroup(
                        name: stable.name, targets: stable.endpoints.map(Self.address), weight: 100 - candidateWeight,
                        standby: candidateWeight == 100 ? true : nil))
            }
            list.append(TargetGroup(name: candidate.name, targets: candidate.endpoints.map(Self.address), weight: candidateWeight))
            return list
        }
        if weight > 0, config.healthCheck != nil, !Self.allHealthy(candidate, in: current) {
            // Stage the candidate's group at the share it has now (0 when new), every other weight
            // unchanged, then wait for the router's own checks to pass before any request depends on it.
            var staged = config
            if current == nil {
                staged.groups = groups(candidateWeight: 0)
            } else {
                let present = staged.groups.first { $0.name == candidate.name }?.weight ?? 0
                staged.groups.removeAll { $0.name == candidate.name }
                staged.groups.append(TargetGroup(name: candidate.name, targets: candidate.endpoints.map(Self.address), weight: present))
            }
            try await put(staged)
            try await waitUntilHealthy(service, candidate)
        }
        config.groups = groups(candidateWeight: weight)
        try await put(config)
    }

    /// Polls the router's targets until none of `endpoints` has a request in flight.
    public func awaitDrained(service: String, endpoints: [TargetEndpoint], timeout: Double) async {
        let wanted = Set(endpoints.map { Self.address($0).description })
        guard !wanted.isEmpty else { return }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let (status, body) = try? await admin.send(.GET, "/targets"), status == 200,
                let targets = try? Self.decoder.decode([TargetStatus].self, from: body)
            else { return }
            if !targets.contains(where: { wanted.contains($0.address) && $0.inFlight > 0 }) { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Each group's counts since the router started (`GET /services/{name}/metrics?window=all`).
    public func counts(service: String) async throws -> [String: TrafficCounts] {
        let (status, body) = try await admin.send(.GET, "/services/\(service)/metrics?window=all", timeout: 5)
        guard status == 200 else { throw Self.failure("GET /services/\(service)/metrics", status, body) }
        let window = try Self.decoder.decode(MetricsWindow.self, from: body)
        var result: [String: TrafficCounts] = [:]
        for group in window.groups {
            let errors = (group.byClass["5xx"] ?? 0) + (group.byClass["upstream_error"] ?? 0)
            result[group.group] = TrafficCounts(
                requests: Double(group.requests), errors: Double(errors), latency: (group.latencyBuckets ?? []).map { Double($0) })
        }
        return result
    }

    /// The service as the router sees it, nil when it does not know it.
    func status(_ service: String) async throws -> ServiceStatus? {
        let (status, body) = try await admin.send(.GET, "/services/\(service)")
        if status == 404 { return nil }
        guard status == 200 else { throw Self.failure("GET /services/\(service)", status, body) }
        return try Self.decoder.decode(ServiceStatus.self, from: body)
    }

    private func put(_ config: ServiceConfig) async throws {
        let (status, body) = try await admin.send(.PUT, "/services/\(config.name)", body: try Self.encoder.encode(config))
        guard status == 200 else { throw Self.failure("PUT /services/\(config.name)", status, body) }
    }

    private func waitUntilHealthy(_ service: String, _ candidate: TrafficGroup) async throws {
        let deadline = Date().addingTimeInterval(readyDeadline)
        var seen: ServiceStatus?
        while Date() < deadline {
            seen = try await status(service)
            if Self.allHealthy(candidate, in: seen) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let states = seen?.targets.filter { $0.group == candidate.name }.map { "\($0.address) \($0.state)" }.joined(separator: ", ") ?? "not listed"
        throw DeployTargetError(
            "the router did not see \(candidate.name) healthy within \(Int(readyDeadline)) s (\(states)); its traffic was not moved")
    }

    static func allHealthy(_ group: TrafficGroup, in status: ServiceStatus?) -> Bool {
        guard let status else { return false }
        let listed = status.targets.filter { $0.group == group.name }
        let wanted = Set(group.endpoints.map { address($0).description })
        return Set(listed.filter { $0.state == "healthy" }.map(\.address)).isSuperset(of: wanted)
    }

    static func address(_ endpoint: TargetEndpoint) -> TargetAddress { TargetAddress(host: endpoint.host, port: endpoint.port) }

    static func failure(_ request: String, _ status: Int, _ body: Data) -> DeployTargetError {
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DeployTargetError("the router refused \(request): HTTP \(status)\(text.isEmpty ? "" : ": \(text)")")
    }

    static let encoder = AdminCoding.makeEncoder()
    static let decoder = AdminCoding.makeDecoder()
}
