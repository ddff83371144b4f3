import ArgumentParser
import Foundation
import GaaraEngine
import GaaraProcess
import GaaraRunner
import GaaraWorkflow

#if canImport(Glibc)
    import Glibc
#endif

/// `gaara run`: runs the repository's workflows for an event on this machine.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the workflows that an event would start, here on the host.",
        discussion: """
            Runs every workflow whose 'on' matches EVENT (push by default), job graph and all, with live output prefixed by job. \
            Each step's log is kept under the run's directory (.gaara/runs/N). Exit status: 0 when every job succeeded, 1 when any \
            failed, 130 when cancelled (Ctrl-C), 2 for bad input.
            """
    )

    @Argument(help: "The event: push, pull_request, workflow_dispatch, schedule, ...")
    var event = "push"

    @Option(
        name: [.customShort("C"), .customLong("directory")],
        help: ArgumentHelp("Run in this directory instead of the current one.", valueName: "directory"))
    var directory: String?

    @Option(
        name: [.customShort("W"), .customLong("workflow")],
        help: ArgumentHelp("A workflow file or folder to run (repeatable; default: the repository's workflows).", valueName: "workflow"))
    var workflows: [String] = []

    @Option(
        name: [.customShort("j"), .customLong("job")], help: ArgumentHelp("Run only this job (and the jobs it needs). Repeatable.", valueName: "job"))
    var job: [String] = []

    @Option(name: .customLong("input"), help: "A workflow_dispatch input, NAME=VALUE. Repeatable.")
    var inputs: [String] = []

    @Option(name: .customLong("event-path"), help: "A JSON file with the event payload.")
    var eventPath: String?

    @Option(name: .customLong("secret"), help: "A secret, NAME=VALUE (or NAME to take it from the environment). Repeatable.")
    var secrets: [String] = []

    @Option(
        name: .customLong("secret-file"),
        help: "A dotenv file of secrets; ENV=FILE gives them only to jobs of environment ENV (after approval). Repeatable.")
    var secretFiles: [String] = []

    @Option(name: .customLong("approve"), help: "Let jobs deploy to this protected environment without asking. Repeatable.")
    var approvals: [String] = []

    @Option(
        name: .customLong("protect"),
        help: "An environment whose jobs need --approve or a 'y' at a prompt (default: production). Repeatable.")
    var protections: [String] = []

    @Option(name: .customLong("var"), help: "A configuration variable (vars context), NAME=VALUE. Repeatable.")
    var variables: [String] = []

    @Option(name: .customLong("jobs"), help: "How many jobs may run at once (default: the number of cores).")
    var parallelJobs: Int?

    @Flag(help: "List the jobs the event would run, and exit.")
    var list = false

    @Flag(help: "Print the job graph, and exit.")
    var graph = false

    @Flag(help: "Print an event stream (JSON lines) instead of the live log.")
    var json = false

    @Option(name: .customLong("run-dir"), help: "Where to keep runs (default: .gaara/runs in the repository).")
    var runDirectory: String?

    @Flag(help: "Show ::debug:: messages.")
    var debug = false

    func run() async throws {
        try await RunOptions(
            event: event, directory: directory, workflows: workflows, job: job, inputs: inputs, eventPath: eventPath, secrets: secrets,
            secretFiles: secretFiles, approvals: approvals, protections: protections, variables: variables, parallelJobs: parallelJobs, list: list,
            graph: graph, json: json,
            runDirectory: runDirectory, debug: debug
        ).run()
    }

    /// The nearest folder from `start` up to `stop` holding `.github/workflows` or `.gaara/workflows`.
    static func projectRoot(from start: URL, stop: URL?) -> URL? {
        var current = start.standardizedFileURL
        while true {
            if WorkflowDiscovery.workflowDirectories.contains(where: {
                FileManager.default.fileExists(atPath: current.appendingPathComponent($0).path)
            }) {
                return current
            }
            if let stop, current.path == stop.path { return nil }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    static func pairs(_ items: [String], option: String) throws(CLIFailure) -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw CLIFailure(.invalidInput, "\(option) \(item): expected NAME=VALUE")
            }
            result[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        return result
    }
}

/// Handles SIGINT and SIGTERM: calls `action` with the number of interrupts so far.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "gaara.signals")
    private(set) var count = 0

    init(_ action: @escaping @Sendable (Int) -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [unowned self] in
                count += 1
                action(count)
            }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        queue.sync {
            for source in sources { source.cancel() }
        }
    }
}
