import Foundation
import GaaraAPI
import GaaraEngine
import GaaraEvents
import GaaraExpressions
import GaaraRunner
import GaaraStore
import GaaraWorkflow
import Logging

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
    /// Admits jobs that name an environment.
    let desk: EnvironmentDesk
    /// Where run, job, gate and status events go (the commit-status publisher consumes statuses).
    let events: any EventSink
    let logger: Logger
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
            report(runID, "cannot start a run", error)
            return
        }
        notifier.notify(runID)
        let reference = Self.reference(run, repository: repository, serverURL: serverURL())
        events.publish(LifecycleEvent(.runStarted(reference)))
        let context = "gaara/" + run.workflowName
        await setStatus(
            repository, run,
            CommitStatusRecord(
                repositoryID: repository.id!, sha: run.sha, context: context, state: "pending", description: "running", runID: runID))
        let runDirectory = runsDirectory.appendingPathComponent(String(runID))
        var conclusion: RunConclusion
        do {
            conclusion = try await perform(run, repository: repository, directory: runDirectory, handle: handle, reference: reference)
        } catch {
            try? await store.addAnnotation(AnnotationRecord(runID: runID, job: "run", level: "error", message: String(describing: error)))
            conclusion = handle.isCancelled ? .cancelled : .failure
        }
        if handle.isCancelled, conclusion == .failure { conclusion = .cancelled }
        await recordGates(run, repository: repository, directory: runDirectory, reference: reference)
        await recordArtifacts(runID, directory: runDirectory)
        for leftover in ["source", "work", "tmp", "logs", "tool-cache", "home", ".host-tmp"] {
            try? FileManager.default.removeItem(at: runDirectory.appendingPathComponent(leftover))
        }
        do {
            try await store.finishRun(runID, conclusion: conclusion)
        } catch {
            report(runID, "cannot record the end of a run", error)
        }
        let state = conclusion == .success ? "success" : conclusion == .cancelled ? "error" : "failure"
        await setStatus(
            repository, run,
            CommitStatusRecord(
                repositoryID: repository.id!, sha: run.sha, context: context, state: state, description: "run #\(run.number): \(conclusion.rawValue)",
                runID: runID))
        events.publish(LifecycleEvent(.runFinished(reference, conclusion: conclusion.rawValue)))
        notifier.notify(runID)
    }

    /// The event stream's reference to a run.
    static func reference(_ run: RunRecord, repository: RepositoryRecord, serverURL: String) -> RunReference {
        RunReference(
            id: run.id ?? 0, repository: repository.name, workflow: run.workflowName, number: run.number, sha: run.sha, ref: run.ref,
            url: serverURL + "/runs/\(run.id ?? 0)")
    }

    private func perform(
        _ run: RunRecord, repository: RepositoryRecord, directory: URL, handle: RunHandle, reference: RunReference
    ) async throws -> RunConclusion {
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
        configuration.variables = try await Self.variables(repositoryID: repository.id!, store: store)
        configuration.environments = desk.gate(run: run, repository: repository)
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

        let recorder = RunRecorder(runID: runID, store: store, logs: logs, notifier: notifier, events: events, reference: reference, logger: logger)
        let runner = WorkflowRunner(workflow: workflow, configuration: configuration, observer: recorder, slots: slots, groups: groups)
        handle.add(runner)
        let outcome = await runner.run()
        recorder.finish()
        await recorder.drained.value
        return RunConclusion(outcome.result)
    }

    /// Turns the verdict of `gaara gate` steps (written to `gate.json`) into commit statuses.
    private func recordGates(_ run: RunRecord, repository: RepositoryRecord, directory: URL, reference: RunReference) async {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("gate.json").path),
            let verdict = try? JSONDecoder().decode(GateVerdictJSON.self, from: data)
        else { return }
        let failed = verdict.gates.filter { $0.status == "failed" }.map(\.context)
        events.publish(LifecycleEvent(.gatesEvaluated(reference, passed: verdict.passed, failed: failed)))
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

    /// Stores a commit status and publishes it (the commit-status publisher posts it upstream).
    private func setStatus(_ repository: RepositoryRecord, _ run: RunRecord, _ status: CommitStatusRecord) async {
        do {
            try await store.setStatus(status)
        } catch {
            report(run.id!, "cannot store a commit status", error, ["status.context": "\(status.context)"])
        }
        events.publish(
            LifecycleEvent(
                .commitStatus(
                    CommitStatusChange(
                        repository: repository.name, upstream: repository.upstream, sha: status.sha, context: status.context, state: status.state,
                        description: status.description, targetURL: serverURL() + "/runs/\(run.id!)", runID: run.id!))))
    }

    private func report(_ runID: Int64, _ message: Logger.Message, _ error: any Error, _ metadata: Logger.Metadata = [:]) {
        logger.error(message, metadata: metadata.merging(["run.id": "\(runID)", "error": "\(error)"]) { $1 })
    }

    /// The variables every job of a repository's runs sees: the server's, overridden by the
    /// repository's (an environment's come with its release, after its rules pass).
    static func variables(repositoryID: Int64, store: Store) async throws -> [String: String] {
        var result: [String: String] = [:]
        let records = try await store.variables(repositoryID: repositoryID).filter { $0.environment.isEmpty }
        for record in records.sorted(by: { ($0.repositoryID == nil ? 0 : 1) < ($1.repositoryID == nil ? 0 : 1) }) {
            result[record.name] = record.value
        }
        return result
    }

    static func decode<T: Decodable>(_ text: String, as type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
