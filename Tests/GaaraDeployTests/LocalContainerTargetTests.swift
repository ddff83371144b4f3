import Testing

@testable import GaaraDeploy

/// How the container target names images (the engine itself is exercised by the CLI's
/// `ContainerDeployTests`).
@Suite struct LocalContainerTargetTests {
    @Test(arguments: [
        ("web", "web"), ("web:1", "web"), ("127.0.0.1:5000/app/web:2", "127.0.0.1:5000/app/web"),
        ("127.0.0.1:5000/app/web", "127.0.0.1:5000/app/web"),
        ("ghcr.io/o/web@sha256:abc", "ghcr.io/o/web"), ("localhost:5000/web:1@sha256:abc", "localhost:5000/web"),
    ])
    func aReferencesRepositoryDropsItsTagAndDigestButNotItsPort(_ reference: String, _ repository: String) {
        #expect(LocalContainerTarget.repositoryName(reference) == repository)
    }

    @Test func aReleaseIsPinnedToTheRepositorysDigestElseToTheImageID() {
        let digests = ["other/web@sha256:111", "127.0.0.1:5000/web@sha256:222"]
        #expect(LocalContainerTarget.pinned("127.0.0.1:5000/web:2", repoDigests: digests, id: "sha256:999") == "127.0.0.1:5000/web@sha256:222")
        #expect(LocalContainerTarget.pinned("web:1", repoDigests: digests, id: "sha256:999") == "sha256:999", "built here, never pushed")
        #expect(LocalContainerTarget.pinned("web@sha256:333", repoDigests: digests, id: "sha256:999") == "web@sha256:333", "already pinned")
    }

    @Test(arguments: ["--help", "-q", "", "web 1", "web\n--rm"])
    func aReferenceThatCouldBeAnOptionNeverReachesDocker(_ reference: String) async {
        // A docker that does not exist: a reference that got past the check would fail to spawn instead.
        let target = LocalContainerTarget(scope: "test", docker: "/nonexistent/docker")
        do {
            _ = try await target.pin(reference)
            Issue.record("'\(reference)' was accepted")
        } catch {
            #expect("\(error)".contains("is not an image reference"), "\(error)")
        }
    }

    @Test func anEnvironmentsScopeIsStableAndItsOwn() {
        let a = LocalContainerTarget.scope(of: .init(fileURLWithPath: "/srv/app/.gaara/deploy/staging/targets"))
        #expect(a == LocalContainerTarget.scope(of: .init(fileURLWithPath: "/srv/app/.gaara/deploy/staging/targets/")))
        #expect(a != LocalContainerTarget.scope(of: .init(fileURLWithPath: "/srv/app/.gaara/deploy/production/targets")))
        #expect(a.count == 12)
    }
}
