import Foundation
import Testing

/// `gaara deploy`, `releases`, `rollback`, `rollout status` and `undeploy` run as a user runs them, on
/// a repository whose service is Python's http.server over a release directory: real processes, the
/// real router started in the background, real HTTP through it.
@Suite(.serialized)
struct DeployCommandTests {
    /// `GET /up` through the router; nil when nothing answers.
    static func get(_ port: Int) async -> String? {
        let output = try? await GaaraBinary.runShell("curl -sf --max-time 5 http://127.0.0.1:\(port)/up")
        guard let output, output.status == 0 else { return nil }
        return output.stdout
    }

    /// A project whose service `web` is Python's http.server over `site/` (holding `release 1`) and
    /// whose `staging` environment routes on a port of its own with `strategy` (YAML lines); `body`
    /// runs with it, and whatever happens nothing it started outlives the test.
    static func withProject(strategy: String, _ body: (TemporaryDirectory, Int) async throws -> Void) async throws {
        let project = try TemporaryDirectory()
        // A port nothing listens on now (a random one could be another test's).
        let port = try RegistryFixture.freePort()
        try project.write(
            ".gaara/deploy.yml",
            """
            services:
              web:
                command: exec python3 -m http.server "$PORT" --bind 127.0.0.1
                release-dir: site
                port: 8080
                health: {interval: 200ms, deadline: 20s}
            environments:
              staging:
                hosts: local
                router: 127.0.0.1:\(port)
            """ + "\n" + strategy.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n")
        try project.write("site/up", "release 1")
        let outcome: Result<Void, any Error>
        do {
            try await body(project, port)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        try outcome.get()
    }

    @Test func deployTwiceRollBackAndRefuseABrokenRelease() async throws {
        try await Self.withProject(
            strategy: """
                strategy: blue-green
                scale-down-delay: 10m
                smoke-tests: curl -sf "$GAARA_RELEASE_URL/up" | grep -q release
                """, Self.scenario)
    }

    static func scenario(_ project: TemporaryDirectory, port: Int) async throws {
        let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("started the router of staging") && first.stdout.contains("✓ web-1 is live in staging"), "\(first.stdout)")
        #expect(await Self.get(port) == "release 1")

        try project.write("site/up", "release 2")
        let second = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("smoke tests passed") && second.stdout.contains("route 100%"), "\(second.stdout)")
        #expect(second.stdout.contains("web-1 stays running for 600 s"), "\(second.stdout)")
        #expect(await Self.get(port) == "release 2")

        // The status shows the traffic per release as the router sees it: web-2 takes it all.
        for _ in 0..<5 { _ = await Self.get(port) }
        let traffic = try await GaaraBinary.run(["rollout", "status", "staging", "--window", "30"], in: project.url)
        let rows = traffic.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(rows.contains("traffic (last 30 s):"), "\(traffic.stdout)")
        let web2 = rows.first { $0.hasPrefix("web-2  weight 100%  targets 1/1 healthy") }
        #expect(web2 != nil && web2?.contains("0.00% errors") == true, "\(traffic.stdout)")
        #expect((web2.flatMap { Double($0.split(separator: " ").first { Double($0) != nil } ?? "") } ?? 0) > 0, "requests counted: \(traffic.stdout)")
        let badWindow = try await GaaraBinary.run(["rollout", "status", "staging", "--window", "0"], in: project.url)
        #expect(badWindow.status == 2 && badWindow.stderr.contains("--window must be 1 to 60 seconds"), "\(badWindow.stderr)")

        let releases = try await GaaraBinary.run(["releases", "staging"], in: project.url)
        let lines = releases.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("web-2  live") } && lines.contains { $0.contains("web-1  kept") }, "\(releases.stdout)")

        // web-1 still runs: the rollback is a router switch.
        let rollback = try await GaaraBinary.run(["rollback", "staging"], in: project.url)
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(rollback.stdout.contains("still running: a router switch") && rollback.stdout.contains("✓ web-1 is live in staging again"))
        #expect(await Self.get(port) == "release 1", "the old release's files, though site/ holds release 2 now")

        // A release whose health check never passes gets no traffic; the error says why. The fixture's
        // deadline of 20 s stays: Python took more than 10 s to start listening on a loaded CI machine,
        // and the error should carry its 404, not "connection refused".
        try FileManager.default.removeItem(at: project.url.appendingPathComponent("site/up"))
        try project.write("site/index.html", "no /up here")
        let broken = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("web-3 was not deployed to staging") && broken.stderr.contains("did not become healthy"), "\(broken.stderr)")
        #expect(broken.stderr.contains("HTTP 404"), "the health check's answer is in the error: \(broken.stderr)")
        #expect(await Self.get(port) == "release 1")

        let status = try await GaaraBinary.run(["rollout", "status", "staging"], in: project.url)
        #expect(status.stdout.contains("web: live web-1; last rollout aborted"), "\(status.stdout)")
        let history = try await GaaraBinary.run(["releases", "staging", "--format", "json"], in: project.url)
        let decoded = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.compactMap { $0["state"] as? String } == ["failed", "kept", "live"], "\(history.stdout)")

        // Mistakes are clear.
        let unknown = try await GaaraBinary.run(["deploy", "prod"], in: project.url)
        #expect(unknown.status == 2 && unknown.stderr.contains("no environment 'prod' in .gaara/deploy.yml (it has: staging)"), "\(unknown.stderr)")
        let nowhere = try await GaaraBinary.run(["rollback", "staging", "--service", "web", "--to", "3"], in: project.url)
        #expect(nowhere.status == 1 && nowhere.stderr.contains("web-3 never served traffic (failed)"), "\(nowhere.stderr)")

        let undeploy = try await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        #expect(undeploy.stdout.contains("stopped web-1, web-2") && undeploy.stdout.contains("stopped the router of staging"), "\(undeploy.stdout)")
        #expect(await Self.get(port) == nil)
        let stopped = try await GaaraBinary.run(["rollout", "status", "staging"], in: project.url)
        #expect(stopped.stdout.contains("traffic: the router of staging is not running"), "\(stopped.stdout)")
    }

    /// A router that cannot listen where it is asked fails the deploy with its own words, at once
    /// (the admin client once waited for its socket without end), and nothing is recorded.
    @Test func aRouterThatCannotStartFailsTheDeployAtOnce() async throws {
        try await Self.withProject(strategy: "strategy: blue-green") { project, _ in
            let started = Date()
            let failed = try await GaaraBinary.run(["deploy", "staging", "--router", "999.1.1.1:80"], in: project.url)
            #expect(failed.status == 1 && failed.stderr.contains("the router of staging did not start on 999.1.1.1:80"), "\(failed.stderr)")
            #expect(failed.stderr.contains("999.1.1.1"), "the router's own error: \(failed.stderr)")
            #expect(Date().timeIntervalSince(started) < 15, "it fails once the router said why, not after the 20 s start deadline")
            let releases = try await GaaraBinary.run(["releases", "staging", "--format", "json"], in: project.url)
            let decoded = try JSONSerialization.jsonObject(with: Data(releases.stdout.utf8)) as? [Any]
            #expect(decoded?.isEmpty == true, "\(releases.stdout)")
        }
    }

    /// `kill -9` of `gaara deploy` during a canary's pause: the release stays `deploying` and its
    /// processes keep running; the next `gaara deploy` resumes the saved rollout (the new release's
    /// health is checked again, the pause's rest waited, 100% routed) before it deploys anything new.
    @Test func aKilledDeployIsResumedByTheNextOne() async throws {
        try await Self.withProject(
            strategy: """
                strategy:
                  canary:
                    steps: [{weight: 50, pause: 8s}, 100]
                    analysis: false  # a plain pause: nobody sends traffic to judge
                scale-down-delay: 0
                """, Self.killAndResume)
    }

    static func killAndResume(_ project: TemporaryDirectory, port: Int) async throws {
        let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try project.write("site/up", "release 2")
        let deploy = Process()
        deploy.executableURL = GaaraBinary.url
        deploy.arguments = ["deploy", "staging"]
        deploy.currentDirectoryURL = project.url
        deploy.standardOutput = FileHandle.nullDevice
        deploy.standardError = FileHandle.nullDevice
        try deploy.run()
        // Killed once the controller has saved that it waits in the pause (up to 30 s on a loaded machine).
        let state = project.url.appendingPathComponent(".gaara/deploy/staging/rollout-web.json")
        var waiting = false
        for _ in 0..<300 where !waiting {
            try await Task.sleep(for: .milliseconds(100))
            waiting = ((try? String(contentsOf: state, encoding: .utf8)) ?? "").contains("waitUntil")
        }
        #expect(waiting, "the rollout reached its pause")
        kill(deploy.processIdentifier, SIGKILL)
        deploy.waitUntilExit()

        let status = try await GaaraBinary.run(["rollout", "status", "staging"], in: project.url)
        #expect(status.stdout.contains("last rollout running, 50% on the new release"), "\(status.stdout)")
        #expect(status.stdout.contains("▶ pause 8 s"), "\(status.stdout)")
        #expect(status.stdout.contains("web-1  weight 50%") && status.stdout.contains("web-2  weight 50%"), "\(status.stdout)")
        // Both releases still answer through the router (their supervisors outlive the killed deploy).
        var bodies = Set<String>()
        for _ in 0..<40 where bodies.count < 2 {
            if let body = await Self.get(port) { bodies.insert(body) }
        }
        #expect(bodies == ["release 1", "release 2"], "\(bodies)")

        try project.write("site/up", "release 3")
        let next = try await GaaraBinary.run(["deploy", "staging"], in: project.url)
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        #expect(next.stdout.contains("web-2: its rollout was interrupted; resuming it from its saved state"), "\(next.stdout)")
        #expect(next.stdout.contains("web-2: health re-check on local"), "the new release is checked again first: \(next.stdout)")
        #expect(next.stdout.contains("web-2: the interrupted rollout completed; it is live"), "\(next.stdout)")
        #expect(next.stdout.contains("✓ web-3 is live in staging"), "\(next.stdout)")
        #expect(await Self.get(port) == "release 3")
        let history = try await GaaraBinary.run(["releases", "staging", "--format", "json"], in: project.url)
        let decoded = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.compactMap { $0["state"] as? String } == ["live", "kept", "kept"], "\(history.stdout)")
    }
}
