import ArgumentParser
import Foundation
import GaaraWorkflow

/// The root `gaara` command.
public struct GaaraCommand: AsyncParsableCommand {
    /// Command metadata: name, abstract and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "gaara",
        abstract: "A self-hosted CI/CD engine that runs GitHub Actions workflows.",
        version: "gaara \(GaaraCommand.version)",
        subcommands: [
            RunCommand.self, ValidateCommand.self, ReportCommand.self, GateCommand.self, ServeCommand.self, RepoCommand.self, DispatchCommand.self,
            RunsCommand.self, TokenCommand.self, HookCommand.self, RouterCommand.self, EnvCommand.self, ApprovalsCommand.self, ApproveCommand.self,
            RejectCommand.self, SecretCommand.self, VarCommand.self, AuditCommand.self, DeployCommand.self, RollbackCommand.self,
            ReleasesCommand.self, IncidentsCommand.self, RolloutCommand.self, UndeployCommand.self, MetricsCommand.self, SuperviseCommand.self,
            AgentCommand.self, AlertsCommand.self,
        ]
    )

    /// Creates the command.
    public init() {}

    /// This build's version (`gaara --version`).
    public static let version = "0.33.0"

    /// The error for a first word that names no command (`gaara rn`, `gaara help rn`), with the
    /// closest command's name; nil when it names one.
    static func unknownCommand(_ arguments: [String]) -> CLIFailure? {
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let word = first == "help" ? arguments.dropFirst().first { !$0.hasPrefix("-") } : first
        guard let word, !names.contains(word) else { return nil }
        return CLIFailure(
            .invalidInput,
            "'\(word)' is not a gaara command\(Suggestion.hint(for: word, in: names.filter { $0 != "help" })); 'gaara --help' lists them")
    }

    /// This gaara's executable (for the processes it starts: steps' tools, the router, supervisors).
    static var executable: String? { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") }

    /// Parses `arguments`, runs the command and returns the process exit code. Usage errors
    /// exit with 2 (not ArgumentParser's 64) so every command shares one convention.
    public static func runMain(_ arguments: [String]) async -> Int32 {
        do {
            if let unknown = unknownCommand(arguments) { throw unknown }
            if arguments.first == "run", let options = RunOptions.parse(Array(arguments.dropFirst())) {
                try await options.run()
                return 0
            }
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data(((failure.plain ? "" : "gaara: ") + failure.description + "\n").utf8))
            return failure.exitCode
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            return code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue
        }
    }
}

/// An error the CLI reports: its kind (which decides the exit code), a message and the error
/// underneath when there is one.
struct CLIFailure: Error, CustomStringConvertible {
    /// What kind of failure; ``exitCode`` maps it once, where the command ends.
    enum Kind: Equatable {
        /// The arguments, files or input the user gave are wrong or unreadable (exit 2).
        case invalidInput
        /// The work was tried and failed: a server or service answered with an error (exit 1).
        case failed
        /// Worth saying, yet the command must not fail (the push hook must never refuse a push; exit 0).
        case warning
    }

    /// What kind of failure.
    let kind: Kind
    /// What went wrong, for the user.
    let message: String
    /// The error underneath, when there is one.
    var cause: (any Error)?
    /// Printed as is, without the `gaara: ` prefix (diagnostics that carry their own `path:line:col:`).
    var plain = false

    /// Creates a failure.
    init(_ kind: Kind, _ message: String, cause: (any Error)? = nil, plain: Bool = false) {
        self.kind = kind
        self.message = message
        self.cause = cause
        self.plain = plain
    }

    /// Creates a failure from the exit code it ends with, as the server client spells it.
    init(message: String, exitCode: Int32, plain: Bool = false) {
        self.init(exitCode == 0 ? .warning : exitCode == 1 ? .failed : .invalidInput, message, plain: plain)
    }

    /// The process's exit status for this kind.
    var exitCode: Int32 {
        switch kind {
        case .invalidInput: 2
        case .failed: 1
        case .warning: 0
        }
    }

    /// `message: cause`, or the message alone (also when it already says what the cause says).
    var description: String {
        guard let cause, !message.contains("\(cause)") else { return message }
        return "\(message): \(cause)"
    }
}
