import Foundation
import GaaraProcess

/// The deployer's registry logins, as the `docker` CLI keeps them: `auths` in the Docker config
/// (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; what `docker login` and
/// `docker/login-action` write), or a credential helper (`credHelpers`, `credsStore`). An SSH host's
/// engine pulls a release's image with the login of whoever deploys, so the host needs no
/// credentials of its own.
public enum RegistryCredentials {
    /// One registry's login, handed to the host's engine for one pull.
    public struct Login: Codable, Sendable, Equatable {
        /// The registry's key in a Docker config (`registry.example:5000`, `https://index.docker.io/v1/`).
        public var registry: String
        /// `base64(user:password)`, as a Docker config's `auth` holds it.
        public var auth: String

        /// Creates a login.
        public init(registry: String, auth: String) {
            self.registry = registry
            self.auth = auth
        }

        /// A Docker config holding just this login.
        public var configJSON: Data {
            (try? JSONSerialization.data(withJSONObject: ["auths": [registry: ["auth": auth]]], options: [.sortedKeys])) ?? Data()
        }
    }

    /// Docker Hub's key in a Docker config.
    public static let dockerHub = "https://index.docker.io/v1/"

    /// The registry of `reference`: its first path component when that names a host (has a `.` or a
    /// `:`, or is `localhost`), else Docker Hub, as the `docker` CLI decides.
    public static func registry(of reference: String) -> String {
        guard let slash = reference.firstIndex(of: "/") else { return dockerHub }
        let first = reference[..<slash]
        guard first.contains(".") || first.contains(":") || first == "localhost" else { return dockerHub }
        return first == "docker.io" || first == "index.docker.io" ? dockerHub : String(first)
    }

    /// The login the `docker` CLI would use to pull `reference` with `environment`
    /// (`DOCKER_CONFIG`, `HOME`, `PATH`); nil when it has none (an anonymous pull).
    public static func login(for reference: String, environment: [String: String]) async throws -> Login? {
        let registry = registry(of: reference)
        let folder = environment["DOCKER_CONFIG"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
        guard let data = FileManager.default.contents(atPath: folder + "/config.json") else { return nil }
        guard let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DeployTargetError("\(folder)/config.json is not a Docker config (JSON)")
        }
        let auths = config["auths"] as? [String: Any] ?? [:]
        for key in [registry, "https://" + registry, "http://" + registry] {
            if let entry = auths[key] as? [String: Any], let auth = entry["auth"] as? String, !auth.isEmpty {
                return Login(registry: registry, auth: auth)
            }
        }
        let helper = (config["credHelpers"] as? [String: String])?[registry] ?? config["credsStore"] as? String
        guard let helper, !helper.isEmpty, helper.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        return try await fromHelper(helper, registry: registry, environment: environment)
    }

    /// Asks `docker-credential-HELPER get` (the credential-helper protocol: the registry on standard
    /// input, `{"Username": …, "Secret": …}` on standard output).
    private static func fromHelper(_ helper: String, registry: String, environment: [String: String]) async throws -> Login? {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-credential-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: input, contents: Data(registry.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DeployTargetError("cannot write \(input)")
        }
        defer { try? FileManager.default.removeItem(atPath: input) }
        var command = ChildProcess.Command("docker-credential-\(helper)", ["get"], environment: environment)
        command.inputFile = input
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(command, timeout: 60)
        } catch {
            throw DeployTargetError("cannot run the Docker credential helper docker-credential-\(helper): \(error)")
        }
        // A helper with no login for the registry says "credentials not found" and fails: an anonymous pull.
        guard result.status.isSuccess,
            let json = result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let answer = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let user = answer["Username"] as? String, let secret = answer["Secret"] as? String
        else { return nil }
        return Login(registry: registry, auth: Data("\(user):\(secret)".utf8).base64EncodedString())
    }
}
