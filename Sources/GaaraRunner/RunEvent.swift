import GaaraEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Identifies one running job instance in events and logs.
public struct JobLabel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path of job ids from the top workflow (`build`, or `call/test` inside a reusable workflow).
    public let id: String
    /// The matrix index.
    public let index: Int
    /// The display name (`build (ubuntu, 3.11)`).
    public let name: String

    /// Creates a label.
    public init(id: String, index: Int, name: String) {
        self.id = id
        self.index = index
        self.name = name
    }

    /// The display name.
    public var description: String { name }
}

/// How a step ended, before and after `continue-on-error`.
public struct StepResult: Sendable, Codable {
    /// The step's number in its job (1-based).
    public let number: Int
    /// `id:` or a generated one.
    public let id: String
    /// The display name.
    public let name: String
    /// Result before `continue-on-error`.
    public let outcome: JobResult
    /// Result after `continue-on-error`.
    public let conclusion: JobResult
    /// Wall time in seconds.
    public let duration: Double
    /// `steps.<id>.outputs`.
    public let outputs: [String: String]
    /// Why it failed, if it did.
    public let error: String?
}

/// What happens during a run, in order, for the CLI, the JSON stream and the server.
public enum RunEvent: Sendable {
    /// A workflow run began.
    case runStarted(workflow: String, path: String, runID: String, directory: String)
    /// A job will not run.
    case jobSkipped(job: String, name: String, reason: String)
    /// A job instance waits for its environment's protection rules (a review, a wait timer)
    /// before it starts; `reason` says for what.
    case jobWaiting(JobLabel, environment: String, reason: String)
    /// A job instance started.
    case jobStarted(JobLabel)
    /// A step started.
    case stepStarted(JobLabel, number: Int, name: String)
    /// A step ended.
    case stepFinished(JobLabel, StepResult)
    /// An `::error`, `::warning` or `::notice` from a step.
    case annotation(JobLabel, Annotation)
    /// A step pushed an image (every tag of it), recorded by digest.
    case imagePushed(JobLabel, ImageRecord)
    /// A job instance ended.
    case jobFinished(JobLabel, result: JobResult, duration: Double, outputs: [String: String])
    /// The workflow run ended.
    case runFinished(workflow: String, result: JobResult, duration: Double)
}

/// Receives the events and the output of a run. Calls come from many threads; implementations
/// must be thread-safe and quick (output calls sit on the path of the step's output).
public protocol RunObserver: Sendable {
    /// A run event.
    func handle(_ event: RunEvent)
    /// One line of a step's output, already masked. `kind` tells plain output from runner notes;
    /// `step` is the step's number in its job (0: the job's own lines, outside any step), which
    /// tells apart the lines of steps that run at the same time (background steps).
    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind)
    /// A block of plain, masked output lines, each ending with `\n`: what the step printed since
    /// the last call. The default hands each line to ``output(_:step:line:kind:)``; an observer that
    /// only stores the bytes can take the block whole.
    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer)
}

extension RunObserver {
    /// Calls ``output(_:step:line:kind:)`` for each line of the block.
    public func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        OutputLines.forEach(in: lines) { output(job, step: step, line: $0, kind: .plain) }
    }
}

/// Blocks of output lines as ``RunObserver/output(_:step:lines:)`` receives them.
public enum OutputLines {
    /// Calls `body` with each line of `block` (without its `\n`).
    public static func forEach(in block: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard let base = block.baseAddress else { return }
        var start = 0
        while start < block.count {
            let end = memchr(base + start, 0x0A, block.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? block.count
            body(UnsafeRawBufferPointer(rebasing: block[start..<end]))
            start = end + 1
        }
    }
}

/// What a line of output is.
public enum OutputKind: Sendable {
    /// Printed by the step.
    case plain
    /// A `::group::` title.
    case groupStart
    /// `::endgroup::`.
    case groupEnd
    /// A runner message (step header, error, debug).
    case runner
}
