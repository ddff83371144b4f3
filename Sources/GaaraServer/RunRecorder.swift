import Foundation
import GaaraAPI
import GaaraEngine
import GaaraEvents
import GaaraRunner
import GaaraStore
import Logging
import Synchronization

/// The server's ``RunObserver`` for one run: output lines go straight to the step's log file
/// (then readers are woken); events go, in order, through one task that writes them to the store.
final class RunRecorder: RunObserver {
    private struct JobLog {
        /// The running steps' logs, by step number (several while background steps run).
        var files: [Int: StepLogFile] = [:]
        var jobLevel: StepLogFile?
    }

    let runID: Int64
    private let store: Store
    private let logs: StepLogs
    private let notifier: RunNotifier
    private let events: AsyncStream<RunEvent>.Continuation
    private let open = Mutex<[JobLabel: JobLog]>([:])
    private let compressions = Mutex<[String]>([])
    /// Finishes when every event has been written to the store.
    let drained: Task<Void, Never>
    private let flusher = RepeatingTimer(milliseconds: 20)

    private let logger: Logger

    /// A recorder of run `runID`; job starts and ends also go to `lifecycle` (the event stream).
    init(runID: Int64, store: Store, logs: StepLogs, notifier: RunNotifier, events lifecycle: any EventSink, reference: RunReference, logger: Logger)
    {
        self.runID = runID
        self.store = store
        self.logs = logs
        self.notifier = notifier
        self.logger = logger
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream()
        events = continuation
        drained = Task { [store, notifier] in
            var jobIDs: [JobLabel: Int64] = [:]
            for await event in stream {
                do {
                    try await Self.record(event, runID: runID, store: store, jobIDs: &jobIDs)
                } catch {
                    logger.error("cannot record a run event", metadata: ["run.id": "\(runID)", "event": "\(event)", "error": "\(error)"])
                }
                switch event {
                case .jobStarted(let label): lifecycle.publish(LifecycleEvent(.jobStarted(reference, job: label.description)))
                case .jobFinished(let label, let result, _, _):
                    lifecycle.publish(LifecycleEvent(.jobFinished(reference, job: label.description, conclusion: result.rawValue)))
                default: break
                }
                notifier.notify(runID)
            }
        }
        flusher.start { [weak self] in self?.flushAll() }
    }

    /// Writes every buffered line and wakes the readers when there was any.
    private func flushAll() {
        let files = open.withLock { state in state.values.flatMap { Array($0.files.values) + [$0.jobLevel].compactMap { $0 } } }
        var wrote = false
        for file in files where file.flush() { wrote = true }
        if wrote { notifier.notify(runID, logOnly: true) }
    }

    /// Ends the event stream; await ``drained`` after this.
    func finish() {
        flusher.cancel()
        events.finish()
        let (pending, _) = open.withLock { state -> ([StepLogFile], Void) in
            let files = state.values.flatMap { Array($0.files.values) + [$0.jobLevel].compactMap { $0 } }
            state = [:]
            return (files, ())
        }
        for file in pending {
            file.flush()
            compress(file.path)
        }
        notifier.notify(runID, logOnly: true)
    }

    /// Paths compressed so far (for tests and retention).
    var compressedPaths: [String] { compressions.withLock { $0 } }

    func handle(_ event: RunEvent) {
        switch event {
        case .jobStarted(let label):
            let directory = logs.jobDirectory(runID: runID, key: label.id, index: label.index)
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            open.withLock { $0[label] = JobLog() }
        case .stepStarted(let label, let number, _):
            let file = try? StepLogFile(path: path(label, step: number))
            let previous = open.withLock { state -> StepLogFile? in
                var log = state[label] ?? JobLog()
                let previous = log.files[number]
                log.files[number] = file
                state[label] = log
                return previous
            }
            if let previous { close(previous) }
        case .stepFinished(let label, let result):
            let finished = open.withLock { state -> StepLogFile? in
                state[label]?.files.removeValue(forKey: result.number)
            }
            if let finished { close(finished) }
        case .jobFinished(let label, _, _, _):
            let log = open.withLock { $0.removeValue(forKey: label) }
            for file in (log.map { Array($0.files.values) } ?? []) + [log?.jobLevel].compactMap({ $0 }) { close(file) }
        default: break
        }
        events.yield(event)
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        guard let file = logFile(job, step: step) else { return }
        let flushed: Bool
        switch kind {
        case .plain: flushed = file.append(line: line)
        case .groupStart: flushed = file.append(line: line, prefix: "##[group]")
        case .groupEnd: flushed = file.append(line: line, prefix: "##[endgroup]")
        case .runner: flushed = file.append(line: line, prefix: "##[gaara]")
        }
        if flushed { notifier.notify(runID, logOnly: true) }
    }

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        guard let file = logFile(job, step: step) else { return }
        if file.append(lines: lines) { notifier.notify(runID, logOnly: true) }
    }

    /// The log a line of the job goes to: its step's while the step runs, else the job's own (step 0).
    private func logFile(_ job: JobLabel, step: Int) -> StepLogFile? {
        open.withLock { state -> StepLogFile? in
            var log = state[job] ?? JobLog()
            if let file = log.files[step] { return file }
            if log.jobLevel == nil {
                try? FileManager.default.createDirectory(
                    at: logs.jobDirectory(runID: runID, key: job.id, index: job.index), withIntermediateDirectories: true)
                log.jobLevel = try? StepLogFile(path: path(job, step: 0))
                state[job] = log
            }
            return log.jobLevel
        }
    }

    private func path(_ label: JobLabel, step: Int) -> String {
        logs.jobDirectory(runID: runID, key: label.id, index: label.index).appendingPathComponent("\(step).log").path
    }

    /// Flushes a finished step log, wakes the readers, then compresses it.
    private func close(_ file: StepLogFile) {
        file.flush()
        notifier.notify(runID, logOnly: true)
        compress(file.path)
    }

    /// Gzips a finished step log in the background (the plain file stays readable until the
    /// compressed one is complete and renamed into place).
    private func compress(_ path: String) {
        compressions.withLock { $0.append(path) }
        DispatchQueue.global(qos: .utility).async { [logger] in
            guard FileManager.default.fileExists(atPath: path) else { return }
            do {
                try Gzip.compressFile(path, to: path + ".gz")
                unlink(path)
            } catch {
                logger.error("cannot compress a step log", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
    }

    private static func record(_ event: RunEvent, runID: Int64, store: Store, jobIDs: inout [JobLabel: Int64]) async throws {
        switch event {
        case .runStarted: break
        case .jobSkipped(let job, let name, _):
            try await store.skipJob(runID: runID, key: job, name: name)
        case .jobWaiting(let label, _, _):
            jobIDs[label] = try await store.waitJob(runID: runID, key: label.id, index: label.index, name: label.name)
        case .jobStarted(let label):
            jobIDs[label] = try await store.startJob(runID: runID, key: label.id, index: label.index, name: label.name)
        case .stepStarted(let label, let number, let name):
            guard let jobID = jobIDs[label] else { return }
            try await store.startStep(jobID: jobID, number: number, name: name)
        case .stepFinished(let label, let result):
            guard let jobID = jobIDs[label] else { return }
            try await store.finishStep(
                jobID: jobID, number: result.number, name: result.name, outcome: RunConclusion(result.outcome),
                conclusion: RunConclusion(result.conclusion), error: result.error)
        case .annotation(let label, let annotation):
            try await store.addAnnotation(
                AnnotationRecord(
                    runID: runID, job: label.name, level: annotation.level.rawValue, message: annotation.message, file: annotation.file,
                    line: annotation.line))
        case .jobFinished(let label, let result, _, let outputs):
            guard let jobID = jobIDs[label] else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(outputs)) ?? Data("{}".utf8)
            try await store.finishJob(jobID, conclusion: RunConclusion(result), outputsJSON: String(decoding: data, as: UTF8.self))
        case .imagePushed(_, let image):
            try await store.addImage(
                runID: runID, job: image.job, step: image.step, name: image.name, tags: image.tags, digest: image.digest, imageID: image.imageID,
                size: image.size, sha: image.sha, createdAt: image.pushedAt.timeIntervalSince1970)
        case .runFinished: break
        }
    }
}

extension RunConclusion {
    /// The conclusion of an engine result.
    init(_ result: JobResult) {
        switch result {
        case .success: self = .success
        case .failure: self = .failure
        case .cancelled: self = .cancelled
        case .skipped: self = .skipped
        }
    }
}

/// A dispatch timer (thread-safe by Dispatch's contract) that calls a handler at a fixed interval.
final class RepeatingTimer: @unchecked Sendable {
    private let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "gaara.timer"))
    private let interval: Int

    init(milliseconds: Int) {
        interval = milliseconds
    }

    func start(_ handler: @escaping @Sendable () -> Void) {
        source.schedule(deadline: .now() + .milliseconds(interval), repeating: .milliseconds(interval), leeway: .milliseconds(interval / 4))
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
