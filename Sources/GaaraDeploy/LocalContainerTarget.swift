import Crypto
import Foundation
import GaaraAlertCore
import GaaraAlerts
import GaaraProcess

/// Releases as containers on this machine's Docker engine, driven through the `docker` CLI (the one
/// the image actions use, so credential helpers and `DOCKER_HOST` work the same). Each release is one
/// container named `gaara-<scope>-<release>`, labelled with its scope, service and release so a
/// controller that restarts finds it again (adopts it) by its labels, its port published on loopback
/// only (`127.0.0.1:<port>`; on an SSH host, where the router reaches it from outside, on the host's
/// addresses), restarted by the engine when it exits (`--restart unless-stopped`,
/// Docker's own backoff). Variables are passed by name (`-e NAME`) with their values in the CLI's
/// environment, so a secret never appears on a command line.
public struct LocalContainerTarget: DeployTarget {
    /// Tells this environment's containers from every other's on the engine (a hash of its folder).
    public let scope: String
    /// The `docker` program.
    public let docker: String
    /// The environment the CLI runs with (`DOCKER_HOST`, `DOCKER_CONFIG`, `PATH`).
    public let environment: [String: String]
    /// The address releases' ports are published on (`127.0.0.1`; `0.0.0.0` on an SSH host).
    public let publishAddress: String

    /// The label names (`gaara.deploy.scope`, ...).
    enum Label {
        static let scope = "gaara.deploy.scope"
        static let service = "gaara.deploy.service"
        static let release = "gaara.deploy.release"
        static let port = "gaara.deploy.port"
    }

    /// A target whose containers carry `scope` (see ``scope(of:)``).
    public init(
        scope: String, docker: String = "docker", environment: [String: String] = ProcessInfo.processInfo.environment,
        publishAddress: String = "127.0.0.1"
    ) {
        self.scope = scope
        self.publishAddress = publishAddress
        self.docker = docker
        self.environment = environment
    }

    /// A scope for the environment kept in `folder`: the first 12 hex digits of its path's SHA-256.
    public static func scope(of folder: URL) -> String {
        SHA256.hash(data: Data(folder.standardizedFileURL.path.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The container's name.
    func name(_ release: ReleaseSpec) -> String { "gaara-\(scope)-\(release.release)" }

    /// Starts (or adopts) the release; see ``DeployTarget``.
    public func start(_ release: ReleaseSpec) async throws -> TargetEndpoint {
        guard case .image(let image, let containerPort) = release.artifact else {
            throw DeployTargetError("\(release.release): a container target runs images; a command needs a local process target")
        }
        if let found = try await container(release) {
            if found.running, let port = found.port { return TargetEndpoint(host: "127.0.0.1", port: port) }
            // Created or exited (the engine stopped, a kill): start afresh rather than trust its port.
            _ = try await docker(["rm", "-f", found.id])
        }
        var lastError: DeployTargetError?
        // A port found free can be taken before the engine binds it; a second port settles that race.
        for _ in 0..<2 {
            let port = try LocalProcessTarget.freePort()
            var arguments = [
                "run", "--detach", "--name", name(release), "--restart", "unless-stopped",
                "--label", "\(Label.scope)=\(scope)", "--label", "\(Label.service)=\(release.service)",
                "--label", "\(Label.release)=\(release.release)", "--label", "\(Label.port)=\(port)",
                "--publish", "\(publishAddress):\(port):\(containerPort)", "--stop-timeout", String(Int(release.stopGrace.rounded(.up))),
                "--env", "PORT", "--env", "GAARA_RELEASE",
            ]
            var variables = environment
            variables["PORT"] = String(containerPort)
            variables["GAARA_RELEASE"] = release.release
            for (key, value) in release.environment.sorted(by: { $0.key < $1.key }) {
                arguments += ["--env", key]
                variables[key] = value
            }
            arguments.append(image)
            let result = try await run(arguments, environment: variables)
            if result.status.isSuccess { return TargetEndpoint(host: "127.0.0.1", port: port) }
            lastError = DeployTargetError("\(release.release): docker run \(image) failed (\(result.status)): \(Self.trimmed(result.output))")
            _ = try? await docker(["rm", "-f", name(release)])
            guard result.output.contains("already allocated") || result.output.contains("address already in use") else { break }
        }
        throw lastError!
    }

    /// Stops the release's container (the engine's stop: SIGTERM, then a kill after the grace) and removes it.
    public func stop(_ release: ReleaseSpec) async throws {
        guard let found = try await container(release) else { return }
        if found.running {
            let stopped = try await run(["stop", "--time", String(Int(release.stopGrace.rounded(.up))), found.id], environment: environment)
            if !stopped.status.isSuccess, !stopped.output.contains("No such container") {
                throw DeployTargetError("\(release.release): docker stop failed: \(Self.trimmed(stopped.output))")
            }
        }
        _ = try await docker(["rm", "-f", found.id])
    }

    /// Nothing is left of a stopped release: `stop` removes its container. The image stays (other
    /// releases and environments may run it; the engine's own pruning removes unused images).
    public func remove(_ release: ReleaseSpec) async throws {}

    /// The releases of `service` whose containers run here (restarting ones included).
    public func running(service: String) async throws -> [String] {
        let output = try await docker([
            "ps", "--filter", "label=\(Label.scope)=\(scope)", "--filter", "label=\(Label.service)=\(service)",
            "--format", "{{.Label \"\(Label.release)\"}}",
        ])
        return output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    /// The counters of every running container of this scope, read from their cgroups and network
    /// namespaces (none when the engine does not answer).
    public func readings() async -> [ContainerReading] {
        guard
            let ids = try? await docker(["ps", "--quiet", "--filter", "label=\(Label.scope)=\(scope)"])
                .split(separator: "\n").map(String.init), !ids.isEmpty,
            let lines = try? await docker(
                [
                    "inspect", "--format",
                    "{{.Name}}\t{{index .Config.Labels \"\(Label.service)\"}}\t{{index .Config.Labels \"\(Label.release)\"}}\t{{.State.Pid}}",
                ]
                    + ids)
        else { return [] }
        return lines.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let pid = Int32(fields[3]), pid > 0 else { return nil }
            let name = fields[0].hasPrefix("/") ? String(fields[0].dropFirst()) : fields[0]
            return ContainerStats.reading(pid: pid, name: name, service: fields[1], release: fields[2])
        }
    }

    /// The container's last output lines (stdout and stderr).
    public func logTail(_ release: ReleaseSpec, lines: Int) async -> String {
        guard let found = try? await container(release),
            let result = try? await run(["logs", "--tail", String(lines), found.id], environment: environment)
        else { return "" }
        return result.output
    }

    /// Pins `reference` (`repo:tag`, `repo@sha256:…`) to what the engine runs: the repository's
    /// digest when the image came from (or went to) a registry, else the local image id. The image is
    /// pulled when the engine does not have it.
    public func pin(_ reference: String) async throws -> String {
        try Self.check(reference)
        var inspected = try await run(["image", "inspect", "--format", "{{json .RepoDigests}} {{.Id}}", reference], environment: environment)
        if !inspected.status.isSuccess {
            let pulled = try await run(["pull", "--quiet", reference], environment: environment)
            guard pulled.status.isSuccess else {
                throw DeployTargetError("the image \(reference) is neither on this engine nor pullable: \(Self.trimmed(pulled.output))")
            }
            inspected = try await run(["image", "inspect", "--format", "{{json .RepoDigests}} {{.Id}}", reference], environment: environment)
        }
        guard inspected.status.isSuccess, let line = inspected.output.split(separator: "\n").first,
            let space = line.lastIndex(of: " ")
        else { throw DeployTargetError("cannot inspect the image \(reference): \(Self.trimmed(inspected.output))") }
        let digests = (try? JSONDecoder().decode([String].self, from: Data(line[..<space].utf8))) ?? []
        return Self.pinned(reference, repoDigests: digests, id: String(line[line.index(after: space)...]))
    }

    /// Refuses what cannot be an image reference: it reaches docker's command line (and may come from
    /// an API request), so never an option, whitespace or a control character.
    public static func check(_ reference: String) throws {
        guard !reference.isEmpty, !reference.hasPrefix("-"), reference.count <= 512,
            !reference.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else {
            throw DeployTargetError("'\(reference.prefix(80))' is not an image reference (REPOSITORY[:TAG][@sha256:DIGEST])")
        }
    }

    /// Pulls `reference` unless the engine has it, with `login` (the deployer's, on an SSH host) in a
    /// Docker config of its own that lives only for the pull, never written where it would stay.
    public func pullIfMissing(_ reference: String, login: RegistryCredentials.Login?) async throws {
        try Self.check(reference)
        if try await run(["image", "inspect", "--format", "{{.Id}}", reference], environment: environment).status.isSuccess { return }
        var variables = environment
        var config: URL?
        if let login {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-pull-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: folder.appendingPathComponent("config.json").path, contents: login.configJSON, attributes: [.posixPermissions: 0o600])
            else { throw DeployTargetError("cannot write a Docker config in \(folder.path)") }
            variables["DOCKER_CONFIG"] = folder.path
            config = folder
        }
        defer { if let config { try? FileManager.default.removeItem(at: config) } }
        let pulled = try await run(["pull", "--quiet", reference], environment: variables)
        guard pulled.status.isSuccess else {
            let how =
                login == nil
                ? "without a login (the deployer has none for \(RegistryCredentials.registry(of: reference)))" : "with the deployer's login"
            throw DeployTargetError("cannot pull \(reference) \(how): \(Self.trimmed(pulled.output))")
        }
    }

    /// The pinned form of `reference` given the image's repo digests and id (see ``pin(_:)``).
    static func pinned(_ reference: String, repoDigests: [String], id: String) -> String {
        if reference.contains("@sha256:") { return reference }
        let repository = repositoryName(reference)
        if let match = repoDigests.first(where: { $0.hasPrefix(repository + "@") }) { return match }
        return id
    }

    /// `host:5000/app/web:1.2` → `host:5000/app/web` (a port's colon is not a tag's).
    static func repositoryName(_ reference: String) -> String {
        var name = reference
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = String(name[..<colon]) }
        return name
    }

    private struct Found {
        let id: String
        let running: Bool
        let port: Int?
    }

    /// The release's container, running or not.
    private func container(_ release: ReleaseSpec) async throws -> Found? {
        let output = try await docker([
            "ps", "--all", "--filter", "label=\(Label.scope)=\(scope)", "--filter", "label=\(Label.release)=\(release.release)",
            "--format", "{{.ID}}\t{{.State}}\t{{.Label \"\(Label.port)\"}}",
        ])
        guard let line = output.split(separator: "\n").first else { return nil }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3 else { return nil }
        return Found(id: fields[0], running: fields[1] == "running", port: Int(fields[2]))
    }

    /// Runs a docker command that must succeed; returns its output.
    private func docker(_ arguments: [String]) async throws -> String {
        let result = try await run(arguments, environment: environment)
        guard result.status.isSuccess else {
            throw DeployTargetError("docker \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(Self.trimmed(result.output))")
        }
        return result.output
    }

    private func run(_ arguments: [String], environment: [String: String]) async throws -> (status: ExitStatus, output: String) {
        do {
            return try await ChildProcess.capture(ChildProcess.Command(docker, arguments, environment: environment), timeout: 300)
        } catch {
            throw DeployTargetError("cannot run \(docker): \(error)")
        }
    }

    private static func trimmed(_ output: String) -> String {
        output.split(separator: "\n").suffix(5).joined(separator: " / ")
    }
}
