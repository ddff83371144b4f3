import Crypto
import Foundation
import GaaraAlertCore
import GaaraProcess
import Synchronization

/// An SSH destination, `[user@]host[:port]` as `.gaara/deploy.yml`'s `hosts` write it.
public struct SSHDestination: Sendable, Hashable, CustomStringConvertible {
    /// The user (nil: the SSH client's default).
    public var user: String?
    /// The host name or address.
    public var host: String
    /// The port (22 by default).
    public var port: Int

    /// Reads `[user@]host[:port]`; nil when it is not one.
    public init?(_ text: String) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            if user?.isEmpty == true { return nil }
        } else {
            user = nil
        }
        if let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) {
            self.port = port
            rest = rest[..<colon]
        } else {
            port = 22
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_"))
        guard !rest.isEmpty, !rest.hasPrefix("-"), rest.unicodeScalars.allSatisfy({ allowed.contains($0) }) else { return nil }
        host = String(rest)
    }

    /// `user@host:port`.
    public var description: String { (user.map { $0 + "@" } ?? "") + host + (port == 22 ? "" : ":\(port)") }
}

/// How Gaara reaches SSH hosts: the system's OpenSSH client, in batch mode, with the environment's
/// deploy key and its own `known_hosts` file. A host's key is pinned on first use
/// (`StrictHostKeyChecking=accept-new`); a host whose key has changed since is refused.
public struct SSHSession: Sendable {
    /// The private key file (nil: the client's own keys and agent).
    public var keyFile: String?
    /// The known-hosts file the environment's host keys are pinned in.
    public var knownHosts: String
    /// The `ssh` program.
    public var ssh: String = "ssh"
    /// Seconds to wait for a connection.
    public var connectTimeout = 10
    /// Where shared connections' control sockets go (nil: a connection per command). A deploy makes
    /// a dozen calls per host; sharing one connection saves a handshake each.
    public var controlDirectory: String?

    /// Creates a session.
    public init(keyFile: String?, knownHosts: String, controlDirectory: String? = nil) {
        self.keyFile = keyFile
        self.knownHosts = knownHosts
        self.controlDirectory = controlDirectory
    }

    private func options(_ destination: SSHDestination) -> [String] {
        var arguments = [
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "LogLevel=ERROR",
            "-o", "ConnectTimeout=\(connectTimeout)", "-p", String(destination.port),
        ]
        if let controlDirectory {
            arguments += ["-o", "ControlMaster=auto", "-o", "ControlPath=\(controlDirectory)/%C", "-o", "ControlPersist=60"]
        }
        if let keyFile { arguments += ["-o", "IdentitiesOnly=yes", "-i", keyFile] }
        if let user = destination.user { arguments += ["-l", user] }
        return arguments
    }

    /// Closes the shared connection to `destination`, if there is one (at the end of a command, so
    /// no SSH process outlives it).
    public func close(_ destination: SSHDestination) async {
        guard controlDirectory != nil else { return }
        let command = ChildProcess.Command(
            ssh, options(destination) + ["-O", "exit", destination.host], environment: ProcessInfo.processInfo.environment)
        _ = try? await ChildProcess.capture(command, timeout: 10)
    }

    /// Runs `command` (one shell command line) on `destination`, standard input from `input`;
    /// returns its output, or throws with SSH's reason or the command's output.
    func run(_ command: String, on destination: SSHDestination, input: String? = nil, timeout: Double = 300) async throws -> String {
        if let controlDirectory {
            let privateFolder: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
            try? FileManager.default.createDirectory(atPath: controlDirectory, withIntermediateDirectories: true, attributes: privateFolder)
        }
        let arguments = options(destination) + [destination.host, "--", command]
        var process = ChildProcess.Command(ssh, arguments, environment: ProcessInfo.processInfo.environment)
        process.inputFile = input
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(process, timeout: timeout)
        } catch {
            throw DeployTargetError("cannot run \(ssh): \(error)")
        }
        guard result.status.isSuccess else {
            let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if output.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || output.contains("Host key verification failed") {
                throw DeployTargetError(
                    "the host key of \(destination) is not the one pinned in \(knownHosts) on first use: refusing to deploy there. If the host was rebuilt, remove its line from that file"
                )
            }
            if result.status == .exited(255) {
                throw DeployTargetError("cannot reach \(destination) over SSH: \(output.split(separator: "\n").suffix(3).joined(separator: " / "))")
            }
            throw DeployTargetError("on \(destination): \(output.split(separator: "\n").suffix(20).joined(separator: "\n"))")
        }
        return result.output
    }
}

/// Releases on an SSH host: Gaara copies its own binary there once (by content hash, under
/// `~/.gaara/bin`), copies each release directory once, and runs `gaara agent` over SSH for each
/// call; the agent runs a command release with the host's ``LocalProcessTarget`` (supervised by a
/// detached `gaara supervise`, so it outlives the SSH session) and an image release with the host's
/// ``LocalContainerTarget`` (its own Docker engine), both listening on every address, and the
/// router reaches them at the host's address. The host needs sshd, and Docker for image services.
public struct SSHTarget: DeployTarget {
    /// The host.
    public let destination: SSHDestination
    /// How it is reached.
    public let session: SSHSession
    /// The folder of this environment's releases on the host, relative to the SSH user's home.
    public let root: String
    /// The gaara binary copied to the host (this one's, or a static build's for other machines).
    public let binary: String
    /// The deployer's environment, where its registry logins are found (`DOCKER_CONFIG`, `HOME`).
    public let dockerEnvironment: [String: String]

    /// A target for `destination`; `scope` tells this environment's releases from others' there.
    public init(
        destination: SSHDestination, session: SSHSession, scope: String, binary: String,
        dockerEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.dockerEnvironment = dockerEnvironment
        self.destination = destination
        self.session = session
        self.root = ".gaara/agent/\(scope)"
        self.binary = binary
    }

    /// Hosts whose agent is known to be in place, by destination and binary hash.
    private static let installed = Mutex<Set<String>>([])
    /// Binary hashes by path, size and time (hashing a 100 MB binary takes a while).
    private static let hashes = Mutex<[String: String]>([:])

    /// Starts (or adopts) the release on the host; see ``DeployTarget``. A command release's directory
    /// is copied there first; an image release is pulled by the host's engine with the deployer's
    /// registry login (sent with the request, kept on the host only for the pull).
    public func start(_ release: ReleaseSpec) async throws -> TargetEndpoint {
        let agent = try await installAgent()
        var remote = release
        var login: RegistryCredentials.Login?
        switch release.artifact {
        case .command(let command, let directory):
            let source = "\(root)/sources/\(release.release)"
            try await upload(directory, to: source)
            remote.artifact = .command(command, directory: source)
        case .image(let image, _):
            login = try await RegistryCredentials.login(for: image, environment: dockerEnvironment)
        }
        let answer = try await call(agent, "start", request: AgentRequest(release: remote, registryLogin: login))
        guard let port = answer.port else { throw DeployTargetError("\(release.release) on \(destination): the agent named no port") }
        return TargetEndpoint(host: destination.host, port: port)
    }

    /// Stops the release on the host.
    public func stop(_ release: ReleaseSpec) async throws {
        _ = try await call(try await installAgent(), "stop", request: AgentRequest(release: release))
    }

    /// Deletes the stopped release's folder and its copied files on the host.
    public func remove(_ release: ReleaseSpec) async throws {
        _ = try await call(try await installAgent(), "remove", request: AgentRequest(release: release))
        _ = try await session.run("rm -rf \(Self.quoted("\(root)/sources/\(release.release)"))", on: destination)
    }

    /// The releases of `service` running on the host.
    public func running(service: String) async throws -> [String] {
        let agent = try await installAgent()
        let output = try await session.run("\(agent) agent running --root \(root) --service \(Self.quoted(service))", on: destination)
        return try Self.answer(output).releases ?? []
    }

    /// The release's last log lines on the host.
    public func logTail(_ release: ReleaseSpec, lines: Int) async -> String {
        guard let agent = try? await installAgent(),
            let answer = try? await call(agent, "logs", request: AgentRequest(release: release), extra: "--lines \(lines)")
        else {
            return ""
        }
        return answer.log ?? ""
    }

    /// The host's counters and this environment's containers there, read by its agent.
    public func hostReading() async throws -> HostReading {
        let agent = try await installAgent()
        let output = try await session.run("\(agent) agent metrics --root \(root)", on: destination, timeout: 30)
        guard let reading = try Self.answer(output).reading else { throw DeployTargetError("the agent on \(destination) sent no metrics") }
        return reading
    }

    /// Copies the binary to `~/.gaara/bin/gaara-HASH` unless it is there; returns that path.
    func installAgent() async throws -> String {
        let hash = try Self.hash(binary)
        let path = ".gaara/bin/gaara-\(hash)"
        let key = "\(destination)\t\(hash)"
        if Self.installed.withLock({ $0.contains(key) }) { return path }
        let present = try await session.run("test -x \(path) && echo present || echo absent", on: destination)
        if !present.contains("present") {
            // Written aside and renamed: a copy cut short never passes for the binary. Builds older
            // than a day go (a release's supervisor keeps running from its deleted file).
            _ = try await session.run(
                "mkdir -p .gaara/bin && cat > \(path).part.$$ && chmod 755 \(path).part.$$ && mv \(path).part.$$ \(path)"
                    + " && find .gaara/bin -name 'gaara-*' ! -name 'gaara-\(hash)' -mtime +1 -delete", on: destination, input: binary)
        }
        Self.installed.withLock { _ = $0.insert(key) }
        return path
    }

    /// Copies `directory` to `remote` on the host unless it is there (a release's files never change).
    private func upload(_ directory: String, to remote: String) async throws {
        let quoted = Self.quoted(remote)
        let present = try await session.run("test -d \(quoted) && echo present || echo absent", on: destination)
        guard !present.contains("present") else { return }
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-release-\(UUID().uuidString).tar").path
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let packed = try await ChildProcess.capture(
            ChildProcess.Command("tar", ["-C", directory, "-cf", archive, "."], environment: ProcessInfo.processInfo.environment), timeout: 300)
        guard packed.status.isSuccess else { throw DeployTargetError("cannot pack \(directory): \(packed.output)") }
        _ = try await session.run(
            "rm -rf \(Self.quoted(remote + ".part")) && mkdir -p \(Self.quoted(remote + ".part")) && tar -C \(Self.quoted(remote + ".part")) -xf -"
                + " && mv \(Self.quoted(remote + ".part")) \(quoted)", on: destination, input: archive)
    }

    /// Runs `gaara agent ACTION` with the request on standard input (a private file here).
    private func call(_ agent: String, _ action: String, request: AgentRequest, extra: String = "") async throws -> AgentAnswer {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-spec-\(UUID().uuidString).json").path
        guard FileManager.default.createFile(atPath: file, contents: try JSONEncoder().encode(request), attributes: [.posixPermissions: 0o600])
        else { throw DeployTargetError("cannot write \(file)") }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try await session.run("\(agent) agent \(action) --root \(root) \(extra)", on: destination, input: file)
        return try Self.answer(output)
    }

    /// The agent's answer: its last line of output.
    static func answer(_ output: String) throws -> AgentAnswer {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
            let answer = try? JSONDecoder().decode(AgentAnswer.self, from: Data(line.utf8))
        else { throw DeployTargetError("the deploy agent answered something else: \(output.suffix(300))") }
        return answer
    }

    /// The first 16 hex digits of the file's SHA-256, remembered by path, size and time.
    static func hash(_ path: String) throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key = "\(path)\t\(attributes?[.size] as? Int ?? 0)\t\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        if let known = hashes.withLock({ $0[key] }) { return known }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DeployTargetError("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        let hash = hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
        hashes.withLock { $0[key] = hash }
        return hash
    }

    /// `'text'` for a POSIX shell.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
