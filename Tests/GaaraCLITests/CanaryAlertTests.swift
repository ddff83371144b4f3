import Foundation
import GaaraTestSupport
import Testing

/// The guide's monitoring and its automatic rollback together, as a user runs them: a canary whose
/// answers fail takes the service's error rate above 1%; `gaara alerts watch` fires HighErrorRate to
/// Slack, PagerDuty and email once (grouped); the canary analysis rolls the release back and the
/// deploy's notifications carry the incident; the alert resolves after the rollback, on all three
/// channels, PagerDuty's resolve carrying its trigger's dedup key. A real Prometheus scraping the
/// watcher reads the same error rate the watcher computed.
/// (In AlertsCommandTests' suite: the two load the machine alike and run one after the other.)
extension AlertsCommandTests {
    @Test func aCanaryAboveOnePercentErrorsAlertsEveryChannelOnceIsRolledBackAndTheAlertResolves() async throws {
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        let receiver = try await HTTPTestReceiver.start()
        defer { receiver.stop() }
        let mail = try await SMTPTestServer.start([])
        defer { mail.stop() }
        let hooks = "http://127.0.0.1:\(receiver.port)"
        let secrets = [
            "ALERTS_SLACK": "\(hooks)/slack/alerts", "DEPLOY_SLACK": "\(hooks)/slack/deploys", "PD_KEY": "pd-routing-key",
        ]
        try project.write(
            ".gaara/deploy.yml",
            """
            services:
              web:
                command: exec python3 server.py
                release-dir: site
                port: 8080
                health: {interval: 200ms, deadline: 20s}
            environments:
              staging:
                hosts: local
                router: 127.0.0.1:\(port)
                strategy:
                  canary:
                    steps: [{weight: 10, pause: 5m}, 100]
                    # The judge waits 10 s: the alert (2 s) is meant to fire before the rollback.
                    analysis: {min-requests: 30, initial-delay: 10s}
                notify:
                  slack: DEPLOY_SLACK
                  pagerduty: {routing-key: PD_KEY, url: "\(hooks)/pd-deploys"}
                  email: {server: "127.0.0.1:\(mail.port)", tls: none, from: "Gaara <deploy@example.com>", to: [ops@example.com]}
            """)
        // The guide's error-rate rule with times a test can wait for; RollbackInProgress (a default,
        // severity info) goes to a receiver without channels, as an operator keeps it off chat.
        try project.write(
            ".gaara/alerts.yml",
            """
            rules:
              - alert: HighErrorRate
                expr: error_rate > 1%
                for: 2s
                severity: critical
                annotations: {summary: "error rate {{ $value | percent }} on {{ $labels.service }} in {{ $labels.environment }}"}
            route:
              receiver: team
              group-by: [alertname, environment]
              group-wait: 1s
              group-interval: 2s
              repeat-interval: 1h
              routes: [{matchers: [severity=info], receiver: quiet}]
            receivers:
              - name: team
                slack: ALERTS_SLACK
                pagerduty: {routing-key: PD_KEY, url: "\(hooks)/pd-alerts"}
                email: {to: [oncall@example.com]}
              - name: quiet
            smtp: {server: "127.0.0.1:\(mail.port)", tls: none, from: "Gaara <alerts@example.com>"}
            """)
        try project.write("site/server.py", AnalysisDeployCommandTests.server)
        try project.write("site/fail_every", "0")
        let watcher = Process()
        let traffic = Process()
        let output = project.url.appendingPathComponent("watch.log")
        let outcome: Result<Void, any Error>
        do {
            let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: secrets)
            try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
            // Users: ~30 requests a second through the router, each a new client (so 10% reach the canary).
            try Self.startUsers(traffic, port: port)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let metricsPort = try RegistryFixture.freePort()
            watcher.executableURL = GaaraBinary.url
            // A 30-second window: on a loaded machine a few requests a second reach the canary, and a
            // shorter window would see some seconds without one (the alert would flap).
            watcher.arguments = ["alerts", "watch", "staging", "--interval", "1s", "--window", "30", "--listen", "127.0.0.1:\(metricsPort)"]
            watcher.currentDirectoryURL = project.url
            watcher.environment = ProcessInfo.processInfo.environment.merging(secrets) { $1 }
            watcher.standardOutput = try FileHandle(forWritingTo: output)
            watcher.standardError = watcher.standardOutput
            try watcher.run()
            let prometheus = try await PrometheusTestServer.start(in: project.url, scraping: "127.0.0.1:\(metricsPort)")
            defer { prometheus.stop() }

            // Release 2 answers everything but /up with a 500: 10% of the service's requests fail.
            try project.write("site/fail_every", "1")
            let deploy = Task { try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: secrets) }
            let firing = try await Self.waitForEveryChannel(receiver, mail, "FIRING")
            #expect(firing.slack == ["[FIRING:1] HighErrorRate (environment=staging)"], "\(firing) \(Self.read(output))")
            #expect(firing.email == ["[gaara] [FIRING:1] HighErrorRate (environment=staging)"], "\(firing)")
            #expect(firing.pagerDuty.count == 1, "\(firing)")

            // While it fires, Prometheus scraping the watcher holds the error rate the watcher computed,
            // to the last digit (the watcher's window moves each second: compared until a scrape
            // follows the watcher's latest evaluation).
            var same = false
            var seen = ""
            for _ in 0..<100 where !same {
                let exposed = try await GaaraBinary.run(
                    ["curl", "-s", "http://127.0.0.1:\(metricsPort)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/env")
                ).stdout
                let line = exposed.split(separator: "\n").first { $0.hasPrefix("gaara_error_rate{") && $0.contains("service=\"web\"") }
                let value = line.flatMap { Double($0.split(separator: " ").last ?? "") }
                let scraped = await prometheus.query("gaara_error_rate{environment=\"staging\",service=\"web\"}")
                seen += "exposed \(String(describing: value)), Prometheus \(String(describing: scraped)); "
                same = value != nil && value == scraped && value! > 0.01
                if !same { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(same, "\(seen)")

            let second = try await deploy.value
            #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
            #expect(second.stderr.contains("web-2 was not deployed to staging: analysis for up to 5m failed: canary error rate"), "\(second.stderr)")
            #expect(second.stdout.contains("incident 1: "), "\(second.stdout)")

            // The rollback's incident went out on the deploy's channels.
            let requests = try receiver.requests()
            let incident = try #require(
                requests.firstIndex { $0.path == "/slack/deploys" && ($0.json["text"] as? String)?.hasPrefix("🔥 web-2 was rolled back") == true },
                "\(requests.map(\.path))")
            let deployPages = requests.filter { $0.path == "/pd-deploys/v2/enqueue" }.map {
                "\($0.json["event_action"] ?? "") \($0.json["dedup_key"] ?? "")"
            }
            #expect(deployPages == ["trigger gaara/staging/web/incident-1"], "\(deployPages)")
            #expect(mail.messages().contains { $0["subject"] as? String == "[gaara] staging: web-2 rolled back (incident 1)" })

            // Release 1 serves every request again: the window forgets the canary and the alert resolves.
            // (Up to two minutes: the window forgets the canary's answers 30 s after the rollback.)
            let resolved = try await Self.waitForEveryChannel(receiver, mail, "RESOLVED", attempts: 1200)
            #expect(resolved.slack == ["[RESOLVED] HighErrorRate (environment=staging)"], "\(resolved) \(Self.read(output))")
            #expect(resolved.email == ["[gaara] [RESOLVED] HighErrorRate (environment=staging)"], "\(resolved)")
            let pages = try Self.pages(receiver, "HighErrorRate").map { "\($0.json["event_action"] ?? "") \($0.json["dedup_key"] ?? "")" }
            #expect(pages.count == 2 && pages[0].hasPrefix("trigger ") && pages[1].hasPrefix("resolve "), "\(pages)")
            let keys = Set(pages.map { String($0.split(separator: " ").last ?? "") })
            #expect(keys.count == 1, "the resolve carries the trigger's dedup key: \(pages)")
            let after = try receiver.requests()
            let resolvedAt = try #require(after.firstIndex { ($0.json["text"] as? String)?.hasPrefix("[RESOLVED]") == true })
            #expect(resolvedAt > incident, "the alert resolved after the rollback's incident went out")
            // Once each: grouped, and not repeated within the hour.
            let fired = try Self.alerts(receiver, mail, "FIRING")
            #expect(fired.slack.count == 1 && fired.pagerDuty.count == 1 && fired.email.count == 1, "\(fired)")
            // The guide's other default fired too: the rolled-back deployment is a failed one (until the next good release).
            let failed = try await Self.waitForEveryChannel(receiver, mail, "FIRING", alert: "DeploymentFailed")
            #expect(failed.slack.count == 1 && failed.pagerDuty.count == 1 && failed.email.count == 1, "\(failed)")

            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for process in [watcher, traffic] where process.isRunning {
            // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        try outcome.get()
    }

    /// The alert notifications of one kind (`FIRING` or `RESOLVED`) each channel got, each once.
    struct Sent: CustomStringConvertible {
        var slack: [String]
        var pagerDuty: [String]
        var email: [String]
        var description: String { "slack \(slack), pagerduty \(pagerDuty), email \(email)" }
    }

    /// Waits (`attempts` × 0.1 s) until Slack, PagerDuty and email each got a `kind` notification of `alert`.
    static func waitForEveryChannel(
        _ receiver: HTTPTestReceiver, _ mail: SMTPTestServer, _ kind: String, alert: String = "HighErrorRate", attempts: Int = 600
    ) async throws -> Sent {
        var sent = try alerts(receiver, mail, kind, alert: alert)
        for _ in 0..<attempts where sent.slack.isEmpty || sent.pagerDuty.isEmpty || sent.email.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            sent = try alerts(receiver, mail, kind, alert: alert)
        }
        return sent
    }

    static func alerts(_ receiver: HTTPTestReceiver, _ mail: SMTPTestServer, _ kind: String, alert: String = "HighErrorRate") throws -> Sent {
        let action = kind == "FIRING" ? "trigger" : "resolve"
        return Sent(
            slack: try distinct(receiver, "/slack/alerts").compactMap { $0.json["text"] as? String }.filter {
                $0.hasPrefix("[\(kind)") && $0.contains("] \(alert) (")
            },
            pagerDuty: try pages(receiver, alert).filter { $0.json["event_action"] as? String == action }.map(\.body),
            email: Array(
                Set(
                    mail.messages().compactMap { $0["subject"] as? String }.filter { $0.hasPrefix("[gaara] [\(kind)") && $0.contains("] \(alert) (") }
                )
            ).sorted())
    }

    /// The PagerDuty events of one alert (by its dedup key: a resolve has no payload), each once.
    static func pages(_ receiver: HTTPTestReceiver, _ alert: String) throws -> [HTTPTestReceiver.Request] {
        try distinct(receiver, "/pd-alerts/v2/enqueue").filter { ($0.json["dedup_key"] as? String)?.hasPrefix("gaara/alert/\(alert)/") == true }
    }

    /// The requests to `path`, each body once: delivery is at least once, and a post a loaded
    /// machine answered too late for the sender comes again with the same body.
    static func distinct(_ receiver: HTTPTestReceiver, _ path: String) throws -> [HTTPTestReceiver.Request] {
        var seen = Set<String>()
        return try receiver.requests().filter { $0.path == path && seen.insert($0.body).inserted }
    }
}
