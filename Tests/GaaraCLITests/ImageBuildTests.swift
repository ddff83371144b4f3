import Foundation
import Testing

/// The docker/* actions against a real engine and a real registry with basic auth: an image is
/// built, pushed under every tag, pulled back by digest and recorded; a wrong password, an
/// unreachable registry, a platform Gaara cannot build and a failing `RUN` each fail the step with
/// the reason and leave no login, no record and no tag behind.
@Suite(.serialized)
struct ImageBuildTests {
    /// Skips (with a message) without Docker or the registry; under CI (GAARA_REQUIRE_DOCKER=1) fails.
    static func ready() async throws -> Bool {
        guard RegistryFixture.isAvailable else {
            #expect(
                ProcessInfo.processInfo.environment["GAARA_REQUIRE_DOCKER"] != "1",
                "the image tests need Docker, docker-registry and htpasswd, which are not all here")
            print("skipping the image tests: Docker, docker-registry or htpasswd is missing")
            return false
        }
        let image = try await GaaraBinary.runShell("sh '\(RunFixture.root.deletingLastPathComponent().path)/support/make-test-image.sh'")
        try #require(image.status == 0, "\(image.stderr)")
        return true
    }

    static func workflow(steps: String) -> String {
        """
        name: Images
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
        \(steps)
        """
    }

    static func login(_ registry: String) -> String {
        """
              - uses: docker/login-action@v3
                with:
                  registry: \(registry)
                  username: ${{ secrets.REGISTRY_USER }}
                  password: ${{ secrets.REGISTRY_PASSWORD }}
        """
    }

    /// Runs `gaara run push` in `project` with the registry's credentials as secrets.
    static func run(_ project: TemporaryDirectory, user: String, password: String) async throws -> GaaraBinary.Output {
        let secrets = project.url.appendingPathComponent(".secrets")
        try "REGISTRY_USER=\(user)\nREGISTRY_PASSWORD=\(password)\n".write(to: secrets, atomically: true, encoding: .utf8)
        return try await GaaraBinary.run(["run", "push", "--secret-file", secrets.path], in: project.url, environment: ["NO_COLOR": "1"])
    }

    /// What a failed run must not leave: a record, the job's Docker config.
    static func expectNothingLeft(_ project: TemporaryDirectory, _ output: GaaraBinary.Output) {
        let run = project.url.appendingPathComponent(".gaara/runs/1")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("images.json").path), "\(output.stdout)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("tmp/build/docker-config").path), "\(output.stdout)")
        #expect(!output.stdout.contains("Images pushed"), "\(output.stdout)")
    }

    @Test func buildsPushesPullsBackByDigestAndRecordsTheImage() async throws {
        guard try await Self.ready() else { return }
        let registry = try await RegistryFixture()
        let repository = "\(registry.address)/team/app"
        let project = try await makeProject([
            "app/Dockerfile": """
            FROM gaara-test/busybox:1
            RUN --mount=type=secret,id=token sh -c 'echo "\(UUID().uuidString) secret-seen=$(cat /run/secrets/token)"'
            COPY message.txt /message.txt
            CMD ["cat", "/message.txt"]
            """,
            "app/message.txt": "built by gaara\n",
            ".github/workflows/images.yml": Self.workflow(
                steps: """
                    \(Self.login(registry.address))
                          - uses: docker/setup-buildx-action@v3
                          - id: meta
                            uses: docker/metadata-action@v5
                            with:
                              images: \(repository)
                              tags: |
                                type=ref,event=branch
                                type=sha
                          - id: build
                            uses: docker/build-push-action@v6
                            with:
                              context: ./app
                              push: true
                              tags: ${{ steps.meta.outputs.tags }}
                              labels: ${{ steps.meta.outputs.labels }}
                              secrets: token=${{ secrets.REGISTRY_PASSWORD }}
                          - run: echo "digest=${{ steps.build.outputs.digest }}"
                    """),
        ])
        let output = try await Self.run(project, user: registry.user, password: registry.password)
        #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
        let run = project.url.appendingPathComponent(".gaara/runs/1")
        let data = try Data(contentsOf: run.appendingPathComponent("images.json"))
        let records = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        try #require(records.count == 1, "\(records)")
        let record = records[0]
        let digest = try #require(record["digest"] as? String)
        let imageID = try #require(record["imageID"] as? String)
        let sha = try await GaaraBinary.runShell("git -C '\(project.url.path)' rev-parse HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(record["name"] as? String == repository)
        #expect(record["tags"] as? [String] == ["main", "sha-" + sha.prefix(7)])
        #expect(record["sha"] as? String == sha)
        #expect((record["size"] as? Int ?? 0) > 0)
        #expect(digest.hasPrefix("sha256:") && digest.count == 71)
        #expect(output.stdout.contains("digest=\(digest)"), "the step output is the pushed digest")
        #expect(output.stdout.contains("Images pushed:\n    \(repository)@\(digest) (main, sha-\(sha.prefix(7)))"), "\(output.stdout)")
        // The build secret reached the build and is masked in the log.
        let log = try await GaaraBinary.runShell("cat '\(run.path)'/logs/build/*build-push*.log")
        #expect(log.stdout.contains("secret-seen=***"), "\(log.stdout)")
        #expect(!log.stdout.contains(registry.password) && !output.stdout.contains(registry.password))
        // The login did not outlive the job.
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("tmp/build/docker-config").path))
        #expect(output.stdout.contains("Removed the job's Docker credentials"), "\(output.stdout)")

        // Pulled back by digest from the registry (with the local copies gone), it is the same image.
        let pulled = try await registry.pullByDigest(
            repository, digest: digest, removingTags: ["main", "sha-\(sha.prefix(7))"],
            then: "docker run --rm '\(repository)@\(digest)'; status=$?; docker rmi '\(repository)@\(digest)' >/dev/null 2>&1; exit $status")
        #expect(pulled.status == 0, "\(pulled.stdout)\n\(pulled.stderr)")
        #expect(pulled.stdout == "\(imageID)\nbuilt by gaara\n", "\(pulled.stdout)")
    }

    @Test func aWrongPasswordFailsTheLoginWithTheRegistrysMessage() async throws {
        guard try await Self.ready() else { return }
        let registry = try await RegistryFixture()
        let project = try await makeProject([
            ".github/workflows/images.yml": Self.workflow(steps: Self.login(registry.address))
        ])
        let output = try await Self.run(project, user: registry.user, password: "not-the-password")
        #expect(output.status == 1)
        #expect(output.stdout.contains("✗ Run docker/login-action@v3"), "\(output.stdout)")
        #expect(output.stdout.contains("docker login failed:") && output.stdout.contains("401 Unauthorized"), "\(output.stdout)")
        #expect(!output.stdout.contains("not-the-password"))
        Self.expectNothingLeft(project, output)
    }

    @Test func anUnreachableRegistryFailsThePushAndLeavesNoTagBehind() async throws {
        guard try await Self.ready() else { return }
        let closed = "127.0.0.1:\(try RegistryFixture.freePort())"
        let tag = "\(closed)/team/unreachable:\(UUID().uuidString.prefix(8).lowercased())"
        let project = try await makeProject([
            "Dockerfile": "FROM gaara-test/busybox:1\nRUN echo layer > /layer\n",
            ".github/workflows/images.yml": Self.workflow(
                steps: """
                          - uses: docker/build-push-action@v6
                            with:
                              context: .
                              push: true
                              tags: \(tag)
                    """),
        ])
        let output = try await Self.run(project, user: "unused-user", password: "unused-password")
        #expect(output.status == 1)
        #expect(output.stdout.contains("docker push failed:") && output.stdout.contains("connection refused"), "\(output.stdout)")
        Self.expectNothingLeft(project, output)
        let left = try await GaaraBinary.runShell("docker image inspect '\(tag)'")
        #expect(left.status != 0, "the tag of an image that was never pushed is removed")
    }

    @Test func anotherPlatformAndAFailingRunLineFailWithTheReason() async throws {
        guard try await Self.ready() else { return }
        let tag = "gaara-test/failing:\(UUID().uuidString.prefix(8).lowercased())"
        let project = try await makeProject([
            "Dockerfile": "FROM gaara-test/busybox:1\nRUN echo about to fail && exit 1\n",
            ".github/workflows/images.yml": """
            name: Images
            on: push
            jobs:
              arm:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker/setup-qemu-action@v3
                    with: {platforms: arm64}
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: docker/build-push-action@v6
                    with: {context: ., tags: "\(tag)", load: true}
            """,
        ])
        let output = try await Self.run(project, user: "unused-user", password: "unused-password")
        #expect(output.status == 1)
        #expect(
            output.stdout.contains("platforms: 'arm64' is not supported by Gaara: images are built for the engine's own platform"),
            "\(output.stdout)")
        #expect(output.stdout.contains("docker build failed:") || output.stdout.contains("docker buildx build failed:"), "\(output.stdout)")
        // BuildKit's words for the failed RUN line: "executor failed running" (engine 20.10), "did not complete successfully" (later).
        #expect(
            output.stdout.contains("[/bin/sh -c echo about to fail && exit 1]: exit code: 1")
                || output.stdout.contains("did not complete successfully: exit code: 1"), "\(output.stdout)")
        Self.expectNothingLeft(project, output)
        let left = try await GaaraBinary.runShell("docker image inspect '\(tag)'")
        #expect(left.status != 0, "a failed build tags nothing")
    }

    /// `cache-to`/`cache-from` of type `local` (a folder) and `gha` (Gaara's own cache, by scope):
    /// the first run finds no cache and writes both archives; the next loads them as cache sources.
    @Test func localAndGhaCachesAreWrittenThenLoaded() async throws {
        guard try await Self.ready() else { return }
        let caches = try TemporaryDirectory()
        let local = caches.url.appendingPathComponent("local-cache").path
        let scope = "scope-\(UUID().uuidString.prefix(8).lowercased())"
        let project = try await makeProject([
            "Dockerfile": "FROM gaara-test/busybox:1\nRUN echo \(UUID().uuidString) > /build-id\n",
            ".github/workflows/images.yml": Self.workflow(
                steps: """
                          - uses: docker/build-push-action@v6
                            with:
                              context: .
                              tags: gaara-test/cached:local
                              cache-from: type=local,src=\(local)
                              cache-to: type=local,dest=\(local),mode=max
                          - uses: docker/build-push-action@v6
                            with:
                              context: .
                              tags: gaara-test/cached:gha
                              cache-from: type=gha,scope=\(scope)
                              cache-to: type=gha,scope=\(scope),mode=max
                    """),
        ])
        let environment = ["NO_COLOR": "1", "XDG_CACHE_HOME": caches.url.path]
        let first = try await GaaraBinary.run(["run", "push"], in: project.url, environment: environment)
        #expect(first.status == 0, "\(first.stdout)")
        #expect(first.stdout.components(separatedBy: "Cache not found: ").count == 3, "\(first.stdout)")
        #expect(first.stdout.components(separatedBy: "Cache written to ").count == 3, "\(first.stdout)")
        #expect(FileManager.default.fileExists(atPath: local + "/gaara-image-cache.tar"))
        let gha = try await GaaraBinary.runShell("find '\(caches.url.path)' -path '*buildx-gha/\(scope)/gaara-image-cache.tar'")
        #expect(gha.stdout.hasPrefix(caches.url.path), "the gha cache lives in Gaara's cache folder: \(gha.stdout)")
        let listed = try await GaaraBinary.runShell("tar -tf '\(local)/gaara-image-cache.tar'")
        #expect(listed.stdout.contains("manifest.json"), "an image archive docker load reads")

        let second = try await GaaraBinary.run(["run", "push"], in: project.url, environment: environment)
        #expect(second.status == 0, "\(second.stdout)")
        #expect(second.stdout.components(separatedBy: "Loaded image: gaara-build-cache:").count == 3, "\(second.stdout)")
        #expect(!second.stdout.contains("Cache not found"), "\(second.stdout)")
        let leftovers = try await GaaraBinary.runShell("docker images --format '{{.Repository}}' | grep -c '^gaara-build-cache$' || true")
        #expect(leftovers.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the loaded cache images are untagged again")
        _ = try await GaaraBinary.runShell("docker rmi gaara-test/cached:local gaara-test/cached:gha")
    }
}
