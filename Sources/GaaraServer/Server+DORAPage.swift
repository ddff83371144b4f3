import Foundation
import GaaraAlerts
import GaaraDeploy
import GaaraDeployCore
import GaaraStore

/// The metrics page's delivery section: each environment's DORA figures over the last 90 days,
/// with its deployments per day and weekly change failure rate charted.
extension CIServer {
    /// The environments that have records: rollouts, or an environment row.
    func environmentNames(_ repository: RepositoryRecord) async throws -> [String] {
        var names = Set(try await store.rollouts(repositoryID: repository.id!, limit: 500).map(\.environment))
        names.formUnion(try await store.environments(repositoryID: repository.id!).map(\.name))
        return names.sorted().filter(RolloutDesk.isFolderName)
    }

    /// The delivery section's HTML (the figures as text, the series as SVG).
    func doraSection(_ repository: RepositoryRecord, now: Double) async throws -> String {
        let days = 90.0
        let from = now - days * 86400
        var html = "<h2>Delivery · last \(Int(days)) days</h2>"
        let names = try await environmentNames(repository)
        if names.isEmpty { return html + "<p class=\"empty\">No environment has deployments yet.</p>" }
        html += "<div class=\"dora-list\">"
        for environment in names {
            let figures = try await dora(repository, environment, seconds: days * 86400)
            let folder = rollouts.folder(repository.name, environment)
            let releases = (try? folder.history().releases) ?? []
            let incidents = (try? folder.incidents()) ?? []
            let name = DashboardHTML.escape(environment)
            func time(_ seconds: Double?) -> String { seconds.map { DashboardHTML.duration($0) } ?? "–" }
            func percent(_ share: Double?) -> String { share.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
            let rows = [
                ("Deployment frequency", "\(DashboardHTML.escape(figures.frequency)) · \(figures.deployments) deploys"),
                ("Lead time for changes", time(figures.leadTimeSeconds)), ("Change failure rate", percent(figures.changeFailureRate)),
                ("Time to restore", time(figures.timeToRestoreSeconds)), ("Success rate", "\(percent(figures.successRate)) of \(figures.attempts)"),
                ("Rollbacks", "\(figures.rollbacks)"),
            ]
            html += "<section class=\"dora\" data-environment=\"\(name)\"><h3>\(name)</h3><dl>"
            html += rows.map { "<div><dt>\($0.0)</dt><dd>\($0.1)</dd></div>" }.joined() + "</dl>"
            html +=
                "<figure class=\"chart\">"
                + SVGChart.render(
                    title: "deployments/day · \(environment)", points: Self.deploymentsPerDay(releases, from: from, days: Int(days)), markers: [],
                    from: from, to: now, format: { String(format: "%.0f", $0) }) + "</figure>"
            let weekly = Self.weeklyChangeFailureRate(releases, incidents, from: from, to: now)
            if !weekly.isEmpty {
                html +=
                    "<figure class=\"chart\">"
                    + SVGChart.render(
                        title: "change failure rate/week · \(environment)", points: weekly, markers: [], from: from, to: now,
                        format: { String(format: "%.0f%%", $0 * 100) }) + "</figure>"
            }
            html += "</section>"
        }
        return html + "</div>"
    }

    /// Successful deployments each day from `from`, at the day's middle.
    static func deploymentsPerDay(_ releases: [Release], from: Double, days: Int) -> [(time: Double, value: Double)] {
        (0..<days).map { day in
            let start = from + Double(day) * 86400
            let count = releases.count { ($0.deployedAt?.timeIntervalSince1970).map { $0 >= start && $0 < start + 86400 } ?? false }
            return (start + 43200, Double(count))
        }
    }

    /// Each week's change failure rate (DORA's, from the core), weeks without attempts left out.
    static func weeklyChangeFailureRate(_ releases: [Release], _ incidents: [IncidentReport], from: Double, to: Double) -> [(
        time: Double, value: Double
    )] {
        stride(from: from, to: to, by: 7 * 86400).compactMap { start in
            let week = DORAMetrics.compute(
                releases: releases, incidents: incidents, commitTimes: [:], from: Date(timeIntervalSince1970: start),
                to: Date(timeIntervalSince1970: min(start + 7 * 86400, to)))
            return week.changeFailureRate.map { (start + 3.5 * 86400, $0) }
        }
    }
}
