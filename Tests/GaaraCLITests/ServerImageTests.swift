import Foundation
import Testing

/// Images over a real `gaara serve` (issue #16): a pushed run's build job pushes an image to a real
/// registry with the repository's secrets, and the server records it by digest: in the run's API
/// detail, `/api/runs/{id}/images`, the repository's image list (by digest) and the run page.
@Suite(.serialized)
struct ServerImageTests {
    @Test func aRunsPushedImageIsRecordedAndShownByDigest() async throws {
        guard try await ImageBuildTests.ready() else { return }
        let registry = try await RegistryFixture()
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        defer { Task { await server.stop() } }
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        try await ServerEnvironmentTests.secret(server, "REGISTRY_USER", registry.user, ["--repo", "app"])
        try await ServerEnvironmentTests.secret(server, "REGISTRY_PASSWORD", registry.password, ["--repo", "app"])
        #expect(try await server.cli(["var", "set", "REGISTRY", registry.address, "--repo", "app"]).status == 0)
        let workflow = ImageBuildTests.workflow(
            steps: """
                \(ImageBuildTests.login("${{ vars.REGISTRY }}"))
                      - id: meta
                        uses: docker/metadata-action@v5
                        with:
                          images: ${{ vars.REGISTRY }}/team/served
                          tags: type=sha,format=long
                      - uses: docker/build-push-action@v6
                        with:
                          context: .
                          push: true
                          tags: ${{ steps.meta.outputs.tags }}
                """)
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("src"),
            files: [
                ".github/workflows/images.yml": workflow,
                "Dockerfile": "FROM gaara-test/busybox:1\nRUN echo \(UUID().uuidString) > /build-id\n",
            ])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        let sha = try await source.head()
        let detail = try await server.waitForRun(1)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(detail)")

        let images = try #require(detail["images"] as? [[String: Any]])
        try #require(images.count == 1, "\(detail)")
        let digest = try #require(images[0]["digest"] as? String)
        #expect(images[0]["name"] as? String == "\(registry.address)/team/served")
        #expect(images[0]["tags"] as? [String] == ["sha-\(sha)"])
        #expect(images[0]["sha"] as? String == sha && images[0]["run_id"] as? Int == 1 && images[0]["job"] as? String == "build")
        #expect(images[0]["reference"] as? String == "\(registry.address)/team/served@\(digest)")
        let listed = try await server.json("/api/runs/1/images") as? [[String: Any]] ?? []
        #expect(listed.map { $0["digest"] as? String } == [digest])
        let byDigest = try await server.json("/api/repos/app/images?digest=\(digest)") as? [[String: Any]] ?? []
        #expect(byDigest.map { $0["run_id"] as? Int } == [1])
        let none = try await server.json("/api/repos/app/images?name=\(registry.address)/team/other") as? [[String: Any]] ?? [[:]]
        #expect(none.isEmpty)
        let (status, body) = try await server.request("GET", "/api/repos/app/images?digest=sha256:nothex", token: server.adminToken)
        #expect(status == 400 && String(decoding: body, as: UTF8.self).contains("digest must be sha256:"), "\(status)")
        #expect(try await server.request("GET", "/api/runs/99/images", token: server.adminToken).status == 404)

        let page = try await server.request("GET", "/runs/1", token: server.adminToken)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(
            page.status == 200 && html.contains("<h2>Images</h2>") && html.contains("<code class=\"digest\">\(digest)</code>"), "\(html.prefix(400))")
        // The registry password never reaches the log.
        let log = String(decoding: try await server.request("GET", "/api/runs/1/logs", token: server.adminToken).body, as: UTF8.self)
        #expect(!log.contains(registry.password) && log.contains("Removed the job's Docker credentials"), "\(log.suffix(2000))")
    }
}
