import Foundation
import GaaraProcess
import Testing

@testable import GaaraDeploy
@testable import GaaraDeployCore

/// Evidence signed with Ed25519: a key made once and kept private, signatures that hold, and any
/// change to the evidence found.
struct EvidenceSignerTests {
    static let evidence = DecisionEvidence(
        environment: "production", service: "web", release: "web-7", artifact: "dir:sha256:ab", stableRelease: "web-6", outcome: "succeeded",
        decisions: [
            DecisionEvidence.Decision(
                time: Date(timeIntervalSince1970: 1_800_000_000), step: "analysis for up to 5m", outcome: "failed", by: "metrics", detail: "broken")
        ])

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theKeyIsMadeOnceAndReadableByItsOwnerOnly() throws {
        let file = try Self.folder().appendingPathComponent("deploy/evidence-signing.key")
        let first = try EvidenceSigner.load(file)
        let again = try EvidenceSigner.load(file)
        #expect(first.publicKey == again.publicKey)
        #expect(EvidenceSigner.publicKey(in: file) == first.publicKey)
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try Data("not a key".utf8).write(to: file)
        #expect(throws: DeployTargetError.self) { try EvidenceSigner.load(file) }
    }

    @Test func aSignatureHoldsAndAnyChangeIsFound() throws {
        let root = try Self.folder()
        let signer = try EvidenceSigner.load(root.appendingPathComponent("key"))
        let signed = try signer.sign(Self.evidence)
        #expect(signed.verify(trustedKey: signer.publicKey) == .valid(trusted: true))
        #expect(try signed.decoded() == Self.evidence)

        var tampered = signed
        tampered.evidence = signed.evidence.replacingOccurrences(of: "\"failed\"", with: "\"passed\"")
        #expect(tampered.evidence != signed.evidence)
        guard case .invalid(let why) = tampered.verify(trustedKey: signer.publicKey) else {
            Issue.record("a changed evidence verified")
            return
        }
        #expect(why.contains("changed after it was signed"))

        // Re-signed by another key: the signature holds, but the key is not the trusted one.
        let other = try EvidenceSigner.load(root.appendingPathComponent("other"))
        let forged = try other.sign(try tampered.decoded())
        #expect(forged.verify(trustedKey: signer.publicKey) == .valid(trusted: false))
    }

    @Test func aFolderKeepsEveryRolloutOfARelease() throws {
        let folder = EnvironmentFolder(root: try Self.folder(), environment: "staging")
        let signer = try EvidenceSigner.load(folder.signingKey)
        #expect(try folder.evidence("web-7").isEmpty)
        let signed = try signer.sign(Self.evidence)
        try folder.appendEvidence(signed, release: "web-7")
        try folder.appendEvidence(signed, release: "web-7")
        #expect(try folder.evidence("web-7") == [signed, signed])
    }
}

/// The commits an incident lists, read from a real git repository.
struct IncidentCommitsTests {
    @Test func theCommitsBetweenTwoReleasesComeFromGit() async throws {
        let repository = try EvidenceSignerTests.folder()
        func git(_ arguments: String) async throws -> String {
            let result = try await ChildProcess.capture(
                ChildProcess.Command(
                    "/bin/sh", ["-c", "git -c user.name=t -c user.email=t@t -c commit.gpgsign=false \(arguments)"],
                    environment: ProcessInfo.processInfo.environment, workingDirectory: repository.path))
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try await git("init -q")
        _ = try await git("commit -q --allow-empty -m one")
        let from = try await git("rev-parse HEAD")
        _ = try await git("commit -q --allow-empty -m 'fix the checkout'")
        _ = try await git("commit -q --allow-empty -m 'cache notes'")
        let to = try await git("rev-parse HEAD")
        let commits = try #require(await LocalDeployer.commits(in: repository, from: from, to: to))
        #expect(commits.map { String($0.dropFirst(8)) } == ["cache notes", "fix the checkout"], "\(commits)")
        #expect(await LocalDeployer.commits(in: repository, from: to, to: to) == [])
        #expect(await LocalDeployer.commits(in: repository, from: "0000000", to: to) == nil, "a commit git does not have: unknown")

        // DORA's lead time: the first deployment brought its own commit, the second the two after it.
        func release(_ number: Int, _ commit: String, deployed: Double) -> Release {
            var release = Release(
                number: number, service: "web", environment: "production", artifact: "a", commit: commit, creator: "t",
                created: Date(timeIntervalSince1970: deployed), state: .live, events: [])
            release.deployedAt = Date(timeIntervalSince1970: deployed)
            return release
        }
        let times = await LocalDeployer.commitTimes(of: [release(2, to, deployed: 2), release(1, from, deployed: 1)], in: repository)
        #expect(times["web-1"]?.count == 1 && times["web-2"]?.count == 2, "\(times)")
    }
}
