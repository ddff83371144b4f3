import Foundation

/// A real Docker Registry v2 (Debian's `docker-registry`) with htpasswd basic auth on a free
/// loopback port, in a temporary folder, stopped with the fixture. CI installs the registry and
/// `htpasswd` (.ci/run) and sets GAARA_REQUIRE_DOCKER=1, so there a missing one fails the test.
final class RegistryFixture: @unchecked Sendable {
    /// `127.0.0.1:PORT`.
    let address: String
    /// The user the registry accepts.
    let user = "gaara-ci"
    /// Its password.
    let password = "pw-\(UUID().uuidString.prefix(12))"
    /// The registry's folder (config, htpasswd, data, log).
    let folder: TemporaryDirectory
    private let process: Process

    /// Whether the registry, htpasswd and a Docker engine are here.
    static var isAvailable: Bool {
        DockerEngine.isAvailable && which("docker-registry") && which("htpasswd")
    }

    /// Starts a registry and waits until it answers `/v2/` (401: it wants the password).
    init() async throws {
        folder = try TemporaryDirectory()
        let port = try Self.freePort()
        address = "127.0.0.1:\(port)"
        let hashed = try await GaaraBinary.runShell("htpasswd -Bbn '\(user)' '\(password)'")
        guard hashed.status == 0 else { throw FixtureError("htpasswd failed: \(hashed.stderr)") }
        try hashed.stdout.write(to: folder.url.appendingPathComponent("htpasswd"), atomically: true, encoding: .utf8)
        let config = """
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: \(folder.url.appendingPathComponent("data").path)
              delete:
                enabled: true
            http:
              addr: \(address)
            auth:
              htpasswd:
                realm: gaara-tests
                path: \(folder.url.appendingPathComponent("htpasswd").path)
            """
        try config.write(to: folder.url.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["docker-registry", "serve", folder.url.appendingPathComponent("config.yml").path]
        let log = folder.url.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        for _ in 0..<200 {
            let probe = try await GaaraBinary.runShell("curl -s -o /dev/null -w '%{http_code}' http://\(address)/v2/")
            if probe.stdout == "401" { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw FixtureError("the registry did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Removes the local `tags` of `name` (untagged even while a container runs the image), pulls `name@digest` from this registry (logged in with a
    /// client config of the fixture's own) and prints its image id; `then` runs after, in the same shell.
    func pullByDigest(_ name: String, digest: String, removingTags tags: [String], then: String = "true") async throws -> GaaraBinary.Output {
        let removals = tags.map { "'\(name):\($0)'" }.joined(separator: " ")
        return try await GaaraBinary.runShell(
            """
            docker rmi -f \(removals) >/dev/null && export DOCKER_CONFIG='\(folder.url.path)/client' && \
            printf '%s' '\(password)' | docker login '\(address)' -u '\(user)' --password-stdin >/dev/null && \
            docker pull -q '\(name)@\(digest)' >/dev/null && docker image inspect --format '{{.Id}}' '\(name)@\(digest)' && \(then)
            """)
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FixtureError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A test set-up that failed.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A git repository in a temporary folder holding `files`, committed on `main`.
func makeProject(_ files: [String: String]) async throws -> TemporaryDirectory {
    let project = try TemporaryDirectory()
    for (path, text) in files {
        let url = project.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let git = try await GaaraBinary.runShell(
        "cd '\(project.url.path)' && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@e commit -qm init")
    guard git.status == 0 else { throw FixtureError("git: \(git.stderr)") }
    return project
}
