import GaaraExpressions
import GaaraProcess
import Synchronization

/// A backend that runs nothing: it records what each job asked it to run and answers with scripted
/// results, so that a workflow run can be tested without processes (woodpecker's `dummy` backend).
///
/// Use one per run: set ``factory`` as the run's ``RunConfiguration/makeBackend``; every job
/// instance then gets its own backend writing into the same ``calls``. The reply to a command
/// comes from the closure given at `init`; the default one, ``replyFromEnvironment(_:)``, reads
/// the step's `env`, so a workflow scripts its own results.
final class RecordingBackend: Sendable {
    /// One call a job's backend received, in the order they came.
    struct Call: Sendable, Equatable {
        /// What was asked.
        enum Action: Sendable, Equatable {
            /// The job was set up.
            case setUp
            /// A process was run.
            case run(StepCommand)
            /// The job was torn down.
            case tearDown
        }

        /// The job instance (`label.id`, or "" for a run before any set-up).
        let job: String
        /// Its matrix index.
        let index: Int
        /// What was asked.
        let action: Action
    }

    /// The scripted end of a process.
    struct Reply: Sendable, Equatable {
        /// The exit code.
        var exitCode: Int32 = 0
        /// Lines the process prints (each gets a newline; workflow commands act as usual).
        var output: [String] = []
        /// When set, the process fails to start with this reason.
        var startFailure: String?
    }

    /// The environment variable a step sets to script its exit code.
    static let exitCodeKey = "GAARA_FAKE_EXIT_CODE"
    /// The environment variable a step sets to script its output (lines separated by newlines).
    static let outputKey = "GAARA_FAKE_OUTPUT"
    /// The environment variable a step sets to make its process fail to start (the reason).
    static let startFailureKey = "GAARA_FAKE_START_FAILURE"

    private let reply: @Sendable (StepCommand) -> Reply
    private let recorded = Mutex<[Call]>([])

    /// A recorder answering each command with `reply`.
    init(reply: @escaping @Sendable (StepCommand) -> Reply = RecordingBackend.replyFromEnvironment) {
        self.reply = reply
    }

    /// The reply a step scripts in its environment: ``exitCodeKey``, ``outputKey`` and
    /// ``startFailureKey``; a plain success when it sets none.
    static func replyFromEnvironment(_ command: StepCommand) -> Reply {
        let environment = command.environment
        var reply = Reply()
        if let code = environment[exitCodeKey].flatMap({ Int32($0) }) { reply.exitCode = code }
        if let output = environment[outputKey] { reply.output = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        reply.startFailure = environment[startFailureKey]
        return reply
    }

    /// Everything recorded so far.
    var calls: [Call] { recorded.withLock { $0 } }

    /// The commands run for the job `job`, in order.
    func commands(of job: String) -> [StepCommand] {
        calls.compactMap { call in
            guard call.job == job, case .run(let command) = call.action else { return nil }
            return command
        }
    }

    /// The scripts the `run:` steps of `job` ran, in order.
    func scripts(of job: String) -> [String] {
        commands(of: job).compactMap(\.script)
    }

    /// The factory to set as ``RunConfiguration/makeBackend``.
    var factory: StepBackendFactory {
        { _ in JobBackend(recorder: self) }
    }

    fileprivate func record(_ call: Call) {
        recorded.withLock { $0.append(call) }
    }

    fileprivate func answer(_ command: StepCommand) -> Reply {
        reply(command)
    }
}

/// The backend of one job instance under a ``RecordingBackend``.
private final class JobBackend: StepBackend {
    private let recorder: RecordingBackend
    private let label = Mutex<JobLabel?>(nil)

    init(recorder: RecordingBackend) {
        self.recorder = recorder
    }

    func setUp(_ job: BackendJob) async throws {
        label.withLock { $0 = job.label }
        record(.setUp)
    }

    func run(_ command: StepCommand, io: StepIO) async throws -> StepExit {
        record(.run(command))
        let reply = recorder.answer(command)
        if let failure = reply.startFailure {
            // As on the host: a missing program is reported with the step's own hint.
            if failure == "no such file or program", let missingProgram = command.missingProgram { throw RunnerError(missingProgram) }
            throw RunnerError("cannot start \(command.executable): \(failure)")
        }
        for line in reply.output {
            Array((line + "\n").utf8).withUnsafeBytes { io.output.consume($0) }
        }
        return StepExit(status: .exited(reply.exitCode))
    }

    func runnerDidWrite() {}

    func tearDown() async {
        record(.tearDown)
    }

    var jobContext: [(String, ExpressionValue)] { [] }

    private func record(_ action: RecordingBackend.Call.Action) {
        let label = label.withLock { $0 }
        recorder.record(RecordingBackend.Call(job: label?.id ?? "", index: label?.index ?? 0, action: action))
    }
}
