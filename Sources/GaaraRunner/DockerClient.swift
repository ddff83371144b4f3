import Foundation
import GaaraProcess
import Synchronization

/// The Docker CLI the image actions drive (login, build, push, inspect) against the engine at
/// `DOCKER_HOST` or the default socket. The CLI rather than the Engine API because it already
/// speaks every credential helper, BuildKit session (secrets, cache import) and registry auth flow
/// the actions need; Gaara only picks a CLI that can build with BuildKit: one with the buildx
/// plugin (`docker buildx build --load`), or a client older than 23 whose `build` is BuildKit
/// with `DOCKER_BUILDKIT=1`. A newer client without buildx would fall back to the legacy builder,
/// which has no build secrets, so it is passed over.
struct DockerClient: Sendable {
    /// The `docker` program.
    let executable: String
    /// Whether builds go through `docker buildx build`.
    let usesBuildx: Bool
    /// The environment the CLI runs with (the step's, with the job's `DOCKER_CONFIG`).
    var environment: [String: String]

    /// CLIs already probed, by PATH: finding one costs a process or two per candidate.
    private static let found = Mutex<[String: (String, Bool)]>([:])

    /// The first `docker` on the step's PATH that can build with BuildKit. `cacheFolder` keeps the
    /// client versions already asked, by file, size and time, so later runs need not ask again.
    static func locate(environment: [String: String], cacheFolder: URL? = nil) async throws -> DockerClient {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        if let (executable, buildx) = found.withLock({ $0[path] }) {
            return DockerClient(executable: executable, usesBuildx: buildx, environment: environment)
        }
        var candidates: [String] = []
        for directory in path.split(separator: ":") {
            let file = "\(directory)/docker"
            let real = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
            if FileManager.default.isExecutableFile(atPath: file), !candidates.contains(real) { candidates.append(real) }
        }
        guard !candidates.isEmpty else {
            throw RunnerError("the docker CLI is not on PATH (the docker/* actions drive a local Docker engine through it)", kind: .process)
        }
        // Cheap probes first (a build is ~100 ms when cached; five CLI starts would add half of that):
        // the buildx plugin is a file in a known folder, and `docker --version` does not reach the engine.
        if hasBuildxPlugin(environment: environment) {
            found.withLock { $0[path] = (candidates[0], true) }
            return DockerClient(executable: candidates[0], usesBuildx: true, environment: environment)
        }
        for candidate in candidates {
            if let major = await clientMajorVersion(of: candidate, environment: environment, cacheFolder: cacheFolder), major < 23 {
                found.withLock { $0[path] = (candidate, false) }
                return DockerClient(executable: candidate, usesBuildx: false, environment: environment)
            }
        }
        throw RunnerError(
            "no docker CLI on PATH can build with BuildKit (\(candidates.joined(separator: ", "))): install the buildx plugin (docker-buildx) or use a client older than 23",
            kind: .process)
    }

    /// Whether the buildx CLI plugin is installed where the Docker CLI looks for plugins.
    static func hasBuildxPlugin(environment: [String: String]) -> Bool {
        let home = environment["DOCKER_CONFIG"] ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.docker")
        let folders = [
            home + "/cli-plugins", "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins",
        ]
        return folders.contains { FileManager.default.isExecutableFile(atPath: $0 + "/docker-buildx") }
    }

    /// The major version of a `docker` client: from the cache when the file is the one asked before,
    /// else from `docker --version` (which does not reach the engine).
    static func clientMajorVersion(of executable: String, environment: [String: String], cacheFolder: URL?) async -> Int? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: executable)
        let stamp = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(executable)\t\(attributes?[.size] as? Int ?? 0)\t\(Int(stamp))"
        let file = cacheFolder?.appendingPathComponent("docker-cli-versions.tsv")
        let known = file.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        for line in known.split(separator: "\n") where line.hasPrefix(key + "\t") {
            return Int(line.dropFirst(key.count + 1))
        }
        let command = ChildProcess.Command(executable, ["--version"], environment: environment)
        guard let result = try? await ChildProcess.capture(command, timeout: 30), result.status.isSuccess,
            let major = clientMajorVersion(result.output)
        else { return nil }
        if let file {
            let kept = known.split(separator: "\n").filter { !$0.hasPrefix(executable + "\t") }.suffix(20)
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? (kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n") + "\(key)\t\(major)\n").write(to: file, atomically: true, encoding: .utf8)
        }
        return major
    }

    /// `28` of `Docker version 28.2.2, build e6534b4`.
    static func clientMajorVersion(_ output: String) -> Int? {
        guard let range = output.range(of: "version ") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// The arguments that start a BuildKit build.
    var buildCommand: [String] { usesBuildx ? ["buildx", "build", "--load"] : ["build"] }

    /// The environment of a build (`DOCKER_BUILDKIT=1` for a client whose builder is built in).
    var buildEnvironment: [String: String] {
        var environment = environment
        if !usesBuildx { environment["DOCKER_BUILDKIT"] = "1" }
        environment["BUILDKIT_PROGRESS"] = "plain"
        return environment
    }

    /// Runs `docker arguments`, its output going to the step's log; returns that output. A failure
    /// throws `docker <verb> failed: <the lines that say why>`.
    @discardableResult
    func run(
        _ arguments: [String], verb: String, output: StepOutputProcessor, timeout: Double?, environment: [String: String]? = nil,
        inputFile: String? = nil
    ) async throws -> String {
        var command = ChildProcess.Command(executable, arguments, environment: environment ?? self.environment)
        command.inputFile = inputFile
        let collected = Mutex(Data())
        let result: ChildProcess.Termination
        do {
            result = try await ChildProcess.run(command, timeout: timeout) { chunk in
                output.consume(chunk)
                collected.withLock { $0.append(contentsOf: chunk) }
            }
        } catch {
            throw RunnerError("docker \(verb) could not start", kind: .process, cause: error)
        }
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        guard result.status.isSuccess else {
            throw RunnerError("docker \(verb) failed: \(Self.reason(in: text, status: "\(result.status)"))", kind: .process)
        }
        return text
    }

    /// Runs `docker arguments` and returns its output, without logging it.
    func capture(_ arguments: [String], verb: String) async throws -> String {
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(ChildProcess.Command(executable, arguments, environment: environment), timeout: 60)
        } catch {
            throw RunnerError("docker \(verb) could not start", kind: .process, cause: error)
        }
        guard result.status.isSuccess else {
            throw RunnerError("docker \(verb) failed: \(Self.reason(in: result.output, status: "\(result.status)"))", kind: .process)
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The engine's platform (`linux/amd64`).
    func hostPlatform() async throws -> String {
        try await capture(["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"], verb: "version")
    }

    /// The lines of a failed command's output that say why: BuildKit's `ERROR:` lines and the
    /// daemon's `Error response`, else the last lines it printed.
    static func reason(in output: String, status: String) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var errors: [String] = []
        for line in lines {
            // BuildKit's plain progress prefixes its lines with the step (`#5 ERROR: …`).
            let text = line.hasPrefix("#") ? String(line.drop { $0 != " " }.dropFirst()) : line
            let isError =
                text.hasPrefix("ERROR") || text.hasPrefix("Error") || text.hasPrefix("error") || text.hasPrefix("failed to ")
                || text.contains("connection refused") || text.contains("no such host")
            if isError, !errors.contains(text) { errors.append(text) }
        }
        let chosen = errors.isEmpty ? Array(lines.suffix(3)) : Array(errors.suffix(3))
        return chosen.isEmpty ? "exited with \(status)" : chosen.joined(separator: "; ")
    }
}
