import ArgumentParser
import Foundation

/// The root `gaara` command.
public struct GaaraCommand: AsyncParsableCommand {
    /// Command metadata: name, abstract and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "gaara",
        abstract: "A self-hosted CI/CD engine that runs GitHub Actions workflows.",
        subcommands: [
            RunCommand.self, ValidateCommand.self, ReportCommand.self, GateCommand.self, ServeCommand.self, RepoCommand.self, DispatchCommand.self,
            RunsCommand.self, TokenCommand.self, HookCommand.self, RouterCommand.self,
        ]
    )

    /// Creates the command.
    public init() {}

    /// Parses `arguments`, runs the command and returns the process exit code. Usage errors
    /// exit with 2 (not ArgumentParser's 64) so every command shares one convention.
    public static func runMain(_ arguments: [String]) async -> Int32 {
        do {
            var command = try fastParse(arguments) ?? parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data(((failure.plain ? "" : "gaara: ") + failure.message + "\n").utf8))
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

extension GaaraCommand {
    /// `gaara run …` parsed by `RunCommand` alone: ArgumentParser builds and reflects over the
    /// whole command tree otherwise, which costs `gaara run` several milliseconds of its start.
    /// Help requests and anything that does not parse go through the full parser, which words
    /// usage and errors as `gaara run`.
    static func fastParse(_ arguments: [String]) -> (any ParsableCommand)? {
        guard arguments.first == "run", !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "help" }) else { return nil }
        return try? RunCommand.parse(Array(arguments.dropFirst()))
    }
}

/// An error the CLI reports with a message and a specific exit code.
struct CLIFailure: Error {
    let message: String
    let exitCode: Int32
    /// Printed as is, without the `gaara: ` prefix (diagnostics that carry their own `path:line:col:`).
    var plain = false
}
