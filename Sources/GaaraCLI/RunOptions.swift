import ArgumentParser
import Foundation
import GaaraEngine
import GaaraProcess
import GaaraRunner
import GaaraWorkflow

#if canImport(Glibc)
    import Glibc
#endif

/// What `gaara run` was asked to do, as plain values, and doing it. ``RunCommand`` (ArgumentParser)
/// fills it for help, errors and unusual spellings; ``parse(_:)`` fills it for the common ones
/// without ArgumentParser, whose reflection over the command tree cost 4–5 ms of every run.
struct RunOptions {
    /// The event (`push` by default).
    var event = "push"
    /// `-C`: the folder to run in.
    var directory: String?
    /// `-W`: workflow files or folders.
    var workflows: [String] = []
    /// `-j`: the jobs to run (with what they need).
    var job: [String] = []
    /// `--input NAME=VALUE`.
    var inputs: [String] = []
    /// `--event-path`: the event payload file.
    var eventPath: String?
    /// `--secret NAME[=VALUE]`.
    var secrets: [String] = []
    /// `--secret-file [ENV=]FILE`: dotenv files of secrets (of one environment's jobs with `ENV=`).
    var secretFiles: [String] = []
    /// `--approve ENV`: environments whose jobs may deploy without asking.
    var approvals: [String] = []
    /// `--protect ENV`: environments that need an approval (default: production).
    var protections: [String] = []
    /// `--var NAME=VALUE`.
    var variables: [String] = []
    /// `--jobs`: how many jobs run at once.
    var parallelJobs: Int?
    /// `--list`: list the jobs and exit.
    var list = false
    /// `--graph`: print the job graph and exit.
    var graph = false
    /// `--json`: JSON event lines instead of the live log.
    var json = false
    /// `--run-dir`: where runs are kept.
    var runDirectory: String?
    /// `--debug`: show `::debug::` lines.
    var debug = false

    /// Options that take one value, repeatable ones, and flags, by their spelling.
    private static let valueOptions: [String: WritableKeyPath<RunOptions, String?> & Sendable] = [
        "-C": \.directory, "--directory": \.directory, "--event-path": \.eventPath, "--run-dir": \.runDirectory,
    ]
    private static let repeatedOptions: [String: WritableKeyPath<RunOptions, [String]> & Sendable] = [
        "-W": \.workflows, "--workflow": \.workflows, "-j": \.job, "--job": \.job, "--input": \.inputs, "--secret": \.secrets,
        "--secret-file": \.secretFiles, "--var": \.variables,
        "--approve": \.approvals, "--protect": \.protections,
    ]
    private static let flags: [String: WritableKeyPath<RunOptions, Bool> & Sendable] = [
        "--list": \.list, "--graph": \.graph, "--json": \.json, "--debug": \.debug,
    ]

    /// The options of `gaara run ARGUMENTS` when every argument is one of ``RunCommand``'s in a
    /// plain spelling (`-W FILE`, `--jobs 2`, `--jobs=2`, `--json`, one event); nil for anything
    /// else (help, an unknown or incomplete option, a value that looks like an option), which
    /// ArgumentParser then parses and words errors for.
    static func parse(_ arguments: [String]) -> RunOptions? {
        var options = RunOptions()
        var sawEvent = false
        var index = 0
        while index < arguments.count {
            var name = arguments[index]
            var value: String?
            if name.hasPrefix("--"), let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            /// The option's value: after `=`, else the next argument (which must not look like an option).
            func take() -> String? {
                if let value { return value }
                index += 1
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                return arguments[index]
            }
            if let field = Self.valueOptions[name] {
                guard let text = take() else { return nil }
                options[keyPath: field] = text
            } else if let field = Self.repeatedOptions[name] {
                guard let text = take() else { return nil }
                options[keyPath: field].append(text)
            } else if let field = Self.flags[name] {
                guard value == nil else { return nil }
                options[keyPath: field] = true
            } else if name == "--jobs" {
                guard let text = take(), let count = Int(text) else { return nil }
                options.parallelJobs = count
            } else {
                guard !name.hasPrefix("-"), !sawEvent else { return nil }
                options.event = name
                sawEvent = true
            }
            index += 1
        }
        return options
    }

    /// Splits `--secret-file ENV=FILE` from `--secret-file FILE`: the `ENV=` form when the text has
    /// an `=` after a name that holds no `/` and no file has the whole text as its path.
    static func environmentFile(_ item: String, cwd: URL) -> (environment: String?, file: String) {
        guard let equals = item.firstIndex(of: "="), equals != item.startIndex, !item[..<equals].contains("/"),
            !FileManager.default.fileExists(atPath: URL(fileURLWithPath: item, relativeTo: cwd).path)
        else { return (nil, item) }
        return (String(item[..<equals]), String(item[item.index(after: equals)...]))
    }

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
        let root = RunCommand.projectRoot(from: start, stop: top) ?? top ?? WorkflowDiscovery.repositoryRoot(from: start)
        // The git reads run while the workflows load: git's processes take the other core.
        async let defaultBranchLookup = LocalRepository.defaultBranch(in: top ?? root, isGit: top != nil)
        async let repositoryLookup = LocalRepository.read(top ?? root, isGit: top != nil)
        let loaded = try loadWorkflows(root: root, cwd: cwd)
        var repository = await repositoryLookup
        if let top, root.path != top.path, root.path.hasPrefix(top.path + "/") {
            repository.prefix = String(root.path.dropFirst(top.path.count + 1))
        }
        // Path filters need the changed files only when some workflow filters on paths.
        let filtersPaths = loaded.contains { workflow in workflow.triggers.events.contains { $0.paths != nil || $0.pathsIgnore != nil } }
        let changed = filtersPaths && (event == "push" || event.hasPrefix("pull_request")) ? await repository.changedFiles() : nil
        let defaultBranch = await defaultBranchLookup ?? repository.branch ?? "main"
        let parsedInputs = try RunCommand.pairs(inputs, option: "--input")
        let trigger = try LocalEvent.make(
            name: event, repository: repository, payloadFile: eventPath.map { URL(fileURLWithPath: $0, relativeTo: cwd) }, inputs: parsedInputs,
            changedFiles: changed, defaultBranch: defaultBranch)

        // An event GitHub never sends is a typo: no workflow can listen to it, so nothing would run.
        guard WorkflowLoader.eventNames.contains(event) else {
            throw CLIFailure(
                .invalidInput,
                "'\(event)' is not an event GitHub sends, so no workflow listens to it\(Suggestion.hint(for: event, in: WorkflowLoader.eventNames))")
        }
        var selected: [Workflow] = []
        for workflow in loaded {
            switch EventMatcher.decide(workflow, trigger) {
            case .matches: selected.append(workflow)
            case .skipped(let reason):
                FileHandle.standardError.write(Data("gaara: \(workflow.path): not run — \(reason)\n".utf8))
            }
        }
        // A dispatch's inputs are checked as GitHub and the server check them: a required one
        // missing, a choice not among its options or a number that is none stops the run before it
        // starts. An input no workflow declares is refused when one workflow is dispatched.
        if event == "workflow_dispatch" {
            for workflow in selected {
                guard let dispatch = workflow.triggers["workflow_dispatch"] else { continue }
                do {
                    _ = try DispatchInputs.check(dispatch.inputs, given: parsedInputs, workflow: workflow.path, refuseUnknown: selected.count == 1)
                } catch {
                    let message = error.message.hasPrefix(workflow.path) ? error.message : "\(workflow.path): \(error.message)"
                    throw CLIFailure(.invalidInput, message)
                }
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
        try FastFile.makeDirectories(runsRoot.path)
        let ignore = runsRoot.appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) { try? "*\n".write(to: ignore, atomically: true, encoding: .utf8) }
        let number = ((try? FileManager.default.contentsOfDirectory(atPath: runsRoot.path)) ?? []).compactMap(Int.init).max().map { $0 + 1 } ?? 1
        let runDirectory = runsRoot.appendingPathComponent(String(number))
        try FastFile.makeDirectories(runDirectory.path)

        var secretValues: [String: String] = [:]
        var environmentSecrets: [String: [String: String]] = [:]
        for item in secretFiles {
            let (environment, file) = Self.environmentFile(item, cwd: cwd)
            let values = try Dotenv.read(URL(fileURLWithPath: file, relativeTo: cwd))
            if let environment {
                environmentSecrets[environment, default: [:]].merge(values) { $1 }
            } else {
                secretValues.merge(values) { $1 }
            }
        }
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
            $0.jobs.contains { $0.steps.flatMap(\.expanded).contains { $0.uses?.name?.lowercased() == "actions/checkout" } || $0.call != nil }
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
        configuration.variables = try RunCommand.pairs(variables, option: "--var")
        if let parallelJobs { configuration.maxParallelJobs = max(1, parallelJobs) }
        if !job.isEmpty { configuration.onlyJobs = Set(job) }
        configuration.debug = debug
        configuration.environments = LocalEnvironmentGate(
            approved: Set(approvals), protected: Set(protections.isEmpty ? ["production"] : protections), secrets: environmentSecrets,
            runDirectory: runDirectory, ref: trigger.ref ?? "", sha: repository.sha, actor: repository.actor)
        // `gaara deploy` in a job keeps the environment's releases and router with the repository,
        // not in the job's workspace, which the next run does not see.
        if configuration.baseEnvironment[DeployContext.folderVariable] == nil {
            configuration.baseEnvironment[DeployContext.folderVariable] = root.appendingPathComponent(".gaara/deploy").path
        }
        // Steps can call this gaara (for `gaara gate`, `gaara deploy`): its folder goes at the end of PATH.
        if let executable = GaaraCommand.executable {
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

}
