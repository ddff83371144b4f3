import Foundation
import GaaraAlertCore
import GaaraDeployCore
import GaaraRouter
import GaaraRouterCore

/// An environment's alert samples, labelled with `environment` and `service`: from its router's
/// window (`error_rate`, `latency_p50_ms`, `latency_p95_ms`, `latency_p99_ms`, `request_rate` over
/// every release of a service: what users see; `active_users`, its distinct sticky clients of the
/// last 5 minutes; the same per release as `release_error_rate`, `release_request_rate` and
/// `release_latency_p50_ms`… with a `release` label) and from its release records (`deployment_failed` and `smoke_failed`, 1 while the
/// service's latest release failed — cleared by the next good one; `rollback_in_progress`, 1 while
/// a rollout sends the service's traffic back to its previous release).
public struct EnvironmentMetricSource: MetricSource {
    let environment: String
    let services: [String]
    let folder: EnvironmentFolder
    let admin: AdminClient?
    let window: Int

    /// A source for `environment`'s `services`, reading `folder`'s records and the router at
    /// `admin` over the last `window` seconds (at most 60: the router keeps a minute).
    public init(environment: String, services: [String], folder: EnvironmentFolder, admin: AdminClient?, window: Int = 60) {
        self.environment = environment
        self.services = services
        self.folder = folder
        self.admin = admin
        self.window = min(max(window, 1), 60)
    }

    /// The samples now; a router that does not answer gives none (no data is not "healthy").
    public func samples() async -> [MetricSample] {
        var samples = releaseSamples()
        guard let admin else { return samples }
        let decoder = AdminCoding.makeDecoder()
        for service in services {
            guard let (status, body) = try? await admin.send(.GET, "/services/\(service)/metrics?window=\(window)", timeout: 5), status == 200,
                let metrics = try? decoder.decode(MetricsWindow.self, from: body)
            else { continue }
            samples += Self.routerSamples(metrics, environment: environment, service: service, window: window)
        }
        return samples
    }

    /// A service's window as samples: the error rate and request rate over all its releases, and
    /// the slowest release's p95 (a release nobody asked has no latency). No requests: no error
    /// rate or latency sample (an alert on them cannot fire on silence, nor resolve on it).
    static func routerSamples(_ metrics: MetricsWindow, environment: String, service: String, window: Int) -> [MetricSample] {
        let labels = ["environment": environment, "service": service]
        let requests = metrics.groups.reduce(0) { $0 + $1.requests }
        var samples = [MetricSample(metric: "request_rate", labels: labels, value: Double(requests) / Double(window))]
        if let active = metrics.activeClients { samples.append(MetricSample(metric: "active_users", labels: labels, value: Double(active))) }
        guard requests > 0 else { return samples }
        let errors = metrics.groups.reduce(0.0) { $0 + $1.errorRate * Double($1.requests) }
        samples.append(MetricSample(metric: "error_rate", labels: labels, value: errors / Double(requests)))
        let answered = metrics.groups.filter { $0.requests > 0 }
        let latencies = [("latency_p50_ms", \MetricsWindow.Group.p50Ms), ("latency_p95_ms", \.p95Ms), ("latency_p99_ms", \.p99Ms)]
        for (metric, value) in latencies {
            if let slowest = answered.map({ $0[keyPath: value] }).max() {
                samples.append(MetricSample(metric: metric, labels: labels, value: slowest))
            }
        }
        // Each release that answered, on its own (`release_…`, so the service's rules do not fire
        // twice): what tells the canary from the stable version on a chart or in Prometheus.
        for group in answered {
            let release = labels.merging(["release": group.group]) { $1 }
            samples.append(MetricSample(metric: "release_request_rate", labels: release, value: Double(group.requests) / Double(window)))
            samples.append(MetricSample(metric: "release_error_rate", labels: release, value: group.errorRate))
            for (metric, value) in latencies {
                samples.append(MetricSample(metric: "release_" + metric, labels: release, value: group[keyPath: value]))
            }
        }
        return samples
    }

    /// `deployment_failed` and `smoke_failed` per service from the latest release, and
    /// `rollback_in_progress` from the persisted rollout.
    func releaseSamples() -> [MetricSample] {
        guard let history = try? folder.history() else { return [] }
        return services.flatMap { service -> [MetricSample] in
            let releases = history.releases.filter { $0.service == service }
            guard let latest = releases.max(by: { $0.number < $1.number }) else { return [] }
            let labels = ["environment": environment, "service": service, "release": latest.id]
            let failed = latest.state == .failed
            let smoke = failed && latest.events.contains { $0.text.contains("smoke tests") }
            // An automatic or operator's abort (the rollout's controller is undoing it), or `gaara
            // rollback` (a kept release deploying back in). Labelled without the release: the
            // inhibition matches on environment and service.
            let aborting: Bool
            if case .aborting = folder.rollout(service)?.state.phase { aborting = true } else { aborting = false }
            let rollingBack = aborting || releases.contains { $0.state == .deploying && $0.rollbackFrom != nil }
            return [
                MetricSample(metric: "deployment_failed", labels: labels, value: failed ? 1 : 0),
                MetricSample(metric: "smoke_failed", labels: labels, value: smoke ? 1 : 0),
                MetricSample(metric: "rollback_in_progress", labels: ["environment": environment, "service": service], value: rollingBack ? 1 : 0),
            ]
        }
    }
}
