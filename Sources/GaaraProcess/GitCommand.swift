import Foundation

/// A git command that failed: it could not start, or it exited with a failure.
public struct GitError: Error, Sendable, CustomStringConvertible {
    /// The arguments.
    public let arguments: [String]
    /// What git printed (or why it did not start).
    public let output: String

    /// Creates an error.
    public init(arguments: [String], output: String) {
        self.arguments = arguments
        self.output = output
    }

    /// `git fetch ...: fatal: ...`.
    public var description: String {
        "git \(arguments.prefix(3).joined(separator: " ")): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// Runs the git executable: the one way `gaara run` and the server start git.
public enum GitCommand {
    /// Runs `git arguments` in `directory` with the process's environment plus `environment`,
    /// and returns what it printed (stdout and stderr, untrimmed).
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Double) async throws(GitError)
        -> String
    {
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(.init("git", arguments, environment: merged, workingDirectory: directory.path), timeout: timeout)
        } catch {
            throw GitError(arguments: arguments, output: error.description)
        }
        guard result.status.isSuccess else { throw GitError(arguments: arguments, output: result.output) }
        return result.output
    }
}
