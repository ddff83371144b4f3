import Foundation
import GaaraEngine
import GaaraWorkflow
import Synchronization
import Testing

@testable import GaaraRunner

/// A workflow run on a ``RecordingBackend``: what the backend was asked, and what the run reported.
struct RecordedRun {
    /// The run's outcome.
    let outcome: WorkflowRunner.Outcome
    /// The backend's record.
    let backend: RecordingBackend
    /// Every event the observer saw, in order.
    let events: [RunEvent]
    /// The output lines the observer saw, masked.
    let lines: [String]

    /// Runs `yaml` (a workflow pushed to `main`) with the backend answering through `reply`.
    static func run(
        _ yaml: String, secrets: [String: String] = [:],
        reply: @escaping @Sendable (StepCommand) -> RecordingBackend.Reply = RecordingBackend.replyFromEnvironment
    ) async throws -> RecordedRun {
        let loaded = WorkflowLoader.load(text: yaml, path: ".github/workflows/test.yml")
        let workflow = try #require(loaded.workflow, "\(loaded.diagnostics)")
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-runner-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = RunConfiguration(
            repository: directory, runDirectory: directory.appendingPathComponent("run"), cacheDirectory: directory.appendingPathComponent("cache"),
            event: TriggerEvent(name: "push", ref: "refs/heads/main"), sha: String(repeating: "a", count: 40), repositoryName: "acme/app",
            actor: "tester", runID: "1", runNumber: 1)
        configuration.secrets = secrets
        configuration.baseEnvironment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"]
        let backend = RecordingBackend(reply: reply)
        configuration.makeBackend = backend.factory
        let observer = CollectingObserver()
        let outcome = await WorkflowRunner(workflow: workflow, configuration: configuration, observer: observer).run()
        return RecordedRun(outcome: outcome, backend: backend, events: observer.events, lines: observer.lines)
    }

    /// The results of the steps of `job` that finished (run or skipped), in order.
    func steps(of job: String) -> [StepResult] {
        events.compactMap { event in
            guard case .stepFinished(let label, let result) = event, label.id == job else { return nil }
            return result
        }
    }

    /// The result of the step named `name` in `job`.
    func step(_ name: String, of job: String) throws -> StepResult {
        try #require(steps(of: job).first { $0.name == name }, "no step '\(name)' in \(job)")
    }
}

/// Keeps every event and output line of a run.
final class CollectingObserver: RunObserver {
    private let state = Mutex<(events: [RunEvent], lines: [String])>(([], []))

    /// The events so far.
    var events: [RunEvent] { state.withLock { $0.events } }
    /// The output lines so far.
    var lines: [String] { state.withLock { $0.lines } }

    func handle(_ event: RunEvent) {
        state.withLock { $0.events.append(event) }
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .newlines)
        state.withLock { $0.lines.append(text) }
    }
}
