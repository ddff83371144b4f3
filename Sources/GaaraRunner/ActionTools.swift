import Foundation
import GaaraProcess

/// What the built-in actions (checkout, caches, artifacts, setup) get from their job: the run's
/// settings, the job's folders, and the runner's own helper processes (git, tar), whose output goes
/// to the step's log. Those run as the runner on this machine, never through the ``StepBackend``:
/// they are Gaara's work, not the workflow author's.
struct ActionTools: Sendable {
    /// The run's configuration.
    let configuration: RunConfiguration
    /// The job's folders.
    let paths: JobPaths

    /// The environment of the runner's own tools. Under a ``StepIsolation`` with another user the
    /// workspace belongs to that user, and git would refuse to work in it ("dubious ownership").
    func environment(_ environment: [String: String]) -> [String: String] {
        guard configuration.isolation?.user != nil else { return environment }
        var environment = environment
        environment["GIT_CONFIG_COUNT"] = "1"
        environment["GIT_CONFIG_KEY_0"] = "safe.directory"
        environment["GIT_CONFIG_VALUE_0"] = "*"
        return environment
    }

    /// Runs a helper command for a built-in action, its output going to the step log.
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil, invocation: StepInvocation) async throws {
        try await run(
            executable, arguments, in: directory, environment: invocation.environment, output: invocation.output, timeout: invocation.timeout)
    }

    /// Runs a helper command with `environment`, its output going to `output`.
    func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String], output: StepOutputProcessor,
        timeout: Double?
    ) async throws {
        let command = ChildProcess.Command(executable, arguments, environment: self.environment(environment), workingDirectory: directory)
        let result: ChildProcess.Termination
        do {
            result = try await ChildProcess.run(command, timeout: timeout) { output.consume($0) }
        } catch {
            throw RunnerError("\(error)")
        }
        guard result.status.isSuccess else {
            throw RunnerError("\(executable) \(arguments.joined(separator: " ")) failed with \(result.status)")
        }
    }

    /// Runs a helper command and returns its output.
    func capture(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]) async throws -> String {
        let command = ChildProcess.Command(executable, arguments, environment: self.environment(environment), workingDirectory: directory)
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(command)
        } catch {
            throw RunnerError("\(error)")
        }
        guard result.status.isSuccess else {
            throw RunnerError("\(executable) \(arguments.joined(separator: " ")) failed with \(result.status): \(result.output)")
        }
        return result.output
    }

    /// Creates `folder` (and its parents) readable by the runner only: for credentials, build secrets
    /// and scratch space other users of the machine must not read.
    static func makePrivateFolder(_ folder: URL) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        } catch {
            throw RunnerError("could not create the private folder \(folder.path)", kind: .file, cause: error)
        }
    }

    /// Under a ``StepIsolation``, refuses a path outside this run's folder (after resolving
    /// symbolic links, also of the folders above a path that does not exist yet): built-in actions
    /// read and write as the server, so `path: /etc/shadow` or a link a step made to the data
    /// directory must not reach them. Without isolation every path is allowed, as on GitHub.
    func requireInsideRun(_ path: String, for action: String) throws {
        guard configuration.isolation != nil else { return }
        let run = configuration.runDirectory.resolvingSymlinksInPath().path
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        let resolved = rest.reduce(existing.resolvingSymlinksInPath()) { $0.appendingPathComponent($1) }.path
        guard resolved == run || resolved.hasPrefix(run + "/") else {
            throw RunnerError("\(action): '\(path)' is outside the run's folders; under step isolation built-in actions only read and write there")
        }
    }
}
