import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraRunner
import GaaraStore
import GaaraWorkflow

/// Executes one queued run with the same engine as `gaara run`: exports the commit's tree, loads
/// the workflow from it, runs it through a ``WorkflowRunner`` observed by a ``RunRecorder``, then
/// records gate results as commit statuses, artifacts, and the run's conclusion.
struct RunExecutor: Sendable {
    let store: Store
    let git: GitHost
    let logs: StepLogs
    let notifier: RunNotifier
    let runsDirectory: URL
    let cacheDirectory: URL
    let slots: JobLimiter
    let groups: ConcurrencyGroups
    let secrets: SecretBox
    let statuses: StatusPublisher
    let toolDirectories: [String]
    let serverURL: @Sendable () -> String
    let killGrace: Double
    /// How steps are confined (nil: as the server's own children).
    let isolation: StepIsolation?
    /// The value of ``LeftoverProcesses/variable`` in every step's environment.
    let stepMarker: String

    /// Runs `runID` to the end (it must be queued); never throws: failures end the run as failed
    /// with an annotation saying why.
    func execute(_ runID: Int64, handle: RunHandle) async {
        guard let run = try? await store.run(id: runID), run.status == .queued,
            let repository = try? await store.repository(id: run.repositoryID)
        else { return }
        do {
            try await store.startRun(runID)
        } catch {
            report(runID, "cannot start: \(error)")
            return
        }
        notifier.notify(runID)
        let context = "gaara/" + run.workflowName
        await setStatus(
            repository, run,
            CommitStatusRecord(
                repositoryID: repository.id!, sha: run.sha, context: context, state: "pending", description: "running", runID: runID))
        let runDirectory = runsDirectory.appendingPathComponent(String(runID))
        var conclusion: RunConclusion
        do {
            conclusion = try await perform(run, repository: repository, directory: runDirectory, handle: handle)
        } catch {
            try? await store.addAnnotation(AnnotationRecord(runID: runID, job: "run", level: "error", message: String(describing: error)))
            conclusion = handle.isCancelled ? .cancelled : .failure
        }
        if handle.isCancelled, conclusion == .failure { conclusion = .cancelled }
        await recordGates(run, repository: repository, directory: runDirectory)
        await recordArtifacts(runID, directory: runDirectory)
        for leftover in ["source", "work", "tmp", "logs", "tool-cache", "home", ".host-tmp"] {
            try? FileManager.default.removeItem(at: runDirectory.appendingPathComponent(leftover))
        }
        do {
            try await store.finishRun(runID, conclusion: conclusion)
        } catch {
            report(runID, "cannot record the end: \(error)")
        }
        let state = conclusion == .success ? "success" : conclusion == .cancelled ? "error" : "failure"
        await setStatus(
            repository, run,
            CommitStatusRecord(
                repositoryID: repository.id!, sha: run.sha, context: context, state: state, description: "run #\(run.number): \(conclusion.rawValue)",
                runID: runID))
        notifier.notify(runID)
    }

    private func perform(_ run: RunRecord, repository: RepositoryRecord, directory: URL, handle: RunHandle) async throws -> RunConclusion {
        let runID = run.id!
        let bare = URL(fileURLWithPath: repository.path)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("source")
        try await git.export(bare, commit: run.sha, to: source)
        guard let loaded = await git.workflow(bare, commit: run.sha, path: run.workflowPath)?.loaded else {
            throw TriggerError(.unknownWorkflow, "\(run.workflowPath) is not in commit \(run.sha)")
        }
        guard let workflow = loaded.workflow, !loaded.hasErrors else {
            for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
                try await store.addAnnotation(
                    AnnotationRecord(
                        runID: runID, job: "workflow", level: "error", message: diagnostic.message, file: run.workflowPath,
                        line: diagnostic.location.line))
            }
            return .failure
        }
        let payload = (try? ExpressionJSON.parse(run.payloadJSON)) ?? .object([(String, ExpressionValue)]())
        let event = TriggerEvent(
            name: run.event, ref: run.ref, baseRef: payload["pull_request"]?["base"]?["ref"]?.stringValue, action: payload["action"]?.stringValue,
            payload: payload)
        var configuration = RunConfiguration(
            repository: source, runDirectory: directory, cacheDirectory: cacheDirectory, event: event, sha: run.sha, checkoutCommit: run.sha,
            repositoryName: repository.upstream ?? repository.name, actor: run.actor, runID: String(runID), runNumber: run.number)
        configuration.gitRepository = bare
        configuration.runAttempt = run.attempt
        configuration.writesStepLogs = false  // the RunRecorder keeps them
        configuration.inputs = Self.decode(run.inputsJSON, as: [String: String].self) ?? [:]
        configuration.secrets = try await secrets.values(for: repository.id!, store: store)
        if let only = run.onlyJobsJSON, let jobs = Self.decode(only, as: [String].self) { configuration.onlyJobs = Set(jobs) }
        configuration.serverURL = serverURL()
        configuration.toolDirectories = toolDirectories
        configuration.killGrace = killGrace
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GAARA_") && !$0.key.hasPrefix("GITHUB_") }
        environment["GAARA_GATE_OUTPUT"] = directory.appendingPathComponent("gate.json").path
        // Marks every step process as this server's, so a restart after a crash can find and stop
        // them where there are no cgroups. A random value: it names no path and opens nothing.
        environment[LeftoverProcesses.variable] = stepMarker
        if let isolation {
            // Steps get a home of the run's: the server's holds its own credentials.
            let home = directory.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            environment["HOME"] = home.path
            try await isolation.prepare(runDirectory: directory.path)
            configuration.isolation = isolation
        }
        configuration.baseEnvironment = environment
        try ExpressionJSON.serialize(payload).write(to: directory.appendingPathComponent("event.json"), atomically: true, encoding: .utf8)

        let recorder = RunRecorder(runID: runID, store: store, logs: logs, notifier: notifier)
        let runner = WorkflowRunner(workflow: workflow, configuration: configuration, observer: recorder, slots: slots, groups: groups)
        handle.add(runner)
        let outcome = await runner.run()
        recorder.finish()
        await recorder.drained.value
        return RunConclusion(outcome.result)
    }

    /// Turns the verdict of `gaara gate` steps (written to `gate.json`) into commit statuses.
    private func recordGates(_ run: RunRecord, repository: RepositoryRecord, directory: URL) async {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("gate.json").path),
            let verdict = try? JSONDecoder().decode(GateVerdict.self, from: data)
        else { return }
        for status in verdict.statuses {
            await setStatus(
                repository, run,
                CommitStatusRecord(
                    repositoryID: repository.id!, sha: run.sha, context: status.context, state: status.state, description: status.description,
                    runID: run.id!))
        }
    }

    private func recordArtifacts(_ runID: Int64, directory: URL) async {
        let root = directory.appendingPathComponent("artifacts")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] where !name.hasPrefix(".") {
            var size: Int64 = 0
            var files = 0
            if let walker = FileManager.default.enumerator(at: root.appendingPathComponent(name), includingPropertiesForKeys: [.fileSizeKey]) {
                for case let url as URL in walker {
                    guard let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true else {
                        continue
                    }
                    size += Int64(values.fileSize ?? 0)
                    files += 1
                }
            }
            try? await store.addArtifact(ArtifactRecord(runID: runID, name: name, size: size, files: files))
        }
    }

    private func setStatus(_ repository: RepositoryRecord, _ run: RunRecord, _ status: CommitStatusRecord) async {
        do {
            try await store.setStatus(status)
        } catch {
            report(run.id!, "cannot store status \(status.context): \(error)")
        }
        statuses.publish(status, repository: repository, targetURL: serverURL() + "/runs/\(run.id!)")
    }

    private func report(_ runID: Int64, _ message: String) {
        FileHandle.standardError.write(Data("gaara serve: run \(runID): \(message)\n".utf8))
    }

    static func decode<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// The part of `gaara gate --format json` output the server reads.
struct GateVerdict: Decodable, Sendable {
    struct Status: Decodable, Sendable {
        let context: String
        let state: String
        let description: String
    }

    struct Gate: Decodable, Sendable {
        let context: String
        let name: String
        let status: String
        let measured: String
        let threshold: String
        let details: [String]
    }

    let passed: Bool
    let statuses: [Status]
    let gates: [Gate]
}
