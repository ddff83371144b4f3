import Crypto
import Foundation
import GaaraTestSupport
import Testing

/// `gaara deploy` of a canary with `analysis` in `.gaara/deploy.yml`, as a user runs it under load:
/// a release answering 20% errors is rolled back by the judge long before its pause ends, the error
/// names the figures, and an incident report is written and shown by `gaara incidents`.
/// (A time limit: without load the analysis would hold the rollout for a person, and the test would
/// wait for ever instead of failing.)
@Suite(.serialized, .timeLimit(.minutes(10)))
struct AnalysisDeployCommandTests {
    /// A server failing every Nth answer but `/up`, N from the release's `fail_every` file (0: never).
    static let server = """
        import http.server, itertools, os, time
        every = int(open("fail_every").read())
        count = itertools.count(1)
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            def do_GET(self):
                fail = self.path != "/up" and every > 0 and next(count) % every == 0
                if self.path != "/up":
                    time.sleep(0.005)
                body = b"failed" if fail else b"ok"
                self.send_response(500 if fail else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                print(self.path, flush=True)
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """

    @Test func aFailingCanaryIsRolledBackByTheJudgeAndLeavesAnIncidentReport() async throws {
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
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
                    steps: [{weight: 50, pause: 5m}, 100]
                    analysis: {min-requests: 30, initial-delay: 1s}
            """)
        try project.write("site/server.py", Self.server)
        try project.write("site/fail_every", "0")
        let outcome: Result<Void, any Error>
        do {
            let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
            try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
            let none = try await GaaraBinary.run(["incidents", "staging"], in: project.url)
            #expect(none.stdout.contains("staging has no incidents"), "\(none.stdout)")
            // Load through the router while release 2 (every 5th answer a 500) rolls out.
            try project.write("site/fail_every", "5")
            // (In a task of its own: a child started in the background from a shell would hold the
            // test's output until it ends.)
            let load = Task {
                try await GaaraBinary.run(
                    ["wrk", "-t1", "-c4", "-d30s", "http://127.0.0.1:\(port)/"], executable: URL(fileURLWithPath: "/usr/bin/env"))
            }
            let started = Date()
            let second = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
            let seconds = Date().timeIntervalSince(started)
            _ = try await load.value
            print("20% errors at 50%: gaara deploy ended after \(String(format: "%.1f", seconds)) s")
            #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
            #expect(
                second.stderr.contains("web-2 was not deployed to staging: analysis for up to 5m failed: canary error rate"), "\(second.stderr)")
            #expect(seconds < 150, "the judge decided, not the end of the 5-minute pause: \(seconds) s")
            // (Under the 30 s of load: without traffic the analysis would hold the rollout for a person.)
            #expect(second.stdout.contains("incident 1: "), "\(second.stdout)")
            #expect(await DeployCommandTests.get(port) == "ok", "release 1 serves again")

            let listed = try await GaaraBinary.run(["incidents", "staging"], in: project.url)
            #expect(listed.stdout.hasPrefix("1  ") && listed.stdout.contains("web-2 → web-1"), "\(listed.stdout)")
            let shown = try await GaaraBinary.run(["incidents", "staging", "1"], in: project.url)
            for part in [
                "# Incident 1: web in staging rolled back", "**Trigger**: analysis for up to 5m failed: canary error rate",
                "- Failed release: `web-2`",
                "- Restored release: `web-1`", "## Timeline", "route 50%", "## Analysis", "## Last log lines of web-2",
            ] {
                #expect(shown.stdout.contains(part), "\(part) in \(shown.stdout)")
            }
            let json = try await GaaraBinary.run(["incidents", "staging", "--format", "json"], in: project.url)
            let reports = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            #expect(reports?.count == 1 && reports?.first?["number"] as? Int == 1, "\(json.stdout)")
            let missing = try await GaaraBinary.run(["incidents", "staging", "7"], in: project.url)
            #expect(missing.status == 2 && missing.stderr.contains("staging has no incident 7 (it has 1)"), "\(missing.stderr)")
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        try outcome.get()
    }

    @Test func aCommandMetricInDeployYmlRollsBackACanaryItFindsBroken() async throws {
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        // Slack, PagerDuty and a webhook, played by a local receiver that records what it gets.
        let receiver = try await HTTPTestReceiver.start()
        defer { receiver.stop() }
        // And email: a real SMTP server (aiosmtpd) with STARTTLS on a throwaway CA's certificate, and AUTH.
        let certificates = try SMTPTestServer.Certificates.make(in: project.url)
        let mail = try await SMTPTestServer.start([
            "--cert", certificates.cert, "--key", certificates.key, "--user", "deploy", "--password", "mail-pw",
        ])
        defer { mail.stop() }
        let secrets = [
            "SLACK_WEBHOOK": "http://127.0.0.1:\(receiver.port)/slack/flaky", "PD_KEY": "pd-key-123", "HOOK_SECRET": "s3cret-hook",
            "SMTP_PASSWORD": "mail-pw",
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
                    analysis:
                      judge: false
                      metrics:
                        - name: front-page
                          # The new release's own address: it must answer its front page.
                          command: python3 -c "import os, urllib.request; urllib.request.urlopen(os.environ['GAARA_RELEASE_URL'] + '/')"
                          interval: 500ms
                          count: 3
                          success-condition: exit_code == 0
                pre-rollback: 'echo "$GAARA_RELEASE - $GAARA_ROLLBACK_REASON" > rolled-back.txt'
                notify:
                  slack: SLACK_WEBHOOK
                  pagerduty: {routing-key: PD_KEY, url: "http://127.0.0.1:\(receiver.port)/pd"}
                  webhook: {url: "http://127.0.0.1:\(receiver.port)/hook", secret: HOOK_SECRET}
                  email:
                    server: "127.0.0.1:\(mail.port)"
                    username: deploy
                    password: SMTP_PASSWORD
                    from: "Gaara <deploy@example.com>"
                    to: [ops@example.com]
                    ca-file: \(certificates.ca)
            """)
        try project.write("site/server.py", Self.server)
        try project.write("site/fail_every", "0")
        let outcome: Result<Void, any Error>
        do {
            let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: secrets)
            try #require(first.status == 0, "\(first.stdout)\(first.stderr)")
            // Release 2 answers every request but /up with a 500: healthy, and broken.
            try project.write("site/fail_every", "1")
            let started = Date()
            let second = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: secrets)
            let seconds = Date().timeIntervalSince(started)
            #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
            #expect(
                second.stderr.contains("web-2 was not deployed to staging: analysis for up to 5m failed: metric 'front-page' (command) failed"),
                "\(second.stderr)")
            #expect(second.stderr.contains("success condition 'exit_code == 0' is false"), "\(second.stderr)")
            #expect(seconds < 120, "the metric decided, not the end of the 5-minute pause: \(seconds) s")
            let hook = try String(contentsOf: project.url.appendingPathComponent("rolled-back.txt"), encoding: .utf8)
            #expect(hook.hasPrefix("web-2 - analysis for up to 5m failed: metric 'front-page'"), "the pre-rollback command ran: \(hook)")
            #expect(await DeployCommandTests.get(port) == "ok", "release 1 serves again")
            let shown = try await GaaraBinary.run(["incidents", "staging", "1"], in: project.url)
            #expect(shown.stdout.contains("**Trigger**: analysis for up to 5m failed: metric 'front-page' (command) failed"), "\(shown.stdout)")

            // The decision, signed, with what it was made on; a changed file no longer verifies.
            let evidence = try await GaaraBinary.run(["rollout", "evidence", "staging", "web-2"], in: project.url)
            #expect(evidence.status == 0, "\(evidence.stdout)\(evidence.stderr)")
            for part in [
                "rollout 1 of 1: signature valid (Ed25519, key SHA256:", "this data directory's key)", "web-2 (web in staging, dir:sha256:",
                "against web-1", "outcome: aborted: analysis for up to 5m failed", "request: requested by ",
                "analysis for up to 5m: failed by metrics", "metric 'front-page': failed (failed)",
            ] {
                #expect(evidence.stdout.contains(part), "\(part) in \(evidence.stdout)")
            }
            let file = project.url.appendingPathComponent(".gaara/deploy/staging/evidence/web-2.json")
            let stored = try String(contentsOf: file, encoding: .utf8)
            try stored.replacingOccurrences(of: "\\\"metrics\\\"", with: "\\\"judge\\\"")
                .write(to: file, atomically: true, encoding: .utf8)
            #expect(try String(contentsOf: file, encoding: .utf8) != stored, "the evidence was changed")
            let tampered = try await GaaraBinary.run(["rollout", "evidence", "staging", "web-2"], in: project.url)
            #expect(tampered.status == 1, "\(tampered.stdout)\(tampered.stderr)")
            #expect(tampered.stdout.contains("signature INVALID"), "\(tampered.stdout)")
            let none = try await GaaraBinary.run(["rollout", "evidence", "staging", "web-9"], in: project.url)
            #expect(none.status == 2 && none.stderr.contains("web-9 has no evidence in staging"), "\(none.stderr)")

            // A condition that is not an expression is found before anything runs, where it is written.
            try project.write(
                ".gaara/deploy.yml",
                (try String(contentsOf: project.url.appendingPathComponent(".gaara/deploy.yml"), encoding: .utf8))
                    .replacingOccurrences(of: "exit_code == 0", with: "exit_code ==="))
            let invalid = try await GaaraBinary.run(["validate"], in: project.url)
            #expect(invalid.status != 0)
            #expect(
                (invalid.stdout + invalid.stderr).contains(".gaara/deploy.yml:22:34: error: 'success-condition' is not a valid expression"),
                "\(invalid.stdout)\(invalid.stderr)")

            // A later release that goes live healthy closes the incident.
            try project.write(
                ".gaara/deploy.yml",
                (try String(contentsOf: project.url.appendingPathComponent(".gaara/deploy.yml"), encoding: .utf8))
                    .replacingOccurrences(of: "exit_code ===", with: "exit_code == 0"))
            try project.write("site/fail_every", "0")
            let fixed = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: secrets)
            #expect(fixed.status == 0 && fixed.stdout.contains("incident 1 resolved: web-3 went live healthy"), "\(fixed.stdout)\(fixed.stderr)")
            let listed = try await GaaraBinary.run(["incidents", "staging"], in: project.url)
            #expect(listed.stdout.hasPrefix("1  resolved  "), "\(listed.stdout)")
            let closed = try await GaaraBinary.run(["incidents", "staging", "1"], in: project.url)
            #expect(
                closed.stdout.contains("- Status: resolved ") && closed.stdout.contains(" by web-3: a later release went live healthy"),
                "\(closed.stdout)")
            let listedAgain = try await GaaraBinary.run(["incidents", "list", "staging"], in: project.url)
            #expect(listedAgain.stdout == listed.stdout, "gaara incidents list ENV is gaara incidents ENV")
            let shownAgain = try await GaaraBinary.run(["incidents", "show", "staging", "1"], in: project.url)
            #expect(shownAgain.stdout == closed.stdout, "\(shownAgain.stdout)\(shownAgain.stderr)")
            let again = try await GaaraBinary.run(["incidents", "staging", "1", "--resolve", "--note", "by hand"], in: project.url)
            #expect(again.status == 0 && again.stdout.contains("resolved by web-3"), "the first resolution stays: \(again.stdout)\(again.stderr)")
            let noNumber = try await GaaraBinary.run(["incidents", "staging", "--resolve"], in: project.url)
            #expect(noNumber.status == 2 && noNumber.stderr.contains("--resolve needs the incident's NUMBER"), "\(noNumber.stderr)")
            let noteAlone = try await GaaraBinary.run(["incidents", "staging", "--note", "x"], in: project.url)
            #expect(noteAlone.status == 2 && noteAlone.stderr.contains("--note goes with --resolve"), "\(noteAlone.stderr)")

            // The records feed DORA's metrics: 2 deployments of 3 attempts, one failed change, restored.
            let dora = try await GaaraBinary.run(["metrics", "dora", "staging", "--format", "json"], in: project.url)
            let metrics = try JSONSerialization.jsonObject(with: Data(dora.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(metrics["deployments"] as? Int == 2 && metrics["attempts"] as? Int == 3, "\(dora.stdout)\(dora.stderr)")
            #expect(abs((metrics["changeFailureRate"] as? Double ?? 0) - 1.0 / 3) < 1e-9 && metrics["openIncidents"] as? Int == 0, "\(metrics)")
            #expect((metrics["timeToRestore"] as? Double).map { $0 > 0 && $0 < 300 } == true, "\(metrics)")
            let doraText = try await GaaraBinary.run(["metrics", "dora", "staging", "--since", "4w"], in: project.url)
            #expect(doraText.stdout.contains("change failure rate: 33% (1 incidents of 3 attempts)"), "\(doraText.stdout)")
            let badWindow = try await GaaraBinary.run(["metrics", "dora", "staging", "--since", "soon"], in: project.url)
            #expect(badWindow.status == 2 && badWindow.stderr.contains("--since must be a duration"), "\(badWindow.stderr)")

            // The team was told: each deploy's start and end, the failure with its incident, its resolution.
            let requests = try receiver.requests()
            let slack = requests.filter { $0.path == "/slack/flaky" }.compactMap { $0.json["text"] as? String }
            #expect(slack.first == slack.dropFirst().first, "the first message got a 429 and was sent again after its Retry-After: \(slack)")
            for line in [
                "🚀 deploying web-1 of web to staging — by", "✅ web-1 is live in staging — deployed by",
                "🔥 web-2 was rolled back in staging, web-1 serves again — incident 1: analysis for up to 5m failed: metric 'front-page'",
                "✅ web-3 is live in staging (was web-1)", "✅ incident 1 of staging resolved: web-3 went live healthy",
            ] {
                #expect(slack.contains { $0.hasPrefix(line) }, "\(line) in \(slack)")
            }
            let pagerDuty = requests.filter { $0.path.hasPrefix("/pd/") }
            let alerts = pagerDuty.filter { $0.path == "/pd/v2/enqueue" }.map(\.json)
            #expect(
                alerts.map { "\($0["event_action"] ?? "") \($0["dedup_key"] ?? "") \($0["routing_key"] ?? "")" } == [
                    "trigger gaara/staging/web/incident-1 pd-key-123", "resolve gaara/staging/web/incident-1 pd-key-123",
                ], "\(alerts)")
            #expect((alerts.first?["payload"] as? [String: Any])?["severity"] as? String == "critical")
            #expect(pagerDuty.filter { $0.path == "/pd/v2/change/enqueue" }.count == 2, "the two deployments that went live are change events")
            let hooks = requests.filter { $0.path == "/hook" }
            #expect(hooks.count == 7, "every notification: \(hooks.map { $0.json["event"] ?? "" })")
            for hook in hooks {
                let expected =
                    "sha256="
                    + HMAC<SHA256>.authenticationCode(for: Data(hook.body.utf8), using: SymmetricKey(data: Data("s3cret-hook".utf8)))
                    .map { String(format: "%02x", $0) }.joined()
                #expect(hook.headers["X-Gaara-Signature-256"] == expected, "signed with the webhook's secret")
            }
            let emails = mail.messages()
            #expect(emails.count == 7, "every notification by email too: \(emails.map { $0["subject"] ?? "" })")
            #expect(emails.allSatisfy { $0["tls"] as? Bool == true && $0["user"] as? String == "deploy" }, "over STARTTLS, authenticated")
            let failedEmail = emails.first { $0["subject"] as? String == "[gaara] staging: web-2 rolled back (incident 1)" }
            #expect(
                (failedEmail?["text"] as? String)?.contains("# Incident 1: web in staging rolled back") == true, "\(String(describing: failedEmail))")
            #expect((failedEmail?["html"] as? String)?.contains("<pre># Incident 1: web in staging rolled back") == true)
            #expect(failedEmail?["rcpt_tos"] as? [String] == ["ops@example.com"])
            let failedHook = hooks.map(\.json).first { $0["event"] as? String == "deploy.failed" }
            #expect(
                ((failedHook?["incident"] as? [String: Any])?["markdown"] as? String)?.hasPrefix("# Incident 1: web in staging rolled back") == true)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        try outcome.get()
    }
}
