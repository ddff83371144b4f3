#if canImport(Glibc)
import Glibc
#endif
import CGaaraSystem
import Foundation
import Synchronization

/// A failure to start a process, with the command for context.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    /// The program that could not start.
    public let executable: String
    /// Why.
    public let reason: String

    init(executable: String, code: Int32) {
        self.executable = executable
        reason = code == ENOENT ? "no such file or program" : String(cString: strerror(code))
    }

    init(executable: String, reason: String) {
        self.executable = executable
        self.reason = reason
    }

    /// `cannot start PROGRAM: reason`.
    public var description: String { "cannot start \(executable): \(reason)" }
}

/// A child process started with `posix_spawn` in its own process group, stdin from /dev/null and
/// stdout and stderr merged into one pipe that a reader thread drains into `onOutput`.
///
/// `run` returns when the process has exited and its output is drained: at end of file, or shortly
/// after the exit when a background grandchild still holds the pipe. Cancelling the task, calling
/// ``ChildProcess/Handle/terminate(grace:)`` or a timeout sends SIGTERM to the whole group, then
/// SIGKILL after the grace period.
public enum ChildProcess {
    /// What to run.
    public struct Command: Sendable {
        /// The program; a name without `/` is looked up in the PATH of `environment`.
        public var executable: String
        /// Arguments after the program name.
        public var arguments: [String]
        /// The complete environment.
        public var environment: [String: String]
        /// The working directory (nil: inherit).
        public var workingDirectory: String?

        /// Creates a command.
        public init(_ executable: String, _ arguments: [String] = [], environment: [String: String], workingDirectory: String? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
        }
    }

    /// How the process ended.
    public struct Termination: Sendable {
        /// Exit code or signal.
        public let status: ExitStatus
        /// True when it was stopped by ``Handle/terminate(grace:)``, a timeout or cancellation.
        public let wasTerminated: Bool
        /// True when the stop came from the timeout.
        public let timedOut: Bool
    }

    /// A running process, to stop it from elsewhere.
    public final class Handle: Sendable {
        /// The process id, which is also its process group id.
        public let pid: pid_t
        private let stopState = Mutex<(requested: Bool, timedOut: Bool, exited: Bool)>((false, false, false))

        init(pid: pid_t) {
            self.pid = pid
        }

        /// Sends SIGTERM to the process group, then SIGKILL after `grace` seconds if it still runs.
        public func terminate(grace: Double = 2.5, timedOut: Bool = false) {
            let proceed = stopState.withLock { state -> Bool in
                guard !state.exited, !state.requested else { return false }
                state.requested = true
                state.timedOut = timedOut
                return true
            }
            guard proceed else { return }
            kill(-pid, SIGTERM)
            kill(-pid, SIGCONT)
            let pid = self.pid
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
                if !stopState.withLock({ $0.exited }) { kill(-pid, SIGKILL) }
            }
        }

        /// Kills whatever is left in the process group (background children after the main process exited).
        public func killGroup() {
            kill(-pid, SIGKILL)
        }

        func markExited() -> (requested: Bool, timedOut: Bool) {
            stopState.withLock { state in
                state.exited = true
                return (state.requested, state.timedOut)
            }
        }
    }

    /// Runs `command`, calling `onOutput` on a reader thread with each chunk of merged stdout/stderr,
    /// and `onStart` once with the handle. `timeout` (seconds) terminates the process group.
    public static func run(
        _ command: Command, timeout: Double? = nil, onStart: @Sendable (Handle) -> Void = { _ in },
        onOutput: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) async throws(SpawnError) -> Termination {
        ProcessReaper.shared.startIfNeeded()
        let (handle, outputFD, wakeFD) = try spawn(command)
        onStart(handle)
        let timer: DispatchWorkItem? = timeout.map { seconds in
            let item = DispatchWorkItem { handle.terminate(timedOut: true) }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination, Never>) in
                let completion = Completion(continuation: continuation)
                ProcessReaper.shared.onExit(of: handle.pid) { raw in
                    let stop = handle.markExited()
                    live.withLock { _ = $0.removeValue(forKey: handle.pid) }
                    completion.exited(
                        Termination(status: ExitStatus(raw: raw), wasTerminated: stop.requested, timedOut: stop.timedOut))
                    var one: UInt64 = 1
                    _ = write(wakeFD, &one, 8)
                }
                let reader = Thread {
                    drain(outputFD, wakeFD: wakeFD, onOutput: onOutput)
                    close(outputFD)
                    close(wakeFD)
                    completion.drained()
                }
                reader.stackSize = 256 * 1024
                reader.start()
            }
        } onCancel: {
            handle.terminate()
        }
    }

    /// Every process started here that has not exited yet, by pid.
    static let live = Mutex<[pid_t: Handle]>([:])

    /// Sends SIGKILL to the process group of every child still running (the last resort on a
    /// second Ctrl-C).
    public static func killAll() {
        for handle in live.withLock({ Array($0.values) }) { handle.killGroup() }
    }

    /// Runs a command to completion and returns its merged output as text (for git, docker, tar...).
    public static func capture(_ command: Command, timeout: Double? = nil) async throws(SpawnError) -> (status: ExitStatus, output: String) {
        let buffer = Mutex<[UInt8]>([])
        let termination = try await run(command, timeout: timeout) { chunk in
            buffer.withLock { $0.append(contentsOf: chunk) }
        }
        return (termination.status, buffer.withLock { String(decoding: $0, as: UTF8.self) })
    }

    /// Joins the exit and the end of output, resuming the caller once both happened.
    private final class Completion: Sendable {
        private let state: Mutex<(termination: Termination?, drained: Bool, continuation: CheckedContinuation<Termination, Never>?)>

        init(continuation: CheckedContinuation<Termination, Never>) {
            state = Mutex((nil, false, continuation))
        }

        func exited(_ termination: Termination) {
            resumeIfDone { $0.termination = termination }
        }

        func drained() {
            resumeIfDone { $0.drained = true }
        }

        private func resumeIfDone(_ update: (inout (termination: Termination?, drained: Bool, continuation: CheckedContinuation<Termination, Never>?)) -> Void) {
            let ready = state.withLock { state -> (CheckedContinuation<Termination, Never>, Termination)? in
                update(&state)
                guard state.drained, let termination = state.termination, let continuation = state.continuation else { return nil }
                state.continuation = nil
                return (continuation, termination)
            }
            if let (continuation, termination) = ready { continuation.resume(returning: termination) }
        }
    }

    /// Reads until end of file; once the process has exited (signalled on `wakeFD`), stops at the
    /// first 50 ms without data or after 2 s, so a background child holding the pipe cannot stall.
    private static func drain(_ fd: Int32, wakeFD: Int32, onOutput: (UnsafeRawBufferPointer) -> Void) {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var exitedAt: UInt64?
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        while true {
            let count = read(fd, buffer, size)
            if count > 0 {
                onOutput(UnsafeRawBufferPointer(start: buffer, count: count))
                continue
            }
            if count == 0 { return }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { return }
            if let exitedAt, DispatchTime.now().uptimeNanoseconds - exitedAt > 2_000_000_000 { return }
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, exitedAt == nil ? 2 : 1, exitedAt == nil ? -1 : 50)
            if ready == 0 { return }
            if exitedAt == nil, fds[1].revents & Int16(POLLIN) != 0 {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
                exitedAt = DispatchTime.now().uptimeNanoseconds
            }
        }
    }

    private static func spawn(_ command: Command) throws(SpawnError) -> (Handle, Int32, Int32) {
        if let directory = command.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SpawnError(executable: command.executable, reason: "the working directory \(directory) does not exist")
            }
        }
        guard let path = resolve(command.executable, path: command.environment["PATH"]) else {
            throw SpawnError(executable: command.executable, code: ENOENT)
        }
        var pipeFDs: [Int32] = [0, 0]
        guard gaara_pipe_cloexec(&pipeFDs) == 0 else { throw SpawnError(executable: command.executable, code: errno) }
        let (readFD, writeFD) = (pipeFDs[0], pipeFDs[1])
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        let wakeFD = gaara_eventfd()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 1)
        posix_spawn_file_actions_adddup2(&actions, writeFD, 2)
        if let directory = command.workingDirectory {
            _ = gaara_spawn_addchdir(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | gaara_spawn_usevfork_flag())

        let argv = [path] + command.arguments
        let envp = command.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, path, &actions, &attributes, argvPointers, envPointers)
            }
        }
        close(writeFD)
        guard result == 0 else {
            close(readFD)
            close(wakeFD)
            throw SpawnError(executable: command.executable, code: result)
        }
        ProcessReaper.shared.childSpawned()
        let handle = Handle(pid: pid)
        live.withLock { $0[pid] = handle }
        return (handle, readFD, wakeFD)
    }

    /// Finds a program in `path` (or returns it when it contains a slash).
    public static func resolve(_ executable: String, path: String?) -> String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
