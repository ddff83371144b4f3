import Crypto
import Foundation
import Testing

/// `gaara deploy` to SSH hosts as a user runs it: three network namespaces with their own sshd
/// (`ssh-hosts.sh`), the deploy key in `STAGING_SSH_KEY`, a rolling deploy host by host through the
/// router, and nothing of SSH left behind when the command ends (shared connections closed, key
/// file removed).
@Suite(.serialized)
struct SSHDeployCommandTests {
    @Test func aRollingDeployToThreeSSHHosts() async throws {
        let tools = ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/nsenter", "/usr/sbin/ip"]
        guard getuid() == 0, tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else {
            #expect(ProcessInfo.processInfo.environment["GAARA_REQUIRE_SSH"] != "1", "the SSH host tests need root, \(tools)")
            print("skipping the SSH deploy command test: it needs root and \(tools)")
            return
        }
        let script = RunFixture.root.deletingLastPathComponent().appendingPathComponent("support/ssh-hosts.sh").path
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
}
