import Foundation
import GaaraAlerts
import GaaraDeploy
import GaaraStore
import Hummingbird

/// `/repos/REPO/metrics`: each environment's delivery (DORA's four keys over 90 days, with
/// deployments per day and the weekly change failure rate charted), then each service's error rate,
/// latency, request rate and active users and the hosts' CPU and memory over the last hour (or
/// `?range=24h`, `7d`), as SVG charts from the one-minute rollups, with each environment's
/// deployments and rollbacks drawn as markers. Readable without JavaScript; with it, the charts
/// are fetched again every 15 seconds and swapped in place.
extension CIServer {
    /// What is charted: the metric, its title, and how its values read.
    static let charted: [(metric: String, title: String, format: @Sendable (Double) -> String)] = [
        ("error_rate", "error rate", { String(format: "%.2g%%", $0 * 100) }),
        ("latency_p95_ms", "p95 latency", { String(format: "%.0f ms", $0) }),
        ("latency_p99_ms", "p99 latency", { String(format: "%.0f ms", $0) }),
        ("request_rate", "requests/s", { String(format: "%.3g", $0) }),
        ("active_users", "active users", { String(format: "%.0f", $0) }),
        ("cpu", "CPU", { String(format: "%.0f%%", $0 * 100) }),
        ("memory", "memory", { String(format: "%.0f%%", $0 * 100) }),
    ]

    func registerMetricsPage(_ router: Router<BasicRequestContext>) {
        page(router, "/repos/{repo}/metrics") { [self] request, context, _ in
            let range = request.uri.queryParameters.get("range").map { String($0) } ?? "1h"
            guard let seconds = ["1h": 3600.0, "24h": 86400.0, "7d": 604_800.0][range] else {
                throw HTTPError(.badRequest, message: "range must be 1h, 24h or 7d, not '\(range.prefix(20))'")
            }
            return try await metricsPage(try await repository(context), seconds: seconds, range: range)
        }
    }

    func metricsPage(_ repository: RepositoryRecord, seconds: Double, range: String) async throws -> String {
        let name = DashboardHTML.escape(repository.name)
        let now = Date().timeIntervalSince1970
        let from = now - seconds
        var html = """
            <h1>\(name) · Metrics</h1><p><a href="/repos/\(name)/alerts">Alerts</a> · <a href="/repos/\(name)/environments">Environments</a> · \
            last \(["1h", "24h", "7d"].map { $0 == range ? "<strong>\($0)</strong>" : "<a href=\"?range=\($0)\">\($0)</a>" }.joined(separator: " "))</p>
            """
        html += try await doraSection(repository, now: now)
        html += "<h2>Services and hosts</h2><div class=\"charts\">"
        let rollups = alerts.rollups(repository.name)
        let markers = try await deploymentMarkers(repository)
        var drawn = 0
        for chart in Self.charted {
            for series in rollups.series(metric: chart.metric) {
                let points = rollups.points(series, from: from, to: now).map { (time: $0.time, value: $0.last) }
                let labels = series.labels.sorted { $0.key < $1.key }.map(\.value).joined(separator: " · ")
                let own = markers.filter { $0.environment == nil || $0.environment == series.labels["environment"] }.map(\.marker)
                html +=
                    "<figure class=\"chart\">"
                    + SVGChart.render(
                        title: "\(chart.title) · \(labels)", points: points, markers: series.labels["service"] == nil ? [] : own, from: from, to: now,
                        format: chart.format) + "</figure>"
                drawn += 1
            }
        }
        if drawn == 0 {
            html +=
                "<p class=\"empty\">No metrics yet: they are recorded every evaluation once the default branch has a <code>.gaara/deploy.yml</code> or <code>.gaara/alerts.yml</code>.</p>"
        }
        html += "</div>"
        return DashboardHTML.page(title: "Metrics · \(repository.name)", body: html, script: "Gaara.liveCharts(15000);")
    }

    /// Each environment's deployments, failures and rollbacks as chart markers.
    func deploymentMarkers(_ repository: RepositoryRecord) async throws -> [(environment: String?, marker: SVGChart.Marker)] {
        var markers: [(environment: String?, marker: SVGChart.Marker)] = []
        for environment in try await environmentNames(repository) {
            for release in (try? rollouts.folder(repository.name, environment).history().releases) ?? [] {
                if let time = release.deployedAt {
                    markers.append(
                        (environment, SVGChart.Marker(time: time.timeIntervalSince1970, label: "\(release.id) deployed", kind: "deployed")))
                }
                if let time = release.failedAt {
                    markers.append(
                        (environment, SVGChart.Marker(time: time.timeIntervalSince1970, label: "\(release.id) rolled back", kind: "rolled-back")))
                }
                for time in release.rolledBackTo ?? [] {
                    markers.append(
                        (environment, SVGChart.Marker(time: time.timeIntervalSince1970, label: "back to \(release.id)", kind: "rolled-back")))
                }
            }
        }
        return markers
    }
}
