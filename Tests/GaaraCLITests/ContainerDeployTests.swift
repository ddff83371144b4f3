import Foundation
import Testing

/// `gaara deploy` of an image service on the real Docker engine: releases are containers published on
/// loopback, pinned by digest (from a real registry with basic auth when the image came from one),
/// switched blue-green through the router, rolled back by a switch, refused traffic when unhealthy,
/// and removed by `gaara undeploy`.
@Suite(.serialized)
struct ContainerDeployTests {
    /// Builds `gaara-test/deploy-web:N` for each tag: busybox httpd answering `/up` with `release N`
    /// (`broken` has no `/up`).
    static func buildImages(_ tags: [String]) async throws {
        for tag in tags {
            let content = tag == "broken" ? "mkdir -p /www && echo nothing > /www/index.html" : "mkdir -p /www && echo 'release \(tag)' > /www/up"
            let built = try await GaaraBinary.runShell(
                """
                context=$(mktemp -d) && printf 'FROM gaara-test/httpd:1\\nRUN %s\\n' "\(content)" > "$context/Dockerfile" && \
                docker build --network host -q -t gaara-test/deploy-web:\(tag) "$context" >/dev/null && rm -rf "$context"
                """)
            try #require(built.status == 0, "\(built.stderr)")
        }
    }

    /// The ids of the containers labelled as releases of `web` (running or not).
    static func containers() async throws -> [String] {
        let listed = try await GaaraBinary.runShell(
            "docker ps --all --filter label=gaara.deploy.service=web --format '{{.Label \"gaara.deploy.release\"}}'")
        return listed.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test func imageReleasesRunAsContainersSwitchedThroughTheRouter() async throws {
        guard try await ImageBuildTests.ready() else { return }
        try await Self.buildImages(["1", "2", "broken"])
        let registry = try await RegistryFixture()
        // The second release comes from the registry: pushed there, then deployed by its tag with
        // the client's login (DOCKER_CONFIG), and recorded by the registry's digest.
        let clientConfig = registry.folder.url.appendingPathComponent("client").path
        let pushed = try await GaaraBinary.runShell(
            """
            export DOCKER_CONFIG='\(clientConfig)' && printf '%s' '\(registry.password)' | \
            docker login '\(registry.address)' -u '\(registry.user)' --password-stdin >/dev/null && \
            docker tag gaara-test/deploy-web:2 '\(registry.address)/deploy-web:2' && docker push -q '\(registry.address)/deploy-web:2' >/dev/null && \
            docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' '\(registry.address)/deploy-web:2' | grep '^\(registry.address)/' && \
            docker rmi '\(registry.address)/deploy-web:2' >/dev/null
            """)
        try #require(pushed.status == 0, "\(pushed.stderr)")
        let pinned = pushed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let project = try TemporaryDirectory()
        let port = try RegistryFixture.freePort()
        try project.write(
            ".gaara/deploy.yml",
            """
            services:
              web:
                image: gaara-test/deploy-web
                port: 8080
                env: {GREETING: hello}
                health: {interval: 200ms, deadline: 20s}
                stop-grace: 2s
            environments:
              staging:
                hosts: local
                router: 127.0.0.1:\(port)
                strategy: blue-green
                scale-down-delay: 10m
                smoke-tests: curl -sf "$GAARA_RELEASE_URL/up" | grep -q release
            """)
        let outcome: Result<Void, any Error>
        do {
            try await Self.scenario(project, port: port, registry: registry, pinned: pinned)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        try outcome.get()
    }

    static func scenario(_ project: TemporaryDirectory, port: Int, registry: RegistryFixture, pinned: String) async throws {
        let environment = ["DOCKER_CONFIG": registry.folder.url.appendingPathComponent("client").path]
        let first = try await GaaraBinary.run(["deploy", "staging", "--image", "gaara-test/deploy-web:1"], in: project.url, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("✓ web-1 is live in staging (sha256:"), "a local image is pinned by its id: \(first.stdout)")
        #expect(await DeployCommandTests.get(port) == "release 1\n")
        // Published on loopback only, with the service's variables and the container port in $PORT.
        let inspect = try await GaaraBinary.runShell(
            "docker inspect --format '{{json .HostConfig.PortBindings}} {{json .Config.Env}}' $(docker ps -q --filter label=gaara.deploy.release=web-1)"
        )
        #expect(
            inspect.stdout.contains("\"HostIp\":\"127.0.0.1\"") && inspect.stdout.contains("GREETING=hello") && inspect.stdout.contains("PORT=8080"),
            "\(inspect.stdout)")

        let second = try await GaaraBinary.run(
            ["deploy", "staging", "--image", "\(registry.address)/deploy-web:2"], in: project.url, environment: environment)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("smoke tests passed") && second.stdout.contains("web-1 stays running for 600 s"), "\(second.stdout)")
        #expect(await DeployCommandTests.get(port) == "release 2\n")
        let history = try await GaaraBinary.run(["releases", "staging", "--format", "json"], in: project.url)
        let decoded = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.first?["artifact"] as? String == pinned, "pulled from the registry and pinned to its digest: \(history.stdout)")
        #expect(try await Self.containers() == ["web-1", "web-2"])

        let rollback = try await GaaraBinary.run(["rollback", "staging"], in: project.url, environment: environment)
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(rollback.stdout.contains("still running: a router switch"), "\(rollback.stdout)")
        #expect(await DeployCommandTests.get(port) == "release 1\n")

        // Unhealthy: no traffic, the health answer in the error, its container removed. 10 s, so that
        // a container slow to listen on a loaded machine still answers its 404 before the deadline.
        try project.write(
            ".gaara/deploy.yml",
            try String(contentsOf: project.url.appendingPathComponent(".gaara/deploy.yml"), encoding: .utf8).replacingOccurrences(
                of: "deadline: 20s", with: "deadline: 10s"))
        let broken = try await GaaraBinary.run(["deploy", "staging", "--image", "gaara-test/deploy-web:broken"], in: project.url)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("web-3 was not deployed to staging") && broken.stderr.contains("HTTP 404"), "\(broken.stderr)")
        #expect(await DeployCommandTests.get(port) == "release 1\n")
        #expect(try await Self.containers() == ["web-1", "web-2"], "the unhealthy release's container is gone")

        // A reference that names no image fails before anything is recorded.
        let missing = try await GaaraBinary.run(["deploy", "staging", "--image", "gaara-test/deploy-web:never-built"], in: project.url)
        #expect(missing.status == 1 && missing.stderr.contains("is neither on this engine nor pullable"), "\(missing.stderr)")

        let undeploy = try await GaaraBinary.run(["undeploy", "staging"], in: project.url)
        #expect(undeploy.stdout.contains("stopped web-1, web-2"), "\(undeploy.stdout)")
        #expect(try await Self.containers() == [])
        #expect(await DeployCommandTests.get(port) == nil)
    }
}
