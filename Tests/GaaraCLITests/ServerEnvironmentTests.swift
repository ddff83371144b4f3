import Foundation
import Testing

/// Environments over a real `gaara serve` (issue #15): a job that names a protected environment
/// waits (nothing of it runs, no environment secret is released), is approved or rejected
/// through the CLI and the API with the role and reviewer rules applied, and leaves deployment
/// records, statuses and audit entries; secrets and variables resolve with the environment's
/// over the repository's over the server's.
@Suite(.serialized)
struct ServerEnvironmentTests {
    static let deployWorkflow = """
        name: Deploy
        on: [push, workflow_dispatch]
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: echo "build sees key-empty=${{ secrets.DEPLOY_KEY == '' }} level=${{ secrets.LEVEL == 'repository' }} region=${{ vars.REGION }}"
          deploy:
            needs: build
            runs-on: ubuntu-latest
            environment:
              name: production
              url: https://app.example/${{ github.sha }}
            steps:
              - run: env | grep '^DEPLOY_KEY=' ; echo "deploy sees level-env=${{ secrets.LEVEL == 'environment' }} region=${{ vars.REGION }}"
                env:
                  DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
        """

    /// A server with repository `app`, the tokens named in `roles`, and a source to push from.
    static func start(_ directory: TemporaryDirectory, arguments: [String] = [], roles: [String: String]) async throws
        -> (ServerProcess, PushSource, [String: String])
    {
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"), arguments: arguments)
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        var tokens: [String: String] = [:]
        for (name, role) in roles {
            let (status, body) = try await server.request("POST", "/api/tokens", token: server.adminToken, json: ["name": name, "role": role])
            #expect(status == 201)
            tokens[name] = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String
        }
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("src"), files: [".github/workflows/deploy.yml": deployWorkflow, "README": "v1\n"])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        return (server, source, tokens)
    }

    /// Waits until job `name` of run `id` has `status`.
    static func waitForJob(
        _ server: ServerProcess, run id: Int, job name: String, status: String, token: String? = nil, timeout: Double = 120
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let jobs = try await server.run(id, token: token)["jobs"] as? [[String: Any]] ?? []
            if jobs.contains(where: { $0["name"] as? String == name && $0["status"] as? String == status }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerTestError("job \(name) of run \(id) never became \(status): \(try await server.run(id))")
    }

    static func secret(_ server: ServerProcess, _ name: String, _ value: String, _ scope: [String]) async throws {
        let command = ([GaaraBinary.url.path, "secret", "set", name] + scope + ["--data", server.data.path]).map { "'\($0)'" }.joined(separator: " ")
        let result = try await GaaraBinary.runShell("printf '%s\\n' '\(value)' | GAARA_URL= GAARA_TOKEN= \(command)")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    static func deployments(_ server: ServerProcess) async throws -> [[String: Any]] {
        try await server.json("/api/repos/app/deployments") as? [[String: Any]] ?? []
    }

    static func log(_ server: ServerProcess, _ id: Int, token: String? = nil) async throws -> String {
        String(decoding: try await server.request("GET", "/api/runs/\(id)/logs", token: token ?? server.adminToken).body, as: UTF8.self)
    }

    @Test func aProtectedJobWaitsForApprovalThenRunsWithTheEnvironmentsSecrets() async throws {
        let directory = try TemporaryDirectory()
        let (server, source, tokens) = try await Self.start(
            directory, roles: ["bob": "approver", "carol": "approver", "dave": "developer", "vera": "viewer"])
        defer { Task { await server.stop() } }
        // Three levels of the same secret and variable; the environment's win, then the repository's.
        try await Self.secret(server, "LEVEL", "server", [])
        try await Self.secret(server, "LEVEL", "repository", ["--repo", "app"])
        try await Self.secret(server, "LEVEL", "environment", ["--repo", "app", "--env", "production"])
        try await Self.secret(server, "DEPLOY_KEY", "s3cr3t-deploy-key", ["--repo", "app", "--env", "production"])
        #expect(try await server.cli(["var", "set", "REGION", "eu-server"]).status == 0)
        #expect(try await server.cli(["var", "set", "REGION", "eu-repo", "--repo", "app"]).status == 0)
        #expect(try await server.cli(["var", "set", "REGION", "eu-prod", "--repo", "app", "--env", "production"]).status == 0)
        let list = try await server.cli(["secret", "list"])
        #expect(list.stdout.contains("DEPLOY_KEY\tenvironment\tapp\tproduction") && !list.stdout.contains("s3cr3t"), "\(list.stdout)")
        let set = try await server.cli(["env", "set", "app", "production", "--reviewer", "bob", "--reviewer", "role:admin"])
        #expect(set.status == 0 && set.stdout.contains("reviewers bob, role:admin"), "\(set.stdout)\(set.stderr)")

        try await source.git("push -q origin main")
        try await Self.waitForJob(server, run: 1, job: "deploy", status: "waiting")
        // Waiting: the run is not done, the deploy job ran nothing, and it is listed for approval.
        #expect((try await server.run(1)["run"] as? [String: Any])?["status"] as? String == "running")
        var log = try await Self.log(server, 1)
        #expect(log.contains("build sees key-empty=true level=true region=eu-repo"), "\(log)")
        #expect(!log.contains("deploy sees"), "\(log)")
        let approvals = try await server.cli(["approvals", "--repo", "app"])
        #expect(
            approvals.stdout.contains("run 1\tapp\tproduction\tjob deploy") && approvals.stdout.contains("(you may approve)"), "\(approvals.stdout)")
        var deployment = try #require(try await Self.deployments(server).first)
        #expect(deployment["state"] as? String == "waiting" && deployment["environment"] as? String == "production")

        // Who may decide: a developer or viewer is refused by role, an approver who is no reviewer by the rules.
        for (name, expected) in [("dave", "needs role approver"), ("vera", "needs role approver"), ("carol", "not a required reviewer")] {
            let refused = try await server.cli(["approve", "1", "--env", "production", "--token", tokens[name]!])
            #expect(refused.status != 0 && refused.stderr.contains("403") && refused.stderr.contains(expected), "\(name): \(refused.stderr)")
        }
        let wrongEnvironment = try await server.cli(["approve", "1", "--env", "staging", "--token", tokens["bob"]!])
        #expect(wrongEnvironment.stderr.contains("409") && wrongEnvironment.stderr.contains("no job of run 1 is waiting for environment 'staging'"))
        #expect(try await Self.deployments(server).first?["state"] as? String == "waiting", "refusals change nothing")

        let approve = try await server.cli(["approve", "1", "--env", "production", "--comment", "ship it", "--token", tokens["bob"]!])
        #expect(approve.status == 0, "\(approve.stdout)\(approve.stderr)")
        let finished = try await server.waitForRun(1)
        #expect((finished["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(finished)")
        log = try await Self.log(server, 1)
        #expect(log.contains("DEPLOY_KEY=***") && log.contains("deploy sees level-env=true region=eu-prod"), "\(log)")
        #expect(!log.contains("s3cr3t-deploy-key"))
        let sha = try await source.head()
        deployment = try #require(try await server.json("/api/repos/app/deployments/\(deployment["id"] as! Int)") as? [String: Any])
        #expect(deployment["state"] as? String == "success" && deployment["environment_url"] as? String == "https://app.example/\(sha)")
        let states = (deployment["statuses"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
        #expect(states == ["queued", "waiting", "in_progress", "success"], "\(states)")
        let reviews = deployment["reviews"] as? [[String: Any]] ?? []
        #expect(reviews.count == 1 && reviews[0]["reviewer"] as? String == "bob" && reviews[0]["comment"] as? String == "ship it")

        // The next push is rejected: the job fails with the reviewer's comment and runs nothing.
        try await source.commit(["README": "v2\n"], message: "v2")
        try await source.git("push -q origin main")
        try await Self.waitForJob(server, run: 2, job: "deploy", status: "waiting")
        let reject = try await server.cli(["reject", "2", "--env", "production", "--comment", "not on a Friday", "--token", tokens["bob"]!])
        #expect(reject.status == 0, "\(reject.stderr)")
        let rejected = try await server.waitForRun(2)
        #expect((rejected["run"] as? [String: Any])?["conclusion"] as? String == "failure")
        let annotations = (rejected["annotations"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(annotations.contains { $0.contains("rejected by bob: not on a Friday") }, "\(annotations)")
        #expect(!(try await Self.log(server, 2)).contains("deploy sees"))

        // A third deployment succeeds and the first becomes inactive.
        try await source.commit(["README": "v3\n"], message: "v3")
        try await source.git("push -q origin main")
        try await Self.waitForJob(server, run: 3, job: "deploy", status: "waiting")
        let (status, _) = try await server.request(
            "POST", "/api/runs/3/pending_deployments", token: server.adminToken, json: ["environments": ["production"], "state": "approved"])
        #expect(status == 200)
        _ = try await server.waitForRun(3)
        let all = try await Self.deployments(server)
        #expect(all.compactMap { $0["state"] as? String } == ["success", "failure", "inactive"], "\(all)")

        // Every decision is in the audit trail: who, role, comment.
        let audit = try await server.cli(["audit", "--repo", "app"])
        #expect(audit.stdout.contains("bob (approver)\tdeployment.approve\tapp") && audit.stdout.contains("ship it"), "\(audit.stdout)")
        #expect(audit.stdout.contains("deployment.reject") && audit.stdout.contains("not on a Friday"))
        #expect(audit.stdout.contains("environment.set") && audit.stdout.contains("secret.set\tapp\tsecret DEPLOY_KEY of environment production"))
        await server.stop()
    }

    @Test func selfReviewBranchPoliciesAndTimeouts() async throws {
        let directory = try TemporaryDirectory()
        let (server, source, tokens) = try await Self.start(
            directory, arguments: ["--approval-timeout", "40s"], roles: ["alice": "approver", "bob": "approver"])
        defer { Task { await server.stop() } }
        let set = try await server.cli([
            "env", "set", "app", "production", "--reviewer", "role:approver", "--prevent-self-review", "--branch", "main", "--branch", "release/*",
            "--tag", "v*",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        let invalid = try await server.cli(["env", "set", "app", "staging", "--wait-timer", "50000"])
        #expect(invalid.status != 0 && invalid.stderr.contains("400") && invalid.stderr.contains("1 to 43200 minutes"), "\(invalid.stderr)")
        try await source.git("push -q origin main")

        // Alice dispatches; she may not approve her own run, but Bob may.
        let dispatch = try await server.request(
            "POST", "/api/repos/app/dispatches", token: tokens["alice"], json: ["workflow": "deploy.yml", "ref": "main"])
        #expect(dispatch.status == 201)
        let runs = try await server.runs()
        let dispatched = try #require(runs.first { $0["event"] as? String == "workflow_dispatch" }?["id"] as? Int)
        try await Self.waitForJob(server, run: dispatched, job: "deploy", status: "waiting")
        let own = try await server.cli(["approve", String(dispatched), "--env", "production", "--token", tokens["alice"]!])
        #expect(own.stderr.contains("403") && own.stderr.contains("prevents self-review"), "\(own.stderr)")
        #expect(try await server.cli(["approve", String(dispatched), "--env", "production", "--token", tokens["bob"]!]).status == 0)
        #expect((try await server.waitForRun(dispatched)["run"] as? [String: Any])?["conclusion"] as? String == "success")

        // Nobody approves the push's run: it times out (40 s here: 3 s, then 12 s, were too short for
        // Alice's refused and Bob's accepted approval of the other run — two CLI processes — on a
        // loaded 2-core CI machine) and fails saying so.
        let pushed = try #require(runs.first { $0["event"] as? String == "push" }?["id"] as? Int)
        let timedOut = try await server.waitForRun(pushed)
        #expect((timedOut["run"] as? [String: Any])?["conclusion"] as? String == "failure")
        let messages = (timedOut["annotations"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("was not approved within 40 seconds") }, "\(messages)")

        // Branch and tag policies: a branch or tag the policy does not name fails at once, naming the rule.
        try await source.git("push -q origin main:feature/x")
        try await source.git("tag nightly && git push -q origin nightly")
        let refusedRuns = try await server.runs().filter { ["refs/heads/feature/x", "refs/tags/nightly"].contains($0["ref"] as? String ?? "") }
        // The workflow runs on every push (tags included); each of those runs' deploy job is refused.
        for run in refusedRuns {
            let detail = try await server.waitForRun(run["id"] as! Int)
            let text = (detail["annotations"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }.joined(separator: "\n")
            #expect(text.contains("may not deploy to environment 'production'") && text.contains("'main', 'release/*'"), "\(text)")
        }
        #expect(refusedRuns.count == 2, "\(refusedRuns)")
        await server.stop()
    }

    @Test func theKeyRotatesUnderARunWaitingForApprovalAndSecretCheckFindsWhatIsMissing() async throws {
        let directory = try TemporaryDirectory()
        let (server, source, _) = try await Self.start(directory, roles: [:])
        defer { Task { await server.stop() } }
        // Nothing set yet: the check names each use with file:line and how to set it, and fails.
        try await source.git("push -q origin main")
        let missing = try await server.cli(["secret", "check", "app"])
        #expect(missing.status == 1, "\(missing.stdout)\(missing.stderr)")
        #expect(
            missing.stdout.contains(
                ".github/workflows/deploy.yml:17:35: secret DEPLOY_KEY (job deploy, environment production) is not set; "
                    + "set it with: gaara secret set DEPLOY_KEY --repo app --env production"), "\(missing.stdout)")
        #expect(
            missing.stdout.contains(
                ".github/workflows/deploy.yml:7:91: secret LEVEL (job build) is not set; set it with: gaara secret set LEVEL --repo app\n"),
            "\(missing.stdout)")
        _ = try await server.waitForRun(1)

        try await Self.secret(server, "LEVEL", "repository", ["--repo", "app"])
        try await Self.secret(server, "LEVEL", "environment", ["--repo", "app", "--env", "production"])
        try await Self.secret(server, "DEPLOY_KEY", "s3cr3t-deploy-key", ["--repo", "app", "--env", "production"])
        // What is left: the build job (no environment) can never see the environment's DEPLOY_KEY.
        let left = try await server.cli(["secret", "check", "app"])
        let lines = left.stdout.split(separator: "\n")
        #expect(left.status == 1 && lines.count == 2, "\(left.stdout)\(left.stderr)")
        #expect(lines.first?.hasPrefix(".github/workflows/deploy.yml:7:53: secret DEPLOY_KEY (job build) is not set") == true)
        #expect(lines.last == "2 secret(s) used in 4 place(s); 1 not set where a job needs it")
        // A secret of another environment does not count for production's job.
        #expect(try await server.cli(["secret", "delete", "DEPLOY_KEY", "--repo", "app", "--env", "production"]).status == 0)
        try await Self.secret(server, "DEPLOY_KEY", "staging-key", ["--repo", "app", "--env", "staging"])
        #expect(try await server.cli(["secret", "check", "app"]).stdout.contains("deploy.yml:17:35: secret DEPLOY_KEY (job deploy"))
        try await Self.secret(server, "DEPLOY_KEY", "s3cr3t-deploy-key", ["--repo", "app", "--env", "production"])

        // A run waits for approval; the key rotates under it; after approval the job still gets the value.
        #expect(try await server.cli(["env", "set", "app", "production", "--reviewer", "role:admin"]).status == 0)
        try await source.commit(["README": "v2\n"], message: "v2")
        try await source.git("push -q origin main")
        try await Self.waitForJob(server, run: 2, job: "deploy", status: "waiting")
        let keyFile = server.data.appendingPathComponent("secrets.key")
        let oldKey = try Data(contentsOf: keyFile)
        let rotated = try await server.cli(["secret", "rotate-key"])
        #expect(rotated.status == 0 && rotated.stdout.contains("4 values re-sealed"), "\(rotated.stdout)\(rotated.stderr)")
        #expect(try Data(contentsOf: keyFile) != oldKey)
        #expect(!FileManager.default.fileExists(atPath: keyFile.path + ".next"))
        #expect(try await server.cli(["approve", "2", "--env", "production"]).status == 0)
        #expect((try await server.waitForRun(2)["run"] as? [String: Any])?["conclusion"] as? String == "success")
        #expect(try await Self.log(server, 2).contains("deploy sees level-env=true"))

        // After a restart only the new key is on disk, and it opens every secret.
        await server.stop()
        let restarted = try await ServerProcess(data: server.data)
        defer { Task { await restarted.stop() } }
        try await source.commit(["README": "v3\n"], message: "v3")
        try await source.git("push -q origin main")
        // The first start's admin token still holds (only the first start prints one).
        let token = server.adminToken
        try await Self.waitForJob(restarted, run: 3, job: "deploy", status: "waiting", token: token)
        #expect(try await restarted.cli(["approve", "3", "--env", "production"]).status == 0)
        #expect((try await restarted.waitForRun(3, token: token)["run"] as? [String: Any])?["conclusion"] as? String == "success")
        let log = try await Self.log(restarted, 3, token: token)
        #expect(log.contains("DEPLOY_KEY=***") && log.contains("deploy sees level-env=true"), "\(log)")
        let audit = try await restarted.cli(["audit"])
        #expect(audit.stdout.contains("secret.rotate-key"), "\(audit.stdout)")
        await restarted.stop()
    }

    static let approvalScript = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/browser/approval_check.py")

    @Test func theDashboardShowsTheWaitingJobWithItsApproveFormAndTheEnvironmentsPage() async throws {
        let directory = try TemporaryDirectory()
        let (server, source, tokens) = try await Self.start(directory, roles: ["bob": "approver", "dave": "developer"])
        defer { Task { await server.stop() } }
        #expect(try await server.cli(["env", "set", "app", "production", "--reviewer", "bob"]).status == 0)
        try await source.git("push -q origin main")
        try await Self.waitForJob(server, run: 1, job: "deploy", status: "waiting")

        // Without JavaScript: the reviewer sees the form; a developer sees why not; the audit trail is for admins.
        func page(_ path: String, _ token: String) async throws -> (Int, String) {
            let (status, body) = try await server.request("GET", path, headers: ["Cookie": "gaara_token=\(token)"])
            return (status, String(decoding: body, as: UTF8.self))
        }
        let (_, asReviewer) = try await page("/runs/1", tokens["bob"]!)
        #expect(asReviewer.contains("<form class=\"review\" method=\"post\" action=\"/runs/1/review\">"), "\(asReviewer)")
        #expect(asReviewer.contains("Reviewers: bob") && asReviewer.contains("data-status=\"waiting\""))
        let (_, asDeveloper) = try await page("/runs/1", tokens["dave"]!)
        #expect(!asDeveloper.contains("<form class=\"review\"") && asDeveloper.contains("You (dave) cannot approve this deployment."))
        let (approvalsStatus, approvals) = try await page("/approvals", tokens["bob"]!)
        #expect(approvalsStatus == 200 && approvals.contains("Deploy to <b>production</b>"))
        #expect(try await page("/audit", tokens["bob"]!).0 == 403)
        // A developer posting the form gets the reason on a page, and nothing changes.
        let (refused, refusal) = try await server.request(
            "POST", "/runs/1/review", body: Data("environment=production&state=approved".utf8),
            headers: ["Cookie": "gaara_token=\(tokens["dave"]!)", "Content-Type": "application/x-www-form-urlencoded"])
        #expect(refused == 403 && String(decoding: refusal, as: UTF8.self).contains("approving needs role approver or higher"))

        let wantBrowser = try await ServerEndToEndTests.browserAvailable()
        let required = ProcessInfo.processInfo.environment["GAARA_REQUIRE_BROWSER"] == "1"
        #expect(wantBrowser || !required, "GAARA_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        if wantBrowser {
            try FileManager.default.createDirectory(at: ServerEndToEndTests.artifacts, withIntermediateDirectories: true)
            let watched = try await GaaraBinary.run(
                ["python3", Self.approvalScript.path, server.url, tokens["bob"]!, server.adminToken, "1", "app", ServerEndToEndTests.artifacts.path],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(watched.status == 0, "\(watched.stdout)\(watched.stderr)")
            let seen = (try? JSONSerialization.jsonObject(with: Data(watched.stdout.utf8)) as? [String: Any]) ?? [:]
            print("approval in Chromium: \(seen)")
            #expect(seen["buttons"] as? [String] == ["Approve and deploy", "Reject"], "\(seen)")
            #expect(seen["graph_waiting"] as? Int == 1, "\(seen)")
            #expect(seen["phone_scroll_width"] as? Int ?? 999 <= 390, "the run page scrolls sideways on a phone: \(seen)")
            #expect(seen["final_status"] as? String == "success" && seen["approval_panels_after"] as? Int == 0, "\(seen)")
            #expect((seen["environments_text"] as? String ?? "").contains("bob (approver) approved: “approved from the dashboard”"), "\(seen)")
            #expect((seen["audit_text"] as? String ?? "").contains("deployment.approve"), "\(seen)")
            for name in ["approval-waiting.png", "approval-phone.png", "approval-done.png", "environments.png", "audit.png"] {
                let path = ServerEndToEndTests.artifacts.appendingPathComponent(name).path
                let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
                #expect(size > 10_000, "\(name) is \(size) bytes")
            }
        } else {
            print("ServerEnvironmentTests: no Chromium/chromedriver/selenium here; the browser part is skipped")
            #expect(try await server.cli(["approve", "1", "--env", "production", "--token", tokens["bob"]!]).status == 0)
            _ = try await server.waitForRun(1)
        }
        let (_, environments) = try await page("/repos/app/environments", tokens["dave"]!)
        #expect(environments.contains("<section class=\"environment\" id=\"env-production\">") && environments.contains("Protection: reviewers bob"))
        #expect(environments.contains("Current: <span class=\"badge success\""), "\(environments)")
        await server.stop()
    }
}
