import ArgumentParser
import Foundation
import GaaraDeploy
import GaaraProcess

/// `gaara supervise`: keeps one release's process running after the `gaara deploy` that started it
/// has ended (started by the local process target in a session of its own; not for users).
struct SuperviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise", abstract: "Keep one release's process running (started by gaara deploy).", shouldDisplay: false)

    @Option(help: "The release's folder (its record and output.log).")
    var folder: String

    @Option(help: "The loopback port the release listens on.")
    var port: Int

    @Option(help: "Seconds between the stop signal and a kill.")
    var grace: Double = 10

    @Option(help: "The working directory of the release.")
    var directory: String

    @Argument(parsing: .captureForPassthrough, help: "-- then the command.")
    var command: [String] = []

    func run() async throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard let executable = arguments.first else { throw CLIFailure(.invalidInput, "supervise: no command after --") }
        let supervisor = ProcessSupervisor(
            command: ChildProcess.Command(
                executable, Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment, workingDirectory: directory),
            endpoint: TargetEndpoint(host: "127.0.0.1", port: port), folder: URL(fileURLWithPath: folder), stopGrace: grace, detached: true)
        // SIGTERM (gaara undeploy, a rollout's stop) ends the release with its grace, then this process.
        let (stopRequests, requested) = AsyncStream<Void>.makeStream()
        let interrupts = InterruptHandler { _ in requested.yield() }
        supervisor.start()
        for await _ in stopRequests { break }
        await supervisor.stop()
        interrupts.stop()
    }
}
