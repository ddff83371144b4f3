import Foundation
import GaaraAPI
import Hummingbird

/// `/deliveries` (admins): everything the server sent out — commit statuses, deploy and alert
/// notifications to Slack, PagerDuty, webhooks and email — newest first, with each delivery's
/// state, attempts, last answer and last error, so "did the page reach on-call?" has an answer
/// without the API. `?state=pending|delivered|failed` narrows it.
extension CIServer {
    func registerDeliveriesPage(_ router: Router<BasicRequestContext>) {
        page(router, "/deliveries") { [self] request, _, caller in
            guard let role = caller.role, role >= .admin else {
                throw HTTPError(.forbidden, message: "the delivery log needs role admin; this token has \(caller.role?.rawValue ?? "none")")
            }
            let state = request.uri.queryParameters.get("state").map { String($0) }
            if let state, !Self.deliveryStates.contains(state) {
                throw HTTPError(.badRequest, message: "state must be pending, delivered or failed; not '\(state.prefix(20))'")
            }
            return try await deliveriesPage(state: state)
        }
    }

    static let deliveryStates = ["pending", "delivered", "failed"]

    /// A URL's scheme, host and port only (a Slack webhook's path is its secret), after the
    /// method when the log names one (`POST https://hooks.slack.com/…`); anything else (an SMTP
    /// server's `host:port`) as it is.
    static func shownTarget(_ target: String) -> String {
        var method = ""
        var address = Substring(target)
        if let space = target.firstIndex(of: " "), target[..<space].allSatisfy({ $0.isUppercase }) {
            method = String(target[...space])
            address = target[target.index(after: space)...]
        }
        guard let url = URL(string: String(address)), let scheme = url.scheme, let host = url.host else { return target }
        return "\(method)\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")/…"
    }

    func deliveriesPage(state: String?) async throws -> String {
        let entries = try await store.outboundDeliveries(state: state, limit: 200)
        let filters = (["all"] + Self.deliveryStates).map { (name: String) -> String in
            let selected = name == (state ?? "all")
            let link = name == "all" ? "/deliveries" : "/deliveries?state=\(name)"
            return selected ? "<strong>\(name)</strong>" : "<a href=\"\(link)\">\(name)</a>"
        }.joined(separator: " · ")
        var html = "<h1>Deliveries</h1><p class=\"filters\">\(filters)</p>"
        guard !entries.isEmpty else {
            return DashboardHTML.page(
                title: "Deliveries", body: html + "<p class=\"empty\">Nothing was sent\(state.map { " that is \($0)" } ?? "") yet.</p>")
        }
        html +=
            "<div class=\"scroll\"><table class=\"deliveries\"><thead><tr><th>When</th><th>Kind</th><th>What</th><th>To</th><th>State</th>"
            + "<th>Attempts</th><th>Last answer</th></tr></thead><tbody>"
        for entry in entries {
            let target = Self.shownTarget(entry.target)
            let answer = entry.lastError ?? entry.lastStatus.map { "HTTP \($0)" } ?? ""
            html += """
                <tr class="delivery" data-state="\(DashboardHTML.escape(entry.state))"><td><time>\(APICoding.time(entry.updatedAt) ?? "")</time></td>\
                <td>\(DashboardHTML.escape(entry.kind))</td><td>\(DashboardHTML.escape(entry.summary))</td><td><code>\(DashboardHTML.escape(target))</code></td>\
                <td>\(DashboardHTML.badge(status: entry.state, conclusion: nil))</td><td>\(entry.attempts)</td><td>\(DashboardHTML.escape(answer))</td></tr>
                """
        }
        return DashboardHTML.page(title: "Deliveries", body: html + "</tbody></table></div>")
    }
}
