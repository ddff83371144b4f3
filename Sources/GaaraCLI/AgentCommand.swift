import ArgumentParser
import Foundation
import GaaraAlerts
import GaaraDeploy

/// `gaara agent`: the deploy agent on an SSH host. `gaara deploy` copies its own binary to the host
/// (once per content hash) and runs one `gaara agent ACTION` per call over SSH; the agent performs
/// it with the host's local process target (a command release) or its Docker engine (an image
/// release, pulled with the deployer's registry login), releases listening on every address so the
/// router reaches them from outside, and answers with one line of JSON. The request (the release's
/// spec with its secrets, the login) comes on standard input, never on the command line. Not for users.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run one deploy action on this host (started by gaara deploy over SSH).", shouldDisplay: false)

    @Argument(help: "start, stop, remove, running, logs or metrics.")
    var action: String

    @Option(help: "The folder holding this environment's releases on this host.")
    var root: String

    @Option(help: "The service (for running).")
    var service: String?

    @Option(help: "How many log lines (for logs).")
    var lines = 40

    func run() async throws {
        do {
            switch action {
            case "start":
                let request = try Self.request()
                if case .image(let image, _) = request.release.artifact {
                    try await containers.pullIfMissing(image, login: request.registryLogin)
                }
                let endpoint = try await target(for: request.release).start(request.release)
                try Self.answer(AgentAnswer(port: endpoint.port))
            case "stop":
                let release = try Self.request().release
                try await target(for: release).stop(release)
                try Self.answer(AgentAnswer())
            case "remove":
                let release = try Self.request().release
                try await target(for: release).remove(release)
                try Self.answer(AgentAnswer())
            case "running":
                guard let service else { throw CLIFailure(.invalidInput, "agent running needs --service") }
                // A host without Docker runs no containers; its command releases still count.
                let releases = try await processes.running(service: service) + ((try? await containers.running(service: service)) ?? [])
                try Self.answer(AgentAnswer(releases: Array(Set(releases)).sorted()))
            case "logs":
                let release = try Self.request().release
                try Self.answer(AgentAnswer(log: await target(for: release).logTail(release, lines: lines)))
            case "metrics":
                // The host's counters and this environment's containers' (the controller makes rates).
                var reading = HostMetricsSource.reading()
                reading.containers = await containers.readings()
                try Self.answer(AgentAnswer(reading: reading))
            default:
                throw CLIFailure(.invalidInput, "agent: unknown action '\(action)' (start, stop, remove, running, logs, metrics)")
            }
        } catch let error as DeployTargetError {
            throw CLIFailure(.failed, error.message, cause: error)
        }
    }

    /// The folder of this environment's releases.
    private var folder: URL { URL(fileURLWithPath: root).standardizedFileURL }

    /// Command releases: supervised processes listening on every address.
    private var processes: LocalProcessTarget {
        LocalProcessTarget(root: folder, supervisor: GaaraCommand.executable.map { [$0, "supervise"] }, bindAddress: "0.0.0.0")
    }

    /// Image releases: containers of this host's engine, published on every address.
    private var containers: LocalContainerTarget {
        LocalContainerTarget(scope: LocalContainerTarget.scope(of: folder), publishAddress: "0.0.0.0")
    }

    private func target(for release: ReleaseSpec) -> any DeployTarget {
        switch release.artifact {
        case .command: processes
        case .image: containers
        }
    }

    /// The request, from standard input.
    static func request() throws -> AgentRequest {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do {
            return try JSONDecoder().decode(AgentRequest.self, from: data)
        } catch {
            throw CLIFailure(.invalidInput, "agent: standard input is not a deploy agent request: \(error)", cause: error)
        }
    }

    static func answer(_ answer: AgentAnswer) throws {
        var line = try JSONEncoder().encode(answer)
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardOutput.write(line)
    }
}
