import Foundation
import GaaraHTTP
import GaaraTestSupport
import Testing

/// Alerting inside `gaara serve`: a repository's `.gaara/alerts.yml` on its default branch is
/// evaluated every `--alert-interval`, its alert notified through a signed webhook with the
/// repository's secret, listed by the API and the dashboard, and silenced and unsilenced through
/// the API by an approver (audited; a developer may not).
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ServerAlertsTests {
    @Test func aRepositorysRulesFireListAndSilenceOnTheServer() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"), arguments: ["--alert-interval", "1s"])
        let receiver = try await HTTPTestReceiver.start()
        defer { receiver.stop() }
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        try await ServerEnvironmentTests.secret(server, "HOOK_SECRET", "server-hook-secret", ["--repo", "app"])
        let approver = try await ServerDeployTests.token(server, "ann", "approver")
        let developer = try await ServerDeployTests.token(server, "dev", "developer")
        // A rule that always holds on this machine: memory in use is above 0.
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("src"),
            files: [
                ".gaara/alerts.yml": """
                defaults: false
                rules:
                  - alert: MachineUp
                    expr: memory > 0
                    severity: warning
                    annotations: {summary: "memory {{ $value | percent }} in use on {{ $labels.host }}"}
                route: {receiver: team, group-wait: 1s, group-interval: 2s}
                receivers:
                  - name: team
                    webhook: {url: "http://127.0.0.1:\(receiver.port)/hook", secret: HOOK_SECRET}
                """
            ])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")

        var hook: HTTPTestReceiver.Request?
        for _ in 0..<300 where hook == nil {
            try await Task.sleep(for: .milliseconds(100))
            hook = try receiver.requests().first { $0.path == "/hook" }
        }
        let fired = try #require(hook, "no notification from the server's alert loop")
        #expect(fired.json["status"] as? String == "firing" && (fired.json["commonLabels"] as? [String: String])?["alertname"] == "MachineUp")
        #expect(fired.headers["X-Gaara-Signature-256"] == WebhookSignature.value(Data(fired.body.utf8), secret: "server-hook-secret"))

        let listed = try await server.json("/api/repos/app/alerts", token: developer) as? [[String: Any]] ?? []
        #expect(listed.count == 1 && listed.first?["state"] as? String == "firing" && listed.first?["muted"] as? Bool == false, "\(listed)")
        #expect((listed.first?["annotations"] as? [String: String])?["summary"]?.contains("% in use on ") == true, "\(listed)")
        let page = String(decoding: try await server.request("GET", "/repos/app/alerts", token: developer).body, as: UTF8.self)
        #expect(page.contains("MachineUp") && page.contains("data-state=\"firing\"") && page.contains("No silences."), "\(page.suffix(2000))")

        // The machine's memory, recorded each evaluation, charted on the Metrics page.
        let metrics = String(decoding: try await server.request("GET", "/repos/app/metrics", token: developer).body, as: UTF8.self)
        #expect(metrics.contains("<svg class=\"chart\"") && metrics.contains("<title>memory · "), "\(metrics.suffix(2000))")
        #expect(metrics.contains("<polyline points="), "a line, not 'no data'")
        #expect(try await server.request("GET", "/repos/app/metrics?range=2y", token: developer).status == 400)
        // A second repository gets the machine's samples too (read once a cycle for all).
        #expect(try await server.cli(["repo", "add", "other"]).status == 0)
        try await source.git("remote add other '\(server.data.path)/repos/other.git'")
        try await source.git("push -q other main")
        var both = false
        for _ in 0..<100 where !both {
            try await Task.sleep(for: .milliseconds(200))
            var pages: [String] = []
            for repository in ["app", "other"] {
                pages.append(String(decoding: try await server.request("GET", "/repos/\(repository)/metrics", token: developer).body, as: UTF8.self))
            }
            both = pages.allSatisfy { $0.contains("<title>CPU · ") && $0.contains("<title>memory · ") }
        }
        #expect(both, "each repository's Metrics page charts the machine's CPU and memory")

        // Both pages in Chromium, on a desktop and a phone (screenshots in the test artifacts).
        let wantBrowser = try await ServerEndToEndTests.browserAvailable()
        #expect(wantBrowser || ProcessInfo.processInfo.environment["GAARA_REQUIRE_BROWSER"] != "1", "GAARA_REQUIRE_BROWSER=1 but no Chromium")
        if wantBrowser {
            try FileManager.default.createDirectory(at: ServerEndToEndTests.artifacts, withIntermediateDirectories: true)
            let script = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/browser/alerts_check.py")
            let looked = try await GaaraBinary.run(
                ["python3", script.path, server.url, developer, "app", ServerEndToEndTests.artifacts.path],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(looked.status == 0, "\(looked.stdout)\(looked.stderr)")
            let seen = (try? JSONSerialization.jsonObject(with: Data(looked.stdout.utf8)) as? [String: Any]) ?? [:]
            print("alerts and metrics in Chromium: \(seen)")
            #expect(seen["alert_states"] as? [String] == ["firing"], "\(seen)")
            #expect((seen["chart_titles"] as? [String] ?? []).contains { $0.hasPrefix("memory · ") }, "\(seen)")
            #expect(seen["phone_scroll_width"] as? Int ?? 999 <= 390, "the metrics page scrolls sideways on a phone: \(seen)")
            #expect(
                seen["refreshed"] as? Bool == true && seen["refreshed_in_place"] as? Bool == true
                    && seen["charts_after_refresh"] as? Int == seen["charts"] as? Int && seen["delivery_heading"] as? Bool == true,
                "the charts refresh in place: \(seen)")
            #expect((seen["console_errors"] as? [String] ?? []).isEmpty, "\(seen)")
            for name in ["alerts.png", "metrics.png", "metrics-phone.png"] {
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: ServerEndToEndTests.artifacts.appendingPathComponent(name).path))?[.size]
                    as? Int ?? 0
                #expect(size > 10_000, "\(name) is \(size) bytes")
            }
        } else {
            print("ServerAlertsTests: no Chromium/chromedriver/selenium here; the browser part is skipped")
        }

        // GET /metrics for a team's Prometheus: a viewer token, every repository's series labelled with it.
        #expect(try await server.request("GET", "/metrics").status == 401)
        let exposed = String(decoding: try await server.request("GET", "/metrics", token: developer).body, as: UTF8.self)
        #expect(exposed.contains("# TYPE gaara_memory gauge") && exposed.contains("repository=\"other\""), "\(exposed.prefix(2000))")
        #expect(exposed.contains("ALERTS{alertname=\"MachineUp\",alertstate=\"firing\","), "\(exposed)")
        let prometheus = try await PrometheusTestServer.start(in: directory.url, scraping: server.url, token: developer)
        defer { prometheus.stop() }
        var scraped: Double?
        for _ in 0..<100 where scraped == nil {
            try await Task.sleep(for: .milliseconds(200))
            scraped = await prometheus.query("ALERTS{alertname=\"MachineUp\",alertstate=\"firing\",repository=\"app\"}")
        }
        #expect(scraped == 1, "a real Prometheus scraping the server with the token sees the firing alert")

        // Silences: approvers only, matchers checked, picked up at the next evaluation.
        let silence: [String: Any] = ["matchers": ["alertname=MachineUp"], "duration": "1h", "comment": "maintenance"]
        #expect(try await server.request("POST", "/api/repos/app/silences", token: developer, json: silence).status == 403)
        let bad = try await server.request("POST", "/api/repos/app/silences", token: approver, json: ["matchers": ["alertname=="], "duration": "1h"])
        #expect(
            bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("matcher 'alertname=='"),
            "\(String(decoding: bad.body, as: UTF8.self))")
        let created = try await server.request("POST", "/api/repos/app/silences", token: approver, json: silence)
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let id = try #require((try JSONSerialization.jsonObject(with: created.body) as? [String: Any])?["id"] as? String)
        var muted = false
        for _ in 0..<100 where !muted {
            try await Task.sleep(for: .milliseconds(100))
            muted = (try await server.json("/api/repos/app/alerts", token: developer) as? [[String: Any]])?.first?["muted"] as? Bool == true
        }
        #expect(muted, "the silence mutes the alert at the next evaluation")
        let silences = try await server.json("/api/repos/app/silences", token: developer) as? [[String: Any]] ?? []
        #expect(silences.first?["state"] as? String == "active" && silences.first?["created_by"] as? String == "ann", "\(silences)")
        #expect(try await server.request("DELETE", "/api/repos/app/silences/\(id)", token: approver).status == 200)
        #expect(try await server.request("DELETE", "/api/repos/app/silences/\(id)", token: approver).status == 404)
        let audit = try await server.cli(["audit"])
        #expect(audit.stdout.contains("alerts.silence") && audit.stdout.contains("alerts.expire"), "\(audit.stdout)")
        let deliveries = try await server.json("/api/deliveries") as? [[String: Any]] ?? []
        #expect(deliveries.contains { $0["kind"] as? String == "alert-webhook" && $0["state"] as? String == "delivered" }, "\(deliveries)")
        // And on the dashboard, for admins: the same log, the target's address without its path.
        let log = String(decoding: try await server.request("GET", "/deliveries?state=delivered", token: server.adminToken).body, as: UTF8.self)
        #expect(
            log.contains("<tr class=\"delivery\" data-state=\"delivered\">") && log.contains("<td>alert-webhook</td>")
                && log.contains("<code>POST http://127.0.0.1:\(receiver.port)/…</code>") && !log.contains("/hook<")
                && log.contains("<strong>delivered</strong>"), "\(log.suffix(3000))")
        #expect(try await server.request("GET", "/deliveries", token: developer).status == 403)
        #expect(try await server.request("GET", "/deliveries?state=lost", token: server.adminToken).status == 400)
    }
}
