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

    @Option(name: .customShort("C"), help: "Run in this directory instead of the current one.")
    var directory: String?

    @Option(name: .customShort("W"), help: "A workflow file or folder to run (repeatable; default: the repository's workflows).")
    var workflows: [String] = []

    @Option(name: .customShort("j"), help: "Run only this job (and the jobs it needs). Repeatable.")
    var job: [String] = []

    @Option(name: .customLong("input"), help: "A workflow_dispatch input, NAME=VALUE. Repeatable.")
    var inputs: [String] = []

    @Option(name: .customLong("event-path"), help: "A JSON file with the event payload.")
    var eventPath: String?

    @Option(name: .customLong("secret"), help: "A secret, NAME=VALUE (or NAME to take it from the environment). Repeatable.")
    var secrets: [String] = []

    @Option(name: .customLong("secret-file"), help: "A dotenv file of secrets.")
    var secretFiles: [String] = []

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
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let start = directory.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL } ?? cwd
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: start.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIFailure(.invalidInput, "\(start.path): no such directory")
        }
        // The project is the nearest folder with workflows, up to the git top level; a project in a
        // subfolder of a repository (like examples/gaara-app) runs as if it were the repository.
        let top = await LocalRepository.topLevel(from: start)
        let root = Self.projectRoot(from: start, stop: top) ?? top ?? WorkflowDiscovery.repositoryRoot(from: start)
        let loaded = try loadWorkflows(root: root, cwd: cwd)
        async let defaultBranchLookup = LocalRepository.defaultBranch(in: top ?? root, isGit: top != nil)
        var repository = await LocalRepository.read(top ?? root, isGit: top != nil)
        if let top, root.path != top.path, root.path.hasPrefix(top.path + "/") {
            repository.prefix = String(root.path.dropFirst(top.path.count + 1))
        }
        // Path filters need the changed files only when some workflow filters on paths.
        let filtersPaths = loaded.contains { workflow in workflow.triggers.events.contains { $0.paths != nil || $0.pathsIgnore != nil } }
        let changed = filtersPaths && (event == "push" || event.hasPrefix("pull_request")) ? await repository.changedFiles() : nil
        let defaultBranch = await defaultBranchLookup ?? repository.branch ?? "main"
        let parsedInputs = try Self.pairs(inputs, option: "--input")
        let trigger = try LocalEvent.make(
            name: event, repository: repository, payloadFile: eventPath.map { URL(fileURLWithPath: $0, relativeTo: cwd) }, inputs: parsedInputs,
            changedFiles: changed, defaultBranch: defaultBranch)

        var selected: [Workflow] = []
        for workflow in loaded {
            switch EventMatcher.decide(workflow, trigger) {
            case .matches: selected.append(workflow)
            case .skipped(let reason):
                FileHandle.standardError.write(Data("gaara: \(workflow.path): not run — \(reason)\n".utf8))
            }
        }
        if !job.isEmpty {
            selected = selected.filter { workflow in job.contains { workflow.job($0) != nil } }
            let known = Set(loaded.flatMap { $0.jobs.map(\.id) })
            if let missing = job.first(where: { !known.contains($0) }) {
                throw CLIFailure(.invalidInput, "no job '\(missing)' in the workflows")
            }
        }
        if list || graph {
            print(list ? JobGraphText.list(selected, only: job) : JobGraphText.graph(selected, only: job), terminator: "")
            return
        }
        guard !selected.isEmpty else {
            FileHandle.standardError.write(Data("gaara: no workflow runs for '\(event)'\n".utf8))
            return
        }
        try await execute(selected, root: root, repository: repository, trigger: trigger, inputs: parsedInputs, cwd: cwd)
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

    /// Loads and validates the workflows; any error is bad input (exit 2).
    func loadWorkflows(root: URL, cwd: URL) throws -> [Workflow] {
        let files = try WorkflowDiscovery.expand(workflows, currentDirectory: workflows.isEmpty ? root : cwd).filter { $0.1 == .workflow }
        var result: [Workflow] = []
        var failures = ""
        for (url, _) in files {
            let display =
                url.standardizedFileURL.path.hasPrefix(root.path + "/")
                ? String(url.standardizedFileURL.path.dropFirst(root.path.count + 1)) : url.path
            let text = try WorkflowDiscovery.read(url, displayPath: display)
            let loaded = WorkflowLoader.load(text: text, path: display)
            if loaded.hasErrors {
                failures += DiagnosticRenderer.render(loaded.diagnostics.filter { $0.severity == .error }, in: loaded.file)
            } else if let workflow = loaded.workflow {
                result.append(workflow)
            }
        }
        if !failures.isEmpty {
            FileHandle.standardError.write(Data(failures.utf8))
            throw CLIFailure(.invalidInput, "fix the workflow errors above first")
        }
        return result
    }

    func execute(_ selected: [Workflow], root: URL, repository: LocalRepository, trigger: TriggerEvent, inputs: [String: String], cwd: URL)
        async throws
    {
        let runsRoot =
            runDirectory.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL } ?? root.appendingPathComponent(".gaara/runs")
        try FileManager.default.createDirectory(at: runsRoot, withIntermediateDirectories: true)
        let ignore = runsRoot.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) { try? "*\n".write(to: ignore, atomically: true, encoding: .utf8) }
        let number = ((try? FileManager.default.contentsOfDirectory(atPath: runsRoot.path)) ?? []).compactMap(Int.init).max().map { $0 + 1 } ?? 1
        let runDirectory = runsRoot.appendingPathComponent(String(number))
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)

        var secretValues: [String: String] = [:]
        for file in secretFiles { secretValues.merge(try Dotenv.read(URL(fileURLWithPath: file, relativeTo: cwd))) { $1 } }
        for item in secrets {
            if let equals = item.firstIndex(of: "=") {
                secretValues[String(item[..<equals])] = String(item[item.index(after: equals)...])
            } else if let value = ProcessInfo.processInfo.environment[item] {
                secretValues[item] = value
            } else {
                throw CLIFailure(.invalidInput, "--secret \(item): no value given and no such environment variable")
            }
        }
        let usesCheckout = selected.contains {
            $0.jobs.contains { $0.steps.contains { $0.uses?.name?.lowercased() == "actions/checkout" } || $0.call != nil }
        }
        let snapshot = usesCheckout ? await repository.snapshotCommit(scratch: runDirectory) : nil

        var configuration = RunConfiguration(
            repository: root, runDirectory: runDirectory,
            cacheDirectory: URL(fileURLWithPath: ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache")
                .appendingPathComponent("gaara/actions-cache"),
            event: trigger, sha: repository.sha, checkoutCommit: snapshot, repositoryName: repository.name, actor: repository.actor,
            runID: String(UInt64(Date().timeIntervalSince1970 * 1000) % 10_000_000_000), runNumber: number)
        configuration.gitRepository = repository.root
        configuration.inputs = inputs
        configuration.secrets = secretValues
        configuration.variables = try Self.pairs(variables, option: "--var")
        if let parallelJobs { configuration.maxParallelJobs = max(1, parallelJobs) }
        if !job.isEmpty { configuration.onlyJobs = Set(job) }
        configuration.debug = debug
        // Steps can call this gaara (for `gaara gate`): its folder goes at the end of PATH.
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            configuration.toolDirectories = [URL(fileURLWithPath: executable).deletingLastPathComponent().path]
        }
        try ExpressionJSONFile.write(trigger.payload, to: runDirectory.appendingPathComponent("event.json"))

        let console = json ? nil : ConsoleReporter()
        let observer: any RunObserver = console ?? JSONEventReporter()
        let slots = JobLimiter(limit: configuration.maxParallelJobs)
        let groups = ConcurrencyGroups()
        let started = Date()
        let runners = selected.map {
            WorkflowRunner(
                workflow: $0, configuration: configuration, observer: console?.scoped(to: $0.path) ?? observer, slots: slots, groups: groups)
        }
        let interrupts = InterruptHandler { count in
            if count == 1 {
                FileHandle.standardError.write(Data("\ngaara: cancelling (SIGTERM to running steps; Ctrl-C again to kill everything)\n".utf8))
                for runner in runners { runner.cancel() }
            } else {
                FileHandle.standardError.write(Data("\ngaara: killing every process\n".utf8))
                ChildProcess.killAll()
                Glibc.exit(130)
            }
        }
        let results = await withTaskGroup(of: JobResult.self) { group in
            for runner in runners { group.addTask { await runner.run().result } }
            var results: [JobResult] = []
            for await result in group { results.append(result) }
            return results
        }
        interrupts.stop()
        ChildProcess.killAll()
        let status: Int32 = interrupts.count > 0 ? 130 : results.contains(.failure) || results.contains(.cancelled) ? 1 : 0
        console?.finish(exitStatus: status, duration: Date().timeIntervalSince(started))
        if status != 0 { throw ExitCode(status) }
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
