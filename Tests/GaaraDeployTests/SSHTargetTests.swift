import Foundation
import Testing

@testable import GaaraDeploy

/// How SSH destinations are read and the agent's answers parsed (the hosts themselves are
/// exercised by ``SSHRolloutTests``).
@Suite struct SSHTargetTests {
    @Test func destinationsAreUserHostAndPort() throws {
        let full = try #require(SSHDestination("deploy@web-1.example.com:2222"))
        #expect(full.user == "deploy" && full.host == "web-1.example.com" && full.port == 2222)
        #expect(full.description == "deploy@web-1.example.com:2222")
        let plain = try #require(SSHDestination("10.0.0.7"))
        #expect(plain.user == nil && plain.host == "10.0.0.7" && plain.port == 22 && plain.description == "10.0.0.7")
    }

    @Test(arguments: ["", "@web", "-oProxyCommand=x", "web;rm", "web host", "user@"])
    func whatCouldReachAShellOrAnOptionIsNoDestination(_ text: String) {
        #expect(SSHDestination(text) == nil)
    }

    @Test func theAgentsAnswerIsItsLastJSONLine() throws {
        #expect(try SSHTarget.answer("some warning\n{\"port\":8123}\n") == AgentAnswer(port: 8123))
        #expect(try SSHTarget.answer("{\"releases\":[\"web-1\"]}") == AgentAnswer(releases: ["web-1"]))
        #expect(throws: DeployTargetError.self) { try SSHTarget.answer("bash: gaara: command not found") }
    }

    @Test func aRequestCarriesTheReleaseAndTheLoginThroughJSON() throws {
        let release = ReleaseSpec(
            service: "web", release: "web-2", artifact: .image("127.0.0.1:5000/web@sha256:ab", port: 8080), environment: ["K": "v"])
        let request = AgentRequest(release: release, registryLogin: RegistryCredentials.Login(registry: "127.0.0.1:5000", auth: "dTpw"))
        #expect(try JSONDecoder().decode(AgentRequest.self, from: JSONEncoder().encode(request)) == request)
        let bare = try JSONDecoder().decode(AgentRequest.self, from: JSONEncoder().encode(AgentRequest(release: release)))
        #expect(bare.registryLogin == nil && bare.release == release)
    }

    @Test func shellQuotingKeepsQuotes() {
        #expect(SSHTarget.quoted("web") == "'web'")
        #expect(SSHTarget.quoted("it's") == "'it'\\''s'")
    }
}
