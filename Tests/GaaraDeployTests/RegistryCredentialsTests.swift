import Foundation
import Testing

@testable import GaaraDeploy

/// Which login the deployer hands an SSH host's engine: the registry a reference names, found in a
/// Docker config the way the `docker` CLI finds it (a credential helper, a real program, included).
@Suite struct RegistryCredentialsTests {
    @Test(arguments: [
        ("127.0.0.1:5000/app/web@sha256:abc", "127.0.0.1:5000"), ("registry.example.com/web:1", "registry.example.com"),
        ("localhost/web", "localhost"), ("library/nginx:1", RegistryCredentials.dockerHub), ("nginx", RegistryCredentials.dockerHub),
        ("docker.io/library/nginx", RegistryCredentials.dockerHub), ("ghcr.io/acme/api:main", "ghcr.io"),
    ])
    func theRegistryIsTheFirstComponentWhenItNamesAHost(_ reference: String, _ registry: String) {
        #expect(RegistryCredentials.registry(of: reference) == registry)
    }

    @Test func aLoginComesFromTheConfigsAuths() async throws {
        let folder = try Self.folder(#"{"auths": {"127.0.0.1:5000": {"auth": "dTpw"}, "https://ghcr.io": {"auth": "Z2g6dA=="}}}"#)
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["DOCKER_CONFIG": folder.path]
        let local = try await RegistryCredentials.login(for: "127.0.0.1:5000/web@sha256:1", environment: environment)
        #expect(local == RegistryCredentials.Login(registry: "127.0.0.1:5000", auth: "dTpw"))
        let ghcr = try await RegistryCredentials.login(for: "ghcr.io/acme/api:1", environment: environment)
        #expect(ghcr?.auth == "Z2g6dA==")
        #expect(try await RegistryCredentials.login(for: "quay.io/other:1", environment: environment) == nil)
        let config = try JSONSerialization.jsonObject(with: try #require(local).configJSON) as? [String: [String: [String: String]]]
        #expect(config?["auths"]?["127.0.0.1:5000"]?["auth"] == "dTpw")
    }

    @Test func aCredentialHelperIsAsked() async throws {
        let folder = try Self.folder(#"{"credHelpers": {"registry.example.com": "gaaratest"}}"#)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A real helper on PATH, speaking the protocol: the registry on standard input, JSON out.
        let helper = folder.appendingPathComponent("docker-credential-gaaratest")
        try await Self.writeExecutable(
            helper,
            """
            #!/bin/sh
            read registry
            [ "$1" = get ] && [ "$registry" = registry.example.com ] || { echo "credentials not found in native keychain"; exit 1; }
            echo '{"ServerURL":"registry.example.com","Username":"deployer","Secret":"s3cret"}'
            """)
        let environment = ["DOCKER_CONFIG": folder.path, "PATH": folder.path + ":/usr/bin:/bin"]
        let login = try await RegistryCredentials.login(for: "registry.example.com/web:2", environment: environment)
        #expect(login == RegistryCredentials.Login(registry: "registry.example.com", auth: Data("deployer:s3cret".utf8).base64EncodedString()))
        // Registries the helper is not configured for get no login.
        #expect(try await RegistryCredentials.login(for: "other.example.com/web:2", environment: environment) == nil)
    }

    @Test func noConfigMeansAnAnonymousPullAndABrokenOneAnError() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-no-config-\(UUID().uuidString)")
        #expect(try await RegistryCredentials.login(for: "127.0.0.1:5000/web", environment: ["DOCKER_CONFIG": empty.path]) == nil)
        let broken = try Self.folder("{not json")
        defer { try? FileManager.default.removeItem(at: broken) }
        await #expect(throws: DeployTargetError.self) {
            try await RegistryCredentials.login(for: "127.0.0.1:5000/web", environment: ["DOCKER_CONFIG": broken.path])
        }
    }

    /// Writes `text` to an executable file from a child shell, not from this process: a file this
    /// process holds open for writing is inherited by whatever another test forks at that moment,
    /// and running it then fails with "Text file busy" (ETXTBSY).
    static func writeExecutable(_ file: URL, _ text: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "printf '%s\\n' \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh", text, file.path]
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try #require(process.terminationStatus == 0, "writing \(file.path)")
    }

    /// A Docker config folder holding `config`.
    static func folder(_ config: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-docker-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try config.write(to: folder.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        return folder
    }
}
