import Foundation
import GaaraProcess

/// The commands a rollout runs in the repository — smoke tests, the pre-rollback hook, command
/// metrics — and the git history it reads (an incident's commits, DORA's lead times).
enum RepositoryCommand {
    /// `/bin/sh -c command` in `directory`, with this process's environment and `variables` over it;
    /// the exit status and the merged output.
    static func shell(_ command: String, variables: [String: String], in directory: URL, timeout: Double) async throws(SpawnError) -> (
        status: ExitStatus, output: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(variables) { $1 }
        return try await ChildProcess.capture(
            ChildProcess.Command("/bin/sh", ["-c", command], environment: environment, workingDirectory: directory.path), timeout: timeout)
    }

    /// Runs a hook (`what`: smoke tests, the pre-rollback command) for at most 5 minutes; a failure
    /// throws with its exit status and last 20 lines.
    static func hook(_ command: String, what: String, variables: [String: String], in directory: URL) async throws {
        let result = try await shell(command, variables: variables, in: directory, timeout: 300)
        let tail = result.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
        guard result.status.isSuccess else { throw DeployTargetError("\(what) failed (\(result.status)):\n\(tail)") }
    }

    /// `git -C directory ARGUMENTS`: its output's lines; nil when git fails (no repository, a commit
    /// it does not have).
    static func git(_ arguments: [String], in directory: URL) async -> [String]? {
        guard
            let result = try? await ChildProcess.capture(
                ChildProcess.Command("/usr/bin/env", ["git", "-C", directory.path] + arguments, environment: ProcessInfo.processInfo.environment),
                timeout: 30),
            result.status.isSuccess
        else { return nil }
        return result.output.split(separator: "\n").map(String.init)
    }
}
