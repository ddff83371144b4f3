import Foundation
import GaaraAPI
import GaaraAlertCore
import GaaraAlerts
import GaaraStore
import GaaraWorkflow
import Hummingbird

/// Alerts in the API and the dashboard: what each repository's rules found at the last evaluation,
/// and Alertmanager's silences (approvers set and end them; each is audited).
extension CIServer {
    func registerAlertAPI(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        route(
            router, registry, .get, "/metrics", .role(.viewer),
            "Every repository's latest samples and pending and firing alerts in Prometheus' text format (scrape with a viewer token)",
            response: "text"
        ) { [self] _, _, _ in
            Reply.text(await alerts.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        route(
            router, registry, .get, "/api/repos/{repo}/alerts", .role(.viewer),
            "The repository's pending and firing alerts at the last evaluation, and whether each is muted", response: "[Alert]"
        ) { [self] _, context, _ in
            try Reply.json(alertList(try await repository(context).name))
        }
        route(router, registry, .get, "/api/repos/{repo}/silences", .role(.viewer), "The repository's silences", response: "[Silence]") {
            [self] _, context, _ in
            try Reply.json(alerts.folder(try await repository(context).name).silences().map(Self.silenceJSON))
        }
        route(
            router, registry, .post, "/api/repos/{repo}/silences", .role(.approver),
            "Mute the alerts every matcher matches for a while (picked up at the next evaluation)", body: "CreateSilence", response: "Silence",
            status: 201
        ) { [self] request, context, caller in
            let repository = try await repository(context)
            let body = try await Reply.decode(CreateSilenceBody.self, from: request, limit: 16 * 1024)
            var matchers: [LabelMatcher] = []
            for text in body.matchers {
                do throws(AlertSyntaxError) {
                    matchers.append(try LabelMatcher.parse(text))
                } catch {
                    throw HTTPError(.badRequest, message: "matcher '\(text.prefix(80))': \(error.message)")
                }
            }
            guard let seconds = DeployConfigLoader.seconds(body.duration), seconds > 0 else {
                throw HTTPError(.badRequest, message: "duration must be like 30m or 2h, not '\(body.duration.prefix(40))'")
            }
            let now = Date().timeIntervalSince1970
            let silence = Silence(
                id: String(UUID().uuidString.prefix(8)).lowercased(), matchers: matchers, startsAt: now, endsAt: now + seconds,
                createdBy: caller.name, comment: String((body.comment ?? "").prefix(1000)))
            if let problem = silence.problem { throw HTTPError(.badRequest, message: problem) }
            try alerts.folder(repository.name).updateSilences { $0.append(silence) }
            try await audit(
                caller, "alerts.silence", repository.name, "silence \(silence.id) {\(matchers.map(\.description).joined(separator: ", "))}",
                comment: silence.comment)
            return try Reply.json(Self.silenceJSON(silence), status: .created)
        }
        route(router, registry, .delete, "/api/repos/{repo}/silences/{id}", .role(.approver), "End a silence now", response: "Silence") {
            [self] _, context, caller in
            let repository = try await repository(context)
            let id = Reply.parameter(context, "id")
            let now = Date().timeIntervalSince1970
            guard let ended = try alerts.folder(repository.name).expireSilence(id, at: now) else {
                throw HTTPError(.notFound, message: "no active or pending silence '\(id.prefix(40))'")
            }
            try await audit(caller, "alerts.expire", repository.name, "silence \(id)")
            return try Reply.json(Self.silenceJSON(ended))
        }
    }

    /// The alerts of `repository` at its last evaluation (none before the first).
    func alertList(_ repository: String) -> [AlertJSON] {
        guard let state = alerts.folder(repository).state() else { return [] }
        let now = Date().timeIntervalSince1970
        return state.evaluator.alerts.filter { $0.state != .resolved }.sorted { $0.fingerprint < $1.fingerprint }.map { alert in
            AlertJSON(
                name: alert.name, state: alert.state.rawValue, labels: alert.labels, annotations: alert.annotations, value: alert.value,
                activeAt: APICoding.time(alert.activeAt) ?? "", firedAt: alert.firedAt.flatMap(APICoding.time),
                muted: state.dispatcher.isMuted(alert, at: now))
        }
    }

    static func silenceJSON(_ silence: Silence) -> SilenceJSON {
        let now = Date().timeIntervalSince1970
        return SilenceJSON(
            id: silence.id, matchers: silence.matchers.map(\.description), startsAt: APICoding.time(silence.startsAt) ?? "",
            endsAt: APICoding.time(silence.endsAt) ?? "", state: silence.isActive(at: now) ? "active" : silence.endsAt <= now ? "ended" : "pending",
            createdBy: silence.createdBy, comment: silence.comment)
    }

    /// `/repos/REPO/alerts`: the alerts (state as text and a badge, never colour alone) and the silences.
    func alertsPage(_ repository: RepositoryRecord) throws -> String {
        let name = DashboardHTML.escape(repository.name)
        var html =
            "<h1>\(name) · Alerts</h1><p><a href=\"/repos/\(name)/metrics\">Metrics</a> · <a href=\"/repos/\(name)/environments\">Environments</a></p>"
        let list = alertList(repository.name)
        if list.isEmpty {
            html +=
                "<p class=\"empty\">No alert is pending or firing. Rules come from <code>.gaara/alerts.yml</code> on the default branch (the guide's defaults without one).</p>"
        } else {
            html +=
                "<table class=\"alerts\"><thead><tr><th>State</th><th>Alert</th><th>Summary</th><th>Labels</th><th>Value</th><th>Since</th></tr></thead><tbody>"
            for alert in list {
                let labels = alert.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                html += """
                    <tr class="alert" data-state="\(alert.state)"><td>\(DashboardHTML.badge(status: alert.state, conclusion: nil))\(alert.muted ? " <small>muted</small>" : "")</td>\
                    <td>\(DashboardHTML.escape(alert.name))</td><td>\(DashboardHTML.escape(alert.annotations["summary"] ?? ""))</td>\
                    <td><code>\(DashboardHTML.escape(labels.joined(separator: ", ")))</code></td><td>\(String(format: "%g", alert.value))</td>\
                    <td>\(DashboardHTML.escape(alert.firedAt ?? alert.activeAt))</td></tr>
                    """
            }
            html += "</tbody></table></div>"
        }
        let silences = alerts.folder(repository.name).silences().map(Self.silenceJSON)
        html += "<h2>Silences</h2>"
        if silences.isEmpty {
            html += "<p class=\"empty\">No silences. <code>POST /api/repos/\(name)/silences</code> or <code>gaara alerts silence</code> sets one.</p>"
        } else {
            html +=
                "<table class=\"silences\"><thead><tr><th>Id</th><th>State</th><th>Matchers</th><th>Until</th><th>By</th><th>Comment</th></tr></thead><tbody>"
            for silence in silences {
                html += """
                    <tr><td><code>\(DashboardHTML.escape(silence.id))</code></td><td>\(DashboardHTML.escape(silence.state))</td>\
                    <td><code>\(DashboardHTML.escape(silence.matchers.joined(separator: ", ")))</code></td><td>\(DashboardHTML.escape(silence.endsAt))</td>\
                    <td>\(DashboardHTML.escape(silence.createdBy))</td><td>\(DashboardHTML.escape(silence.comment))</td></tr>
                    """
            }
            html += "</tbody></table></div>"
        }
        return DashboardHTML.page(title: "Alerts · \(repository.name)", body: html)
    }
}
