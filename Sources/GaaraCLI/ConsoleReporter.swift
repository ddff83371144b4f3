import Foundation
import GaaraEngine
import GaaraRunner
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Prints a run live: every line prefixed with its job (colours on a terminal), step starts and
/// ends, a line as each workflow ends, and at the end (``finish(exitStatus:)``) one summary of
/// every workflow's jobs. Runners report through ``scoped(to:)`` so that jobs are told apart by
/// workflow.
final class ConsoleReporter: RunObserver {
    private struct State {
        var buffer: [UInt8] = []
        var lastFlush = DispatchTime.now().uptimeNanoseconds
        var colors: [String: String] = [:]
        var prefixes: [String: [UInt8]] = [:]
        var summary = RunSummary()
        /// Each job's running steps' names, by number: while there are several (background
        /// steps), each line carries its step's name, so that concurrent output stays readable.
        var running: [String: [Int: String]] = [:]
    }

    private let state = Mutex(State())
    private let color: Bool
    private let interactive: Bool
    private let palette = ["\u{1B}[36m", "\u{1B}[35m", "\u{1B}[33m", "\u{1B}[34m", "\u{1B}[32m", "\u{1B}[96m", "\u{1B}[95m", "\u{1B}[94m"]
    private let reset = "\u{1B}[0m"

    init(color: Bool? = nil) {
        interactive = isatty(1) == 1
        self.color = color ?? (interactive && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    private func prefix(_ job: JobLabel, in state: inout State) -> String {
        guard color else { return "[\(job.name)] " }
        let code = state.colors[job.name] ?? palette[state.colors.count % palette.count]
        state.colors[job.name] = code
        return "\(code)[\(job.name)]\(reset) "
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\(reset)" : text
    }

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        state.withLock { state in
            let head = linePrefix(job, step: step, in: &state)
            OutputLines.forEach(in: lines) { line in
                state.buffer.append(contentsOf: head)
                state.buffer.append(contentsOf: line)
                state.buffer.append(0x0A)
                if state.buffer.count > 64 * 1024 { flush(&state) }
            }
            if interactive || DispatchTime.now().uptimeNanoseconds - state.lastFlush > 50_000_000 { flush(&state) }
        }
    }

    /// `‹step name› ` for a line of a step that runs beside others of its job, else nothing.
    private func stepTag(_ job: JobLabel, step: Int, in state: State) -> String {
        guard let running = state.running[job.name], running.count > 1, let name = running[step] else { return "" }
        return paint("‹\(name)›", "2") + " "
    }

    /// The bytes put before each plain line of `job`'s step `step`, made once per job (with the
    /// step's name while it runs beside others).
    private func linePrefix(_ job: JobLabel, step: Int, in state: inout State) -> [UInt8] {
        let tag = stepTag(job, step: step, in: state)
        if !tag.isEmpty { return Array((prefix(job, in: &state) + "  " + tag).utf8) }
        if let cached = state.prefixes[job.name] { return cached }
        let bytes = Array((prefix(job, in: &state) + "  ").utf8)
        state.prefixes[job.name] = bytes
        return bytes
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        state.withLock { state in
            if kind == .plain {
                state.buffer.append(contentsOf: linePrefix(job, step: step, in: &state))
                state.buffer.append(contentsOf: line)
                state.buffer.append(0x0A)
                if interactive || state.buffer.count > 64 * 1024 {
                    flush(&state)
                } else if state.buffer.count & 0xFFF < line.count + 64 {
                    // Check the clock only now and then, not on every line.
                    if DispatchTime.now().uptimeNanoseconds - state.lastFlush > 50_000_000 { flush(&state) }
                }
                return
            }
            let head = prefix(job, in: &state)
            let tag = stepTag(job, step: step, in: state)
            switch kind {
            case .plain:
                break
            case .groupStart:
                state.buffer.append(contentsOf: (head + tag + paint("▸ ", "1")).utf8)
                state.buffer.append(contentsOf: line)
            case .groupEnd:
                return
            case .runner:
                state.buffer.append(contentsOf: head.utf8)
                state.buffer.append(contentsOf: ("  " + tag).utf8)
                if color { state.buffer.append(contentsOf: "\u{1B}[2m".utf8) }
                state.buffer.append(contentsOf: line)
                if color { state.buffer.append(contentsOf: reset.utf8) }
            }
            state.buffer.append(0x0A)
            let now = DispatchTime.now().uptimeNanoseconds
            if interactive || state.buffer.count > 64 * 1024 || now - state.lastFlush > 50_000_000 {
                flush(&state)
            }
        }
    }

    /// An observer for one workflow's runner: its events are filed under `workflow` (its path).
    func scoped(to workflow: String) -> any RunObserver {
        WorkflowScope(workflow: workflow, reporter: self)
    }

    func handle(_ event: RunEvent) {
        handle(event, workflow: "")
    }

    /// An event of the workflow at path `workflow`.
    func handle(_ event: RunEvent, workflow path: String) {
        state.withLock { state in
            var text = ""
            switch event {
            case .runStarted(let workflow, let path, _, let directory):
                _ = state.summary.workflow(path, name: workflow)
                text = paint("▶ \(workflow)", "1") + " (\(path)) — logs in \(directory)\n"
            case .jobSkipped(let job, let name, let reason):
                text = "[\(name)] " + paint("⊘ skipped: \(reason)", "2") + "\n"
                state.summary.jobs.append(RunSummary.Job(workflow: path, name: name, result: "skipped", duration: 0))
                _ = job
            case .jobWaiting(let job, _, let reason):
                text = prefix(job, in: &state) + paint("⏸ \(reason)", "33") + "\n"
            case .jobStarted(let job):
                text = prefix(job, in: &state) + paint("● job started", "1") + "\n"
            case .stepStarted(let job, let number, let name):
                state.running[job.name, default: [:]][number] = name
                text = prefix(job, in: &state) + paint("▶ \(name)", "1") + "\n"
            case .stepFinished(let job, let result):
                state.running[job.name]?.removeValue(forKey: result.number)
                guard result.outcome != .skipped else { break }
                let mark: String
                switch result.conclusion {
                case .success: mark = result.outcome == .failure ? paint("✓ (failed, continue-on-error)", "33") : paint("✓", "32")
                case .failure: mark = paint("✗", "31")
                case .cancelled: mark = paint("⊘ cancelled", "33")
                case .skipped: mark = "-"
                }
                text = prefix(job, in: &state) + "\(mark) \(result.name) " + paint("(\(Self.duration(result.duration)))", "2")
                if let error = result.error, result.conclusion != .success { text += " — " + paint(error, "31") }
                text += "\n"
            case .annotation(let job, let annotation):
                var location = ""
                if let file = annotation.file { location = "\(file)\(annotation.line.map { ":\($0)" } ?? ""): " }
                state.summary.annotations.append("\(job.name): \(annotation.level.rawValue): \(location)\(annotation.message)")
            case .imagePushed(let job, let image):
                state.summary.images.append("\(image.pinnedReference) (\(image.tags.joined(separator: ", ")))")
                text = prefix(job, in: &state) + paint("⬆ pushed \(image.pinnedReference)", "36") + "\n"
            case .jobFinished(let job, let result, let duration, _):
                state.summary.jobs.append(RunSummary.Job(workflow: path, name: job.name, result: result.rawValue, duration: duration))
                let code = result == .success ? "32" : result == .failure ? "31" : "33"
                text = prefix(job, in: &state) + paint("● job \(result.rawValue)", code) + " " + paint("(\(Self.duration(duration)))", "2") + "\n"
            case .runFinished(let workflow, let result, let duration):
                let index = state.summary.workflow(path, name: workflow)
                state.summary.workflows[index].result = result
                state.summary.workflows[index].duration = duration
                text = paint("■ \(workflow): \(result.rawValue)", "1;" + RunSummary.color(result.rawValue)) + " in \(Self.duration(duration))\n"
            }
            state.buffer.append(contentsOf: text.utf8)
            flush(&state)
        }
    }

    /// Prints the one summary of every workflow, ending with a line that agrees with `exitStatus`.
    func finish(exitStatus: Int32, duration: Double) {
        state.withLock { state in
            let lines = state.summary.lines(exitStatus: exitStatus, duration: duration) { text, code in paint(text, code) }
            state.buffer.append(contentsOf: (lines.joined(separator: "\n") + "\n").utf8)
            flush(&state)
        }
    }

    private func flush(_ state: inout State) {
        guard !state.buffer.isEmpty else { return }
        state.buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if errno == EINTR { continue }
                    break
                }
                offset += written
            }
        }
        state.buffer.removeAll(keepingCapacity: true)
        state.lastFlush = DispatchTime.now().uptimeNanoseconds
    }

    /// `850 ms`, `3.2 s`, `2m 05s`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        return String(format: "%dm %02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}

/// Prints the run as newline-delimited JSON events (`--json`).
final class JSONEventReporter: RunObserver {
    private let lock = Mutex(())
    private let start = Date()

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {}

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {}

    func handle(_ event: RunEvent) {
        var line = JSONEventLine(time: (Date().timeIntervalSince(start) * 1000).rounded() / 1000)
        switch event {
        case .runStarted(let workflow, let path, let runID, let directory):
            line.event = "run_started"
            (line.workflow, line.path, line.runID, line.directory) = (workflow, path, runID, directory)
        case .jobSkipped(let job, let name, let reason):
            line.event = "job_skipped"
            (line.job, line.name, line.reason) = (job, name, reason)
        case .jobWaiting(let job, let environment, let reason):
            line.event = "job_waiting"
            (line.job, line.index, line.name, line.environment, line.reason) = (job.id, job.index, job.name, environment, reason)
        case .jobStarted(let job):
            line.event = "job_started"
            (line.job, line.index, line.name) = (job.id, job.index, job.name)
        case .stepStarted(let job, let number, let name):
            line.event = "step_started"
            (line.job, line.index, line.step, line.name) = (job.id, job.index, number, name)
        case .stepFinished(let job, let result):
            line.event = "step_finished"
            (line.job, line.index, line.step, line.id, line.name) = (job.id, job.index, result.number, result.id, result.name)
            (line.outcome, line.conclusion, line.duration, line.outputs) =
                (result.outcome.rawValue, result.conclusion.rawValue, result.duration, result.outputs)
            line.error = result.error
        case .annotation(let job, let annotation):
            line.event = "annotation"
            (line.job, line.level, line.message, line.file, line.line) =
                (job.id, annotation.level.rawValue, annotation.message, annotation.file, annotation.line)
        case .imagePushed(let job, let image):
            line.event = "image_pushed"
            (line.job, line.index, line.name, line.image) = (job.id, job.index, job.name, image)
        case .jobFinished(let job, let result, let duration, let outputs):
            line.event = "job_finished"
            (line.job, line.index, line.name, line.result, line.duration, line.outputs) =
                (job.id, job.index, job.name, result.rawValue, duration, outputs)
        case .runFinished(let workflow, let result, let duration):
            line.event = "run_finished"
            (line.workflow, line.result, line.duration) = (workflow, result.rawValue, duration)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(line) else { return }
        lock.withLock { _ in
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
}

/// One line of `--json` output: the event's name, its time since the run started (seconds), and
/// the fields that event has (absent ones are left out).
struct JSONEventLine: Encodable {
    var time: Double
    var event = ""
    var workflow: String?
    var path: String?
    var runID: String?
    var directory: String?
    var job: String?
    var index: Int?
    var step: Int?
    var id: String?
    var name: String?
    var reason: String?
    var outcome: String?
    var conclusion: String?
    var result: String?
    var duration: Double?
    var outputs: [String: String]?
    var image: ImageRecord?
    var error: String?
    var level: String?
    var message: String?
    var file: String?
    var line: Int?
    var environment: String?

    enum CodingKeys: String, CodingKey {
        case time, event, workflow, path, directory, job, index, step, id, name, reason, outcome, conclusion, result, duration, outputs, image, error
        case level, message, file, line, environment
        case runID = "run_id"
    }
}

/// One workflow's runner's view of the ``ConsoleReporter``: events are filed under the workflow.
struct WorkflowScope: RunObserver {
    let workflow: String
    let reporter: ConsoleReporter

    func handle(_ event: RunEvent) {
        reporter.handle(event, workflow: workflow)
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        reporter.output(job, step: step, line: line, kind: kind)
    }

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        reporter.output(job, step: step, lines: lines)
    }
}

/// Sends every event and line to several observers.
struct FanOutObserver: RunObserver {
    let observers: [any RunObserver]

    func handle(_ event: RunEvent) {
        for observer in observers { observer.handle(event) }
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        for observer in observers { observer.output(job, step: step, line: line, kind: kind) }
    }

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        for observer in observers { observer.output(job, step: step, lines: lines) }
    }
}
