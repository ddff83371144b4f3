import Foundation
import Testing

/// Deploys through a real `gaara serve` (issue #17): `gaara deploy ENV --url … --wait` asks the
/// server's deploy controller, which reads `.gaara/deploy.yml` and the release directory of a
/// pushed commit, starts the environment's router and the releases (Python's http.server) as real
/// processes, and records the rollout; rollbacks, protection rules, one rollout at a time, masking,
/// and a server killed with SIGKILL in the middle of a canary, whose restart resumes it.
@Suite(.serialized)
struct ServerDeployTests {
    static func deployYAML(port: Int, productionPort: Int) -> String {
        """
        services:
          web:
            command: if [ -f broken ]; then echo "config broken, key $API_KEY"; exit 3; fi; exec python3 -m http.server "$PORT" --bind 127.0.0.1
            release-dir: site
            port: 8080
            secrets: [API_KEY]
            health: {interval: 200ms, deadline: 20s}
        environments:
          staging:
            hosts: local
            router: 127.0.0.1:\(port)
            strategy: blue-green
            scale-down-delay: 10m
            smoke-tests: curl -sf "$GAARA_RELEASE_URL/up" | grep -q release
          production:
            hosts: local
            router: 127.0.0.1:\(productionPort)
            strategy:
              canary:
                steps: [{weight: 50, pause: 25s}, 100]
                analysis: false  # plain pauses: nobody sends traffic to judge
            bake: 0
        """
    }

    /// `gaara ARGS --url SERVER --token TOKEN --repo app` (and nothing of the test's own environment).
    static func deploy(_ server: ServerProcess, _ arguments: [String], token: String) async throws -> GaaraBinary.Output {
        try await GaaraBinary.run(
            arguments + ["--url", server.url, "--token", token, "--repo", "app"],
            environment: ["GAARA_URL": "", "GAARA_TOKEN": "", "GITHUB_SHA": "", "GITHUB_REPOSITORY": ""])
    }

    static func token(_ server: ServerProcess, _ name: String, _ role: String) async throws -> String {
        let created = try await server.cli(["token", "create", "--role", role, "--name", name])
        guard created.status == 0 else { throw ServerTestError("token create: \(created.stderr)") }
        return created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func deployRollBackRefuseAndResumeAfterAKill() async throws {
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data")
        var server = try await ServerProcess(data: data)
        let port = try RegistryFixture.freePort()
        let productionPort = try RegistryFixture.freePort()
        // Whatever happens, the routers and releases the server started do not outlive the test.
        defer {
            let environments = data.appendingPathComponent("deploy/app/environments").path
            for environment in ["staging", "production"] {
                let script =
                    "cd \"$(ls -d '\(data.path)'/deploy/app/checkouts/*/ | head -1)\" && GAARA_DEPLOY_DIR='\(environments)' '\(GaaraBinary.url.path)' undeploy \(environment)"
                _ = try? Process.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script]).waitUntilExit()
            }
        }
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        try await ServerEnvironmentTests.secret(server, "API_KEY", "k3y-\(UUID().uuidString.prefix(8))", ["--repo", "app"])
        let approver = try await Self.token(server, "ann", "approver")
        let developer = try await Self.token(server, "dev", "developer")
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("src"),
            files: [".gaara/deploy.yml": Self.deployYAML(port: port, productionPort: productionPort), "site/up": "release 1"])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")

        // A developer may not deploy: the service's command runs outside the step sandbox.
        let refused = try await Self.deploy(server, ["deploy", "staging", "--ref", "main", "--wait"], token: developer)
        #expect(refused.status == 1 && refused.stderr.contains("HTTP 403") && refused.stderr.contains("approver"), "\(refused.stderr)")

        let first = try await Self.deploy(server, ["deploy", "staging", "--ref", "main", "--wait"], token: approver)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("started deploy 1 of staging") && first.stdout.contains("✓ web-1 is live in staging"), "\(first.stdout)")
        #expect(await DeployCommandTests.get(port) == "release 1")

        try await source.commit(["site/up": "release 2"], message: "two")
        try await source.git("push -q origin main")
        let second = try await Self.deploy(server, ["deploy", "staging", "--ref", "main", "--wait"], token: approver)
        #expect(second.status == 0 && second.stdout.contains("smoke tests passed"), "\(second.stdout)\(second.stderr)")
        #expect(await DeployCommandTests.get(port) == "release 2")
        let releases = try await server.json("/api/repos/app/environments/staging/releases") as? [[String: Any]] ?? []
        #expect(releases.map { "\($0["id"] ?? "") \($0["state"] ?? "")" } == ["web-2 live", "web-1 kept"], "\(releases)")
        #expect(releases.first?["commit"] as? String == (try await source.head()))

        let rollback = try await Self.deploy(server, ["rollback", "staging", "--wait"], token: approver)
        #expect(rollback.status == 0 && rollback.stdout.contains("still running: a router switch"), "\(rollback.stdout)\(rollback.stderr)")
        #expect(await DeployCommandTests.get(port) == "release 1")

        // A release that never becomes healthy fails the rollout; its last log lines say why, and
        // the secret they print is masked in the rollout's log and error.
        try await source.commit(["site/broken": "yes"], message: "broken")
        try await source.git("push -q origin main")
        let broken = try await Self.deploy(server, ["deploy", "staging", "--ref", "main", "--wait"], token: approver)
        #expect(
            broken.status == 1 && broken.stderr.contains("deploy 4 failed") && broken.stderr.contains("did not become healthy"), "\(broken.stderr)")
        #expect(broken.stdout.contains("config broken, key ***") && !broken.stdout.contains("k3y-"), "\(broken.stdout)")
        #expect(await DeployCommandTests.get(port) == "release 1")
        let rows = try await server.json("/api/repos/app/rollouts?environment=staging") as? [[String: Any]] ?? []
        #expect(
            rows.map { "\($0["kind"] ?? "") \($0["state"] ?? "")" } == [
                "deploy failed", "rollback succeeded", "deploy succeeded", "deploy succeeded",
            ])
        #expect((rows.first?["error"] as? String)?.contains("k3y-") == false)

        // Protection rules: a review by someone else, or a branch the policy does not allow, needs a workflow job.
        #expect(try await server.cli(["env", "set", "app", "production", "--reviewer", "role:approver", "--prevent-self-review"]).status == 0)
        let review = try await Self.deploy(server, ["deploy", "production", "--ref", "main"], token: approver)
        #expect(review.status == 1 && review.stderr.contains("requires a review by someone other than the requester"), "\(review.stderr)")
        #expect(try await server.cli(["env", "set", "app", "production", "--branch", "release/*"]).status == 0)
        let policy = try await Self.deploy(server, ["deploy", "production", "--ref", "main"], token: approver)
        #expect(policy.status == 1 && policy.stderr.contains("branch 'main' may not deploy to environment 'production'"), "\(policy.stderr)")
        #expect(try await server.cli(["env", "set", "app", "production", "--reviewer", "role:approver"]).status == 0)
        let unknown = try await Self.deploy(server, ["deploy", "prod", "--ref", "main"], token: approver)
        #expect(unknown.status == 1 && unknown.stderr.contains("no environment 'prod'"), "\(unknown.stderr)")

        // Production: the approver's own request is their approval. The first canary goes to 100% at once.
        try await source.commit(["site/up": "release 5", "site/broken": ""], message: "five")
        try await source.git("push -q origin main")
        let live = try await Self.deploy(server, ["deploy", "production", "--ref", "main", "--wait"], token: approver)
        #expect(live.status == 0, "\(live.stdout)\(live.stderr)")
        #expect(await DeployCommandTests.get(productionPort) == "release 5")

        // The next canary stops at 50% for 25 s; a second rollout meanwhile is refused; then the
        // server is killed. Its restart marks the rollout interrupted and resumes it to 100%.
        try await source.commit(["site/up": "release 6"], message: "six")
        try await source.git("push -q origin main")
        let canary = try await Self.deploy(server, ["deploy", "production", "--ref", "main"], token: approver)
        #expect(canary.status == 0 && canary.stdout.contains("started deploy"), "\(canary.stdout)\(canary.stderr)")
        let id = try #require(Int(canary.stdout.split(separator: " ").dropFirst(3).first ?? ""), "\(canary.stdout)")
        var log = ""
        for _ in 0..<300 where !log.contains("route 50%") {
            try await Task.sleep(for: .milliseconds(100))
            log = (try await server.json("/api/repos/app/rollouts/\(id)") as? [String: Any])?["log"] as? String ?? ""
        }
        #expect(log.contains("route 50%"), "\(log)")
        let busy = try await Self.deploy(server, ["deploy", "production", "--ref", "main"], token: approver)
        #expect(busy.status == 1 && busy.stderr.contains("HTTP 409") && busy.stderr.contains("has a rollout in progress"), "\(busy.stderr)")
        await server.stop(SIGKILL)
        var answers = Set<String>()
        for _ in 0..<20 { if let body = await DeployCommandTests.get(productionPort) { answers.insert(body) } }
        #expect(answers.isSubset(of: ["release 5", "release 6"]) && !answers.isEmpty, "the router and releases outlive the server: \(answers)")

        server = try await ServerProcess(data: data)
        var state = ""
        var history: [[String: Any]] = []
        for _ in 0..<600 {
            let row = try await server.json("/api/repos/app/rollouts/\(id)", token: approver) as? [String: Any]
            state = row?["state"] as? String ?? ""
            history = try await server.json("/api/repos/app/environments/production/releases", token: approver) as? [[String: Any]] ?? []
            if history.first?["state"] as? String == "live" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(state == "interrupted")
        #expect(history.map { "\($0["id"] ?? "") \($0["state"] ?? "")" }.prefix(2) == ["web-2 live", "web-1 kept"], "\(history)")
        let recovered = (try await server.json("/api/repos/app/rollouts/\(id)", token: approver) as? [String: Any])?["log"] as? String ?? ""
        let after = await DeployCommandTests.get(productionPort)
        if after != "release 6" {
            let environments = data.appendingPathComponent("deploy/app/environments").path
            let checkout = data.appendingPathComponent("deploy/app/checkouts/\(try await source.head())").path
            let status = try await GaaraBinary.runShell(
                "curl -s -w ' %{http_code}' http://127.0.0.1:\(productionPort)/up; cd '\(checkout)' && GAARA_DEPLOY_DIR='\(environments)' '\(GaaraBinary.url.path)' rollout status production; tail -20 '\(environments)/production/router/router.log'; ps -ef | grep -v grep | grep 'http.server\\|supervise'"
            )
            Issue.record("\(after ?? "nothing") answered; \(recovered)\n\(status.stdout)\(status.stderr)")
        }
        #expect(recovered.contains("recovering production from its saved state") && recovered.contains("resuming it"), "\(recovered)")

        // Steering a server's rollout: promote ends the 25 s pause at once; abort sends the traffic back.
        let idle = try await Self.deploy(server, ["rollout", "promote", "production"], token: approver)
        #expect(idle.status == 1 && idle.stderr.contains("HTTP 409") && idle.stderr.contains("no rollout in progress"), "\(idle.stderr)")
        for (release, word) in [("release 7", "promote"), ("release 8", "abort")] {
            try await source.commit(["site/up": release], message: release)
            try await source.git("push -q origin main")
            let started = try await Self.deploy(server, ["deploy", "production", "--ref", "main"], token: approver)
            let rollout = try #require(Int(started.stdout.split(separator: " ").dropFirst(3).first ?? ""), "\(started.stdout)\(started.stderr)")
            var row: [String: Any] = [:]
            for _ in 0..<300 where !((row["log"] as? String) ?? "").contains("route 50%") {
                try await Task.sleep(for: .milliseconds(100))
                row = try await server.json("/api/repos/app/rollouts/\(rollout)", token: approver) as? [String: Any] ?? [:]
            }
            if word == "promote" {
                let sent = try await Self.deploy(server, ["rollout", word, "production", "--comment", "looks good"], token: approver)
                #expect(sent.status == 0 && sent.stdout.contains("sent '\(word)' to deploy \(rollout) of production"), "\(sent.stdout)\(sent.stderr)")
            } else {
                // From the dashboard: the running rollout's page has the buttons an approver may press.
                let page = String(decoding: try await server.request("GET", "/repos/app/rollouts/\(rollout)", token: approver).body, as: UTF8.self)
                #expect(page.contains("action=\"/repos/app/rollouts/\(rollout)/steer\"") && page.contains("Abort and roll back"), "\(page)")
                let viewerPage = String(
                    decoding: try await server.request("GET", "/repos/app/rollouts/\(rollout)", token: developer).body, as: UTF8.self)
                #expect(!viewerPage.contains("/steer"), "a developer sees no buttons")
                let form = ["Content-Type": "application/x-www-form-urlencoded"]
                let refused = try await server.request(
                    "POST", "/repos/app/rollouts/\(rollout)/steer", token: developer, body: Data("action=abort".utf8), headers: form)
                #expect(refused.status == 403, "a developer may not steer it")
                #expect(page.contains("<input name=\"comment\""), "the person's reason goes with the button")
                let pressed = try await server.request(
                    "POST", "/repos/app/rollouts/\(rollout)/steer", token: approver, body: Data("action=abort&comment=error+spike+on+%2Fnotes".utf8),
                    headers: form)
                #expect(pressed.status == 200, "redirected back to the rollout's page: \(pressed.status)")
            }
            let began = Date()
            for _ in 0..<200 where row["state"] as? String == "running" {
                try await Task.sleep(for: .milliseconds(100))
                row = try await server.json("/api/repos/app/rollouts/\(rollout)", token: approver) as? [String: Any] ?? [:]
            }
            #expect(Date().timeIntervalSince(began) < 20, "\(word) did not wait for the pause's end")
            #expect(row["state"] as? String == (word == "promote" ? "succeeded" : "failed"), "\(row)")
            #expect(await DeployCommandTests.get(productionPort) == "release 7", "after \(word)")
        }
        // The dashboard: the environment's releases and rollouts, and a rollout's page with its log.
        let page = String(decoding: try await server.request("GET", "/repos/app/environments", token: approver).body, as: UTF8.self)
        #expect(page.contains("<h3>Releases</h3>") && page.contains("data-status=\"live\">live</span>"), "\(page.suffix(3000))")
        #expect(page.contains("<a href=\"/repos/app/rollouts/\(id)\">#\(id)</a>") && page.contains("data-status=\"interrupted\""))
        let detail = try await server.request("GET", "/repos/app/rollouts/4", token: approver)
        let text = String(decoding: detail.body, as: UTF8.self)
        #expect(detail.status == 200 && text.contains("deploy #4") && text.contains("config broken, key ***") && !text.contains("k3y-"), "\(text)")
        #expect(try await server.request("GET", "/repos/app/rollouts/99", token: approver).status == 404)

        // The release that never became healthy left an incident report; every rollout left signed
        // evidence: through the API and the dashboard, the secret masked in both.
        let incidents = try await server.json("/api/repos/app/environments/staging/incidents", token: approver) as? [[String: Any]] ?? []
        #expect(incidents.count == 1 && incidents.first?["failed_release"] as? String == "web-3", "\(incidents)")
        #expect((incidents.first?["trigger"] as? String)?.contains("did not become healthy") == true, "\(incidents)")
        // DORA over the same records: staging's deployments, the one failed change, its incident open.
        let dora = try await server.json("/api/repos/app/environments/staging/dora?since=4w", token: approver) as? [String: Any] ?? [:]
        #expect((dora["deployments"] as? Int ?? 0) >= 1 && dora["incidents"] as? Int == 1 && dora["open_incidents"] as? Int == 1, "\(dora)")
        #expect((dora["change_failure_rate"] as? Double ?? 0) > 0 && dora["frequency"] as? String != nil, "\(dora)")
        let badWindow = try await server.request("GET", "/api/repos/app/environments/staging/dora?since=soon", token: approver)
        #expect(badWindow.status == 400 && String(decoding: badWindow.body, as: UTF8.self).contains("since must be a duration"))
        // And on the Metrics page: the figures as text, deployments per day and the weekly change failure rate as charts.
        let metricsPage = String(decoding: try await server.request("GET", "/repos/app/metrics", token: approver).body, as: UTF8.self)
        let staging = metricsPage.components(separatedBy: "<section class=\"dora\" data-environment=\"staging\">").dropFirst().first ?? ""
        #expect(
            staging.contains("<dt>Change failure rate</dt><dd>\(Int(((dora["change_failure_rate"] as? Double ?? 0) * 100).rounded()))%</dd>")
                && staging.contains("<title>deployments/day · staging") && staging.contains("<title>change failure rate/week · staging"),
            "\(metricsPage.suffix(4000))")
        #expect(page.contains("<h3>Incidents</h3>") && page.contains("href=\"/repos/app/environments/staging/incidents/1\""), "\(page.suffix(3000))")
        let incident = String(
            decoding: try await server.request("GET", "/repos/app/environments/staging/incidents/1", token: approver).body, as: UTF8.self)
        #expect(incident.contains("# Incident 1: web in staging rolled back") && incident.contains("config broken, key ***"), "\(incident)")
        #expect(!incident.contains("k3y-"), "the secret is masked in the report")
        let evidence =
            try await server.json("/api/repos/app/environments/production/releases/web-4/evidence", token: approver) as? [[String: Any]] ?? []
        #expect(evidence.count == 1 && evidence.first?["verified"] as? Bool == true && evidence.first?["trusted_key"] as? Bool == true, "\(evidence)")
        let aborted = evidence.first?["evidence"] as? String ?? ""
        #expect(aborted.contains("\"by\":\"ann (approver)\"") && aborted.contains("\"outcome\":\"aborted\""), "who decided: \(aborted)")
        #expect(aborted.contains("error spike on \\/notes"), "and why (JSON escapes the slash): \(aborted)")
        let staged = try await server.json("/api/repos/app/environments/staging/releases/web-3/evidence", token: approver) as? [[String: Any]] ?? []
        #expect((staged.first?["evidence"] as? String)?.contains("\"by\":\"health checks\"") == true, "\(staged)")
        #expect((staged.first?["evidence"] as? String)?.contains("k3y-") == false, "the secret is masked before signing")
        #expect(page.contains("/repos/app/environments/production/releases/web-4/evidence\">signed decisions</a>"), "\(page.suffix(3000))")
        let signed = String(
            decoding: try await server.request("GET", "/repos/app/environments/production/releases/web-4/evidence", token: approver).body,
            as: UTF8.self)
        #expect(signed.contains("signature valid (Ed25519, key SHA256:") && signed.contains("aborted by ann (approver)"), "\(signed)")
        #expect(try await server.request("GET", "/api/repos/app/environments/production/releases/web-99/evidence", token: approver).status == 404)

        let bad = try await server.request("POST", "/api/repos/app/environments/production/rollout", token: approver, json: ["action": "restart"])
        #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("action must be one of pause"))
        await server.stop()
    }
}
