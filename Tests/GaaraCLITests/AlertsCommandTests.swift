import Foundation
import GaaraHTTP
import GaaraTestSupport
import Testing

/// `gaara alerts watch` over a deployed environment, as a user runs it: a live release answering
/// 10% errors through Gaara's router fires the error-rate alert to Slack, a signed webhook and
/// email once (grouped), and the next good release resolves it.
/// (A time limit: the test waits for notifications, and must fail rather than hang.)
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AlertsCommandTests {
    @Test func anErrorRateAboveOnePercentFiresToEveryChannelAndResolvesAfterTheFix() async throws {
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        let receiver = try await HTTPTestReceiver.start()
        defer { receiver.stop() }
        let mail = try await SMTPTestServer.start([])
        defer { mail.stop() }
        let secrets = ["SLACK_WEBHOOK": "http://127.0.0.1:\(receiver.port)/slack", "HOOK_SECRET": "alert-hook-secret"]
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
                strategy: blue-green
            """)
        // The guide's error-rate rule, with times a test can wait for.
        try project.write(
            ".gaara/alerts.yml",
            """
            rules:
              - alert: HighErrorRate
                expr: error_rate > 1%
                for: 2s
                severity: critical
                annotations: {summary: "error rate {{ $value | percent }} on {{ $labels.service }} in {{ $labels.environment }}"}
            route: {receiver: team, group-by: [alertname, environment], group-wait: 1s, group-interval: 2s, repeat-interval: 1h}
            receivers:
              - name: team
                slack: SLACK_WEBHOOK
                webhook: {url: "http://127.0.0.1:\(receiver.port)/hook", secret: HOOK_SECRET}
                email: {to: [ops@example.com]}
            smtp: {server: "127.0.0.1:\(mail.port)", tls: none, from: "Gaara <alerts@example.com>"}
            """)
        try project.write("site/server.py", AnalysisDeployCommandTests.server)
        try project.write("site/fail_every", "10")
        let watcher = Process()
        let traffic = Process()
        let output = project.url.appendingPathComponent("watch.log")
        let outcome: Result<Void, any Error>
        do {
            let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
            try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
            // Users: ~30 requests a second through the router, every 10th answered 500 by release 1.
            try Self.startUsers(traffic, port: port)
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            watcher.executableURL = GaaraBinary.url
            let metricsPort = try RegistryFixture.freePort()
            watcher.arguments = [
                "alerts", "watch", "staging", "--interval", "1s", "--window", "30", "--external-url", "https://gaara.example", "--listen",
                "127.0.0.1:\(metricsPort)",
            ]
            watcher.currentDirectoryURL = project.url
            watcher.environment = ProcessInfo.processInfo.environment.merging(secrets) { $1 }
            watcher.standardOutput = try FileHandle(forWritingTo: output)
            watcher.standardError = watcher.standardOutput
            try watcher.run()

            let fired = try await Self.waitFor(receiver, mail, status: "firing")
            let firing = try #require(fired, "no firing notification: \(Self.read(output))")
            #expect(firing.slack.first?.json["text"] as? String == "[FIRING:1] HighErrorRate (environment=staging)", "\(firing.slack.map(\.body))")
            let summary = ((firing.hook.json["alerts"] as? [[String: Any]])?.first?["annotations"] as? [String: String])?["summary"] ?? ""
            #expect(summary.hasPrefix("error rate ") && summary.hasSuffix("% on web in staging"), "\(summary)")
            #expect(
                firing.hook.headers["X-Gaara-Signature-256"] == WebhookSignature.value(Data(firing.hook.body.utf8), secret: "alert-hook-secret"))
            #expect(firing.email["subject"] as? String == "[gaara] [FIRING:1] HighErrorRate (environment=staging)")
            #expect(
                Self.read(output).contains("firing {alertname=\"HighErrorRate\", environment=\"staging\", service=\"web\", severity=\"critical\"}"))
            // A real Prometheus scraping the watcher's /metrics sees the same error rate and the alert.
            let prometheus = try await PrometheusTestServer.start(in: project.url, scraping: "127.0.0.1:\(metricsPort)")
            defer { prometheus.stop() }
            var scraped: Double?
            for _ in 0..<100 where scraped == nil {
                try await Task.sleep(for: .milliseconds(200))
                scraped = await prometheus.query("ALERTS{alertname=\"HighErrorRate\",alertstate=\"firing\",service=\"web\"}")
            }
            #expect(scraped == 1, "Prometheus sees the firing alert")
            let rate = await prometheus.query("gaara_error_rate{environment=\"staging\",service=\"web\"}")
            #expect(rate.map { $0 > 0.01 && $0 < 0.3 } == true, "about 10% errors: \(String(describing: rate))")
            let listed = try await GaaraBinary.run(["alerts", "list"], in: project.url)
            #expect(listed.status == 0 && listed.stdout.contains("firing for ") && listed.stdout.contains("% on web in staging"), "\(listed.stdout)")

            // The fix: release 2 answers every request; the window forgets release 1's errors.
            try project.write("site/fail_every", "0")
            let second = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
            try #require(second.status == 0, "\(second.stdout)\(second.stderr)")
            let resolved = try await Self.waitFor(receiver, mail, status: "resolved")
            #expect(resolved != nil, "no resolved notification: \(Self.read(output))")
            #expect(resolved?.slack.last?.json["text"] as? String == "[RESOLVED] HighErrorRate (environment=staging)")
            #expect(resolved?.email["subject"] as? String == "[gaara] [RESOLVED] HighErrorRate (environment=staging)")
            // Once each: grouped, and not repeated within the hour.
            let hooks = try Self.notifications(receiver).map { $0.json["status"] as? String ?? "" }
            #expect(hooks == ["firing", "resolved"], "\(hooks)")

            // A silence (set while the watcher runs) mutes the next breakage; ending it lets it through.
            let silenced = try await GaaraBinary.run(
                [
                    "alerts", "silence", "--match", "alertname=HighErrorRate", "--match", "environment=~stag.*", "--for", "1h", "--comment",
                    "load test",
                ],
                in: project.url)
            let id = try #require(silenced.stdout.split(separator: " ").dropFirst().first.map(String.init), "\(silenced.stdout)\(silenced.stderr)")
            let silences = try await GaaraBinary.run(["alerts", "silences"], in: project.url)
            #expect(silences.stdout.contains("\(id)  active  until ") && silences.stdout.contains(": load test"), "\(silences.stdout)")
            try project.write("site/fail_every", "10")
            let third = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
            try #require(third.status == 0, "\(third.stdout)\(third.stderr)")
            var muted = ""
            for _ in 0..<300 where !(muted.contains("firing for ") && muted.contains("(silenced or inhibited)")) {
                try await Task.sleep(for: .milliseconds(100))
                muted = try await GaaraBinary.run(["alerts", "list"], in: project.url).stdout
            }
            #expect(muted.contains("firing for ") && muted.contains("(silenced or inhibited)"), "\(muted)")
            try await Task.sleep(for: .seconds(3))
            #expect(try Self.notifications(receiver).count == 2, "nothing sent while silenced")
            let expired = try await GaaraBinary.run(["alerts", "expire", id], in: project.url)
            #expect(expired.status == 0 && expired.stdout == "silence \(id) ended\n", "\(expired.stdout)\(expired.stderr)")
            let again = try await Self.waitFor(receiver, mail, status: "firing", after: 2)
            #expect(again != nil, "the silence's end lets the still-firing alert through: \(Self.read(output))")
            let unknown = try await GaaraBinary.run(["alerts", "expire", id], in: project.url)
            #expect(unknown.status == 2 && unknown.stderr.contains("no active or pending silence '\(id)'"), "\(unknown.stderr)")
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

    /// What every channel got for one notification.
    struct Delivered {
        let slack: [HTTPTestReceiver.Request]
        let hook: HTTPTestReceiver.Request
        let email: [String: Any]
    }

    /// Waits (up to two minutes: the 30-second window forgets a fixed release's errors only after
    /// 30 s) until the webhook, Slack and email all got a notification whose webhook status is `status`.
    /// (`after`: webhook notifications already seen, so the wait is for a new one.)
    static func waitFor(_ receiver: HTTPTestReceiver, _ mail: SMTPTestServer, status: String, after seen: Int = 0) async throws -> Delivered? {
        for _ in 0..<1200 {
            let requests = try receiver.requests()
            guard try notifications(receiver).count > seen else {
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            let subject = status == "firing" ? "[FIRING" : "[RESOLVED"
            if let hook = requests.last(where: { $0.path == "/hook" && $0.json["status"] as? String == status }),
                requests.contains(where: { $0.path == "/slack" && ($0.json["text"] as? String)?.hasPrefix(subject) == true }),
                let email = mail.messages().last(where: { ($0["subject"] as? String)?.hasPrefix("[gaara] " + subject) == true })
            {
                return Delivered(slack: requests.filter { $0.path == "/slack" }, hook: hook, email: email)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// The webhook's notifications, each once: delivery is at least once, and a post the receiver
    /// answered too late for the sender on a loaded machine comes again with the same body.
    static func notifications(_ receiver: HTTPTestReceiver) throws -> [HTTPTestReceiver.Request] {
        var seen = Set<String>()
        return try receiver.requests().filter { $0.path == "/hook" && seen.insert($0.body).inserted }
    }

    static func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Users: about 30 requests a second through the router at `port`, each on a new connection
    /// without a cookie (a new client, so a canary gets its weight's share). One Python process
    /// rather than a curl per request: a fork and exec 30 times a second loads a 2-core machine.
    static func startUsers(_ process: Process, port: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import http.client, time
            while True:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", \(port), timeout=2)
                    connection.request("GET", "/notes")
                    connection.getresponse().read()
                    connection.close()
                except OSError:
                    pass
                time.sleep(0.03)
            """,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }
}
