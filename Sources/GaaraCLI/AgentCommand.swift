import ArgumentParser
import Foundation
import GaaraDeploy

/// `gaara agent`: the deploy agent on an SSH host. `gaara deploy` copies its own binary to the host
/// (once per content hash) and runs one `gaara agent ACTION` per call over SSH; the agent performs
/// it with the host's local process target (releases listening on every address, so the router
/// reaches them from outside) and answers with one line of JSON. The release's spec, secrets
/// included, comes on standard input, never on the command line. Not for users.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run one deploy action on this host (started by gaara deploy over SSH).", shouldDisplay: false)

    @Argument(help: "start, stop, remove, running or logs.")
    var action: String

    @Option(help: "The folder holding this environment's releases on this host.")
    var root: String

    @Option(help: "The service (for running).")
    var service: String?

    @Option(help: "How many log lines (for logs).")
    var lines = 40

    func run() async throws {
        let supervisor = GaaraCommand.executable.map { [$0, "supervise"] }
        let target = LocalProcessTarget(root: URL(fileURLWithPath: root).standardizedFileURL, supervisor: supervisor, bindAddress: "0.0.0.0")
        do {
            switch action {
            case "start":
                let endpoint = try await target.start(try Self.spec())
                try Self.answer(AgentAnswer(port: endpoint.port))
            case "stop":
                try await target.stop(try Self.spec())
                try Self.answer(AgentAnswer())
            case "remove":
                try await target.remove(try Self.spec())
                try Self.answer(AgentAnswer())
            case "running":
                guard let service else { throw CLIFailure(.invalidInput, "agent running needs --service") }
                try Self.answer(AgentAnswer(releases: try await target.running(service: service)))
            case "logs":
                try Self.answer(AgentAnswer(log: await target.logTail(try Self.spec(), lines: lines)))
            default:
                throw CLIFailure(.invalidInput, "agent: unknown action '\(action)' (start, stop, remove, running, logs)")
            }
        } catch let error as DeployTargetError {
            throw CLIFailure(.failed, error.message, cause: error)
        }
    }

    /// The release, from standard input.
    static func spec() throws -> ReleaseSpec {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do {
            return try JSONDecoder().decode(ReleaseSpec.self, from: data)
        } catch {
            throw CLIFailure(.invalidInput, "agent: standard input is not a release spec: \(error)", cause: error)
        }
    }

    static func answer(_ answer: AgentAnswer) throws {
        var line = try JSONEncoder().encode(answer)
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(line)
    }
}
