import Crypto
import Foundation
import Testing

/// `gaara deploy` to SSH hosts as a user runs it: network namespaces with their own sshd
/// (`ssh-hosts.sh`), the deploy key in `STAGING_SSH_KEY`, a rolling deploy host by host through the
/// router, and nothing of SSH left behind when the command ends (shared connections closed, key
/// file removed); an image canary on hosts with Docker engines of their own, pulling from a
/// registry with the deployer's login.
@Suite(.serialized)
struct SSHDeployCommandTests {
    /// The script that makes the hosts.
    static let script = RunFixture.root.deletingLastPathComponent().appendingPathComponent("support/ssh-hosts.sh").path

    /// Whether this machine can make SSH hosts (root and the tools, plus `more`); CI must.
    static func ready(_ more: [String] = []) -> Bool {
        let tools = ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/nsenter", "/usr/sbin/ip"] + more
        guard getuid() == 0, tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else {
            #expect(ProcessInfo.processInfo.environment["GAARA_REQUIRE_SSH"] != "1", "the SSH host tests need root, \(tools)")
            print("skipping an SSH deploy command test: it needs root and \(tools)")
            return false
        }
        return true
    }

    @Test func aRollingDeployToThreeSSHHosts() async throws {
        guard Self.ready() else { return }
        let script = Self.script
        let hosts = try TemporaryDirectory()
        let started = try await GaaraBinary.runShell("'\(script)' start '\(hosts.url.path)' 3")
        try #require(started.status == 0, "\(started.stderr)")
        let addresses = started.stdout.split(separator: "\n").map { "root@\($0)" }
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        try project.write(
            ".gaara/deploy.yml",
            """
            services:
              web:
                command: exec python3 -m http.server "$PORT" --bind "$BIND_ADDRESS"
                release-dir: site
                port: 8080
                health: {interval: 200ms}
            environments:
              staging:
                hosts: [\(addresses.joined(separator: ", "))]
                router: 127.0.0.1:\(port)
                strategy: {rolling: {max-surge: 1}}
                keep: 0
            """)
        try project.write("site/up", "release 1")
        let key = try String(contentsOf: hosts.url.appendingPathComponent("client_key"), encoding: .utf8)
        let environment = ["STAGING_SSH_KEY": key]
        let outcome: Result<Void, any Error>
        do {
            let first = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: environment)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(await DeployCommandTests.get(port) == "release 1")
            try project.write("site/up", "release 2")
            let second = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: environment)
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            for (index, address) in addresses.enumerated() {
                #expect(second.stdout.contains("web-2: route \([33, 66, 100][index])%"), "\(second.stdout)")
                #expect(second.stdout.contains("web-2: stop the old release on \(address)"), "\(second.stdout)")
            }
            #expect(await DeployCommandTests.get(port) == "release 2")
            // keep: 0 retires web-1 once web-2 is live, and its files go from every host.
            let history = try await GaaraBinary.run(["releases", "staging", "--format", "json"], in: project.url)
            let states = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])?.compactMap {
                $0["state"] as? String
            }
            #expect(states == ["live", "retired"], "\(history.stdout)")
            let targets = project.url.appendingPathComponent(".gaara/deploy/staging/targets").standardizedFileURL
            for address in addresses {
                let scope = SHA256.hash(data: Data(targets.appendingPathComponent(address).standardizedFileURL.path.utf8)).prefix(6)
                    .map { String(format: "%02x", $0) }.joined()
                let agent = NSHomeDirectory() + "/.gaara/agent/\(scope)"
                #expect(FileManager.default.fileExists(atPath: agent + "/web/web-2/app/up"), "\(agent)")
                #expect(!FileManager.default.fileExists(atPath: agent + "/web/web-1"), "\(agent)")
                #expect(!FileManager.default.fileExists(atPath: agent + "/sources/web-1"), "\(agent)")
            }
            // The host keys are pinned in the environment's folder; the key file and connections are gone.
            let pinned = try String(contentsOf: project.url.appendingPathComponent(".gaara/deploy/staging/known_hosts"), encoding: .utf8)
            #expect(pinned.split(separator: "\n").count == 3, "\(pinned)")
            #expect(!FileManager.default.fileExists(atPath: project.url.appendingPathComponent(".gaara/deploy/staging/ssh-key").path))
            // `ssh -O exit` returns once the master has the request; its process may take a moment more.
            let listMasters = "pgrep -f '^ssh: /tmp/gaara-ssh-[0-9]+-[0-9a-f]{12}/.*\\[mux\\]' || true"
            var masters = try await GaaraBinary.runShell(listMasters)
            for _ in 0..<50 where !masters.stdout.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                masters = try await GaaraBinary.runShell(listMasters)
            }
            #expect(masters.stdout.isEmpty, "no SSH connection outlives the command: \(masters.stdout)")
            // Without the key, the hosts refuse, and the error says so.
            let keyless = try await GaaraBinary.run(["deploy", "staging"], in: project.url, environment: ["STAGING_SSH_KEY": ""])
            #expect(keyless.status == 1 && keyless.stderr.contains("cannot reach root@"), "\(keyless.stderr)")
            let undeploy = try await GaaraBinary.run(["undeploy", "staging"], in: project.url, environment: environment)
            #expect(undeploy.stdout.contains("stopped web-2"), "\(undeploy.stdout)\(undeploy.stderr)")
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url, environment: environment)
        _ = try? await GaaraBinary.runShell("'\(script)' stop '\(hosts.url.path)'")
        try outcome.get()
    }

    @Test func anImageCanaryOnTwoSSHHostsPullsWithTheDeployersLogin() async throws {
        guard Self.ready(["/usr/bin/socat", "/usr/sbin/dockerd"]), try await ImageBuildTests.ready() else { return }
        try await ContainerDeployTests.buildImages(["1", "2"])
        let registry = try await RegistryFixture()
        let clientConfig = registry.folder.url.appendingPathComponent("client").path
        // Both releases in the registry (it wants a password); the hosts' engines have no login of their own.
        let pushed = try await GaaraBinary.runShell(
            """
            export DOCKER_CONFIG='\(clientConfig)' && printf '%s' '\(registry.password)' | \
            docker login '\(registry.address)' -u '\(registry.user)' --password-stdin >/dev/null && for tag in 1 2; do \
            docker tag gaara-test/deploy-web:$tag '\(registry.address)/deploy-web:'$tag && docker push -q '\(registry.address)/deploy-web:'$tag >/dev/null && \
            docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' '\(registry.address)/deploy-web:'$tag | grep '^\(registry.address)/' \
            || exit 1; done
            """)
        try #require(pushed.status == 0, "\(pushed.stderr)")
        let digests = pushed.stdout.split(separator: "\n").map(String.init)
        try #require(digests.count == 2, "\(pushed.stdout)")

        let hosts = try TemporaryDirectory()
        let addresses: [String]
        do {
            addresses = try await Self.startDockerHosts(2, in: hosts, registry: registry)
        } catch {
            await Self.stopHosts(in: hosts)
            throw error
        }
        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        try project.write(
            ".gaara/deploy.yml",
            """
            services:
              web:
                image: \(registry.address)/deploy-web
                port: 8080
                health: {interval: 200ms, deadline: 60s}
                stop-grace: 2s
            environments:
              production:
                hosts: [\(addresses.joined(separator: ", "))]
                router: 127.0.0.1:\(port)
                strategy:
                  canary: {steps: [{weight: 50, pause: 1s}, 100], analysis: false}
                bake: 0
            """)
        let key = (try? String(contentsOf: hosts.url.appendingPathComponent("client_key"), encoding: .utf8)) ?? ""
        let environment = ["PRODUCTION_SSH_KEY": key, "DOCKER_CONFIG": clientConfig]
        func containers(_ index: Int) async throws -> [String] { try await Self.containers(of: "web", host: index, in: hosts) }
        let outcome: Result<Void, any Error>
        do {
            // By digest: the hosts pull it themselves (this machine's engine is not asked).
            let first = try await GaaraBinary.run(["deploy", "production", "--image", digests[0]], in: project.url, environment: environment)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(await DeployCommandTests.get(port) == "release 1\n")
            // By tag: pinned to the registry's digest here, then pulled by that digest on each host.
            let second = try await GaaraBinary.run(
                ["deploy", "production", "--image", "\(registry.address)/deploy-web:2"], in: project.url, environment: environment)
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(second.stdout.contains("web-2: route 50%"), "\(second.stdout)")
            #expect(await DeployCommandTests.get(port) == "release 2\n")
            for index in 1...2 {
                let running = try await containers(index)
                #expect(running.count == 2, "host \(index): \(running)")
                for (release, digest) in zip(["web-1", "web-2"], digests) {
                    #expect(
                        running.contains { $0.hasPrefix("\(release) \(digest) 0.0.0.0:") },
                        "host \(index) runs \(release) of \(digest), published on its addresses: \(running)")
                }
            }
            try await Self.checkHostMetrics(addresses, in: project, environment: environment)
            let history = try await GaaraBinary.run(["releases", "production", "--format", "json"], in: project.url)
            let artifacts = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])?.compactMap {
                $0["artifact"] as? String
            }
            #expect(artifacts == digests.reversed(), "\(history.stdout)")
            // The login reached the hosts for the pull only. The hosts share this machine's /tmp, where
            // another test's pull may hold its login at this moment: a folder that goes within 30 s
            // was a pull in progress; one that stays is a leak.
            var leftovers = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("gaara-pull-") }
            let deadline = Date().addingTimeInterval(30)
            while !leftovers.isEmpty, Date() < deadline {
                try await Task.sleep(for: .milliseconds(500))
                leftovers = leftovers.filter { FileManager.default.fileExists(atPath: "/tmp/" + $0) }
            }
            #expect(leftovers.isEmpty, "\(leftovers)")

            let rollback = try await GaaraBinary.run(["rollback", "production"], in: project.url, environment: environment)
            #expect(rollback.status == 0 && rollback.stdout.contains("still running: a router switch"), "\(rollback.stdout)\(rollback.stderr)")
            #expect(await DeployCommandTests.get(port) == "release 1\n")

            // An image only this machine's engine has cannot reach the hosts.
            let local = try await GaaraBinary.run(
                ["deploy", "production", "--image", "gaara-test/deploy-web:1"], in: project.url, environment: environment)
            #expect(local.status == 1 && local.stderr.contains("push it (docker push)"), "\(local.stderr)")

            let undeploy = try await GaaraBinary.run(["undeploy", "production"], in: project.url, environment: environment)
            #expect(undeploy.status == 0, "\(undeploy.stdout)\(undeploy.stderr)")
            let left = try await containers(1) + (try await containers(2))
            #expect(left.isEmpty, "\(left)")
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "production"], in: project.url, environment: environment)
        await Self.stopHosts(in: hosts)
        try outcome.get()
    }

    /// Makes `count` SSH hosts in `folder`, each with a Docker engine of its own, the registry reached
    /// at its own address inside them; returns their `root@ADDRESS` destinations.
    static func startDockerHosts(_ count: Int, in folder: TemporaryDirectory, registry: RegistryFixture) async throws -> [String] {
        let registryPort = registry.address.split(separator: ":").last.map(String.init) ?? ""
        var script = "'\(Self.script)' start '\(folder.url.path)' \(count)"
        for index in 1...count { script += " && '\(Self.script)' docker '\(folder.url.path)' \(index) >&2" }
        script += " && '\(Self.script)' relay '\(folder.url.path)' \(registryPort) >&2"
        let started = try await GaaraBinary.runShell(script)
        let addresses = started.stdout.split(separator: "\n").map { "root@\($0)" }
        guard started.status == 0, addresses.count == count else {
            throw FixtureError("the SSH hosts did not start: \(started.stdout)\(started.stderr)")
        }
        return addresses
    }

    /// Stops what ``startDockerHosts(_:in:registry:)`` (or `ssh-hosts.sh start`) made in `folder`.
    static func stopHosts(in folder: TemporaryDirectory) async {
        let stopped = try? await GaaraBinary.runShell("'\(Self.script)' stop '\(folder.url.path)'")
        #expect(stopped?.status == 0, "\(stopped?.stderr ?? "")")
    }

    /// `gaara alerts watch` reads each SSH host through its agent: the host's counters and, per
    /// container, its cgroup's and network namespace's, as a user sees them on `/metrics`.
    static func checkHostMetrics(_ addresses: [String], in project: TemporaryDirectory, environment: [String: String]) async throws {
        let metricsPort = try RegistryFixture.freePort()
        let watcher = Process()
        watcher.executableURL = GaaraBinary.url
        watcher.arguments = ["alerts", "watch", "production", "--interval", "1s", "--listen", "127.0.0.1:\(metricsPort)"]
        watcher.currentDirectoryURL = project.url
        watcher.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        try watcher.run()
        defer {
            // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
            kill(watcher.processIdentifier, SIGKILL)
            watcher.waitUntilExit()
        }
        func value(_ lines: [Substring], _ prefix: String, _ parts: [String]) -> Double? {
            lines.first { $0.hasPrefix(prefix + "{") && parts.allSatisfy($0.contains) }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        var lines: [Substring] = []
        // Rates need two cycles of every host (an SSH call each): up to a minute on a loaded machine.
        for _ in 0..<120 {
            let exposed = try await GaaraBinary.run(
                ["curl", "-s", "http://127.0.0.1:\(metricsPort)/metrics"], executable: URL(fileURLWithPath: "/usr/bin/env"))
            lines = exposed.stdout.split(separator: "\n")
            let rated = addresses.allSatisfy { value(lines, "gaara_container_cpu", ["host=\"\($0)\"", "release=\"web-2\""]) != nil }
            if rated { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        for address in addresses {
            let host = "host=\"\(address)\""
            #expect(value(lines, "gaara_host_up", [host]) == 1, "\(address) answered: \(lines.filter { $0.contains(address) })")
            for metric in ["gaara_cpu", "gaara_memory", "gaara_disk"] {
                let share = value(lines, metric, [host, "environment=\"production\""])
                #expect(share.map { (0...1).contains($0) } == true, "\(metric) of \(address): \(String(describing: share))")
            }
            for release in ["web-1", "web-2"] {
                let labels = [host, "release=\"\(release)\"", "service=\"web\"", "container=\"gaara-"]
                let memory = value(lines, "gaara_container_memory_bytes", labels)
                #expect(memory.map { $0 > 100_000 } == true, "\(release) on \(address) uses memory: \(String(describing: memory))")
                let cpu = value(lines, "gaara_container_cpu", labels)
                #expect(cpu.map { $0 >= 0 && $0 < 4 } == true, "\(release) on \(address): \(String(describing: cpu)) cores")
            }
        }
    }

    /// What runs on host `index`'s engine for `service`: `release image address:port` lines.
    static func containers(of service: String, host index: Int, in folder: TemporaryDirectory) async throws -> [String] {
        let listed = try await GaaraBinary.runShell(
            """
            export DOCKER_HOST="unix://$(cat '\(folder.url.path)/docker\(index).socket')" && \
            docker ps -q --filter label=gaara.deploy.service=\(service) | xargs -r docker inspect --format \
            '{{index .Config.Labels "gaara.deploy.release"}} {{.Config.Image}} {{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostIp}}:{{.HostPort}}{{end}}{{end}}'
            """)
        return listed.stdout.split(separator: "\n").map(String.init).sorted()
    }
}
