import CGaaraSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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
        /// A file to read standard input from (nil: /dev/null). A secret goes this way, never as an
        /// argument (arguments are visible to every user in /proc).
        public var inputFile: String?

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
            // The group may outlive its leader (children that ignore SIGTERM): kill it either way.
            ChildProcess.timers.asyncAfter(deadline: .now() + grace) {
                kill(-pid, SIGKILL)
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

    /// Timeouts and kill deadlines. A serial queue of its own is overcommitting: it gets a thread
    /// even when the global queue's workers are all busy or blocked (a loaded machine, many steps).
    static let timers = DispatchQueue(label: "gaara.process.timers")

    /// Runs `command`, calling `onOutput` on a reader thread with each chunk of merged stdout/stderr,
    /// and `onStart` once with the handle. `timeout` (seconds) terminates the process group.
    public static func run(
        _ command: Command, timeout: Double? = nil, onStart: @Sendable (Handle) -> Void = { _ in },
        onOutput: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) async throws(SpawnError) -> Termination {
        let (handle, outputFD) = try spawn(command)
        onStart(handle)
        let timer: DispatchWorkItem? = timeout.map { seconds in
            let item = DispatchWorkItem { handle.terminate(timedOut: true) }
            timers.asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Termination, Never>) in
                let reader = Thread {
                    let raw = superviseChild(handle.pid, outputFD: outputFD, onOutput: onOutput)
                    close(outputFD)
                    let stop = handle.markExited()
                    live.withLock { _ = $0.removeValue(forKey: handle.pid) }
                    continuation.resume(
                        returning: Termination(status: ExitStatus(raw: raw), wasTerminated: stop.requested, timedOut: stop.timedOut))
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
    /// Spawns that have started but not yet registered their pid in ``live``.
    static let spawnsInFlight = Mutex(0)
    /// Every process group started here (a group can outlive its leader).
    static let groups = Mutex<Set<pid_t>>([])

    /// Sends SIGKILL to every process group started here and to every process re-parented to us
    /// (as child subreaper), so nothing started by a run outlives it.
    public static func killAll() {
        for group in groups.withLock({ Array($0) }) { kill(-group, SIGKILL) }
        killOrphans()
    }

    /// Sends SIGKILL to the process groups of `pids` (background children a step left behind).
    public static func killGroups(_ pids: [pid_t]) {
        for pid in pids { kill(-pid, SIGKILL) }
    }

    /// Makes this process a child subreaper that reaps orphaned grandchildren; call it once from an
    /// executable whose children are all started here.
    public static func adoptOrphans() {
        OrphanReaper.start()
    }

    /// SIGKILLs every process whose parent is this process and that is not a live child we wait for,
    /// except those started to outlive the command that started them (see ``detachedVariable``).
    static func killOrphans() {
        let known = live.withLock { Set($0.keys) }
        for pid in OrphanReaper.children() where !known.contains(pid) && !isDetached(pid) { kill(pid, SIGKILL) }
    }

    /// The variable (`GAARA_DETACHED=1`) in the environment of a process Gaara starts on purpose to
    /// outlive the command that started it: the router and release supervisors `gaara deploy`
    /// leaves running. A `gaara deploy` in a `gaara run` job ends before the run does, so those are
    /// re-parented to `gaara run`, whose clean-up spares them. Where cgroups isolate jobs (the
    /// server), the job's cgroup is killed whatever its processes say.
    public static let detachedVariable = "GAARA_DETACHED"

    /// Whether `pid` carries ``detachedVariable`` in its environment.
    static func isDetached(_ pid: pid_t) -> Bool {
        guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
        let marker = Array("\(detachedVariable)=1".utf8)
        return environ.split(separator: 0).contains { Array($0) == marker }
    }

    /// Runs a command to completion and returns its merged output as text (for git, docker, tar...).
    public static func capture(_ command: Command, timeout: Double? = nil) async throws(SpawnError) -> (status: ExitStatus, output: String) {
        let buffer = Mutex<[UInt8]>([])
        let termination = try await run(command, timeout: timeout) { chunk in
            buffer.withLock { $0.append(contentsOf: chunk) }
        }
        return (termination.status, buffer.withLock { String(decoding: $0, as: UTF8.self) })
    }

    /// Reads the child's output and waits for its exit (through a pidfd, reaping only this pid).
    /// Returns the raw wait status once the process has exited and its output is drained: at end of
    /// file, or at the first 50 ms without data after the exit (at most 2 s), so a background
    /// grandchild holding the pipe cannot stall the caller.
    private static func superviseChild(_ pid: pid_t, outputFD: Int32, onOutput: (UnsafeRawBufferPointer) -> Void) -> Int32 {
        let size = 256 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        let pidFD = gaara_pidfd_open(pid)
        defer { if pidFD >= 0 { close(pidFD) } }
        var status: Int32 = 0
        var exitedAt: UInt64?
        var outputOpen = true
        func reap(blocking: Bool) -> Bool {
            while true {
                let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
                if result == pid { return true }
                if result < 0, errno == EINTR { continue }
                // ECHILD: someone else reaped it (cannot happen for our own children); treat as exited.
                if result < 0 { return true }
                return false
            }
        }
        while true {
            if outputOpen {
                let count = read(outputFD, buffer, size)
                if count > 0 {
                    onOutput(UnsafeRawBufferPointer(start: buffer, count: count))
                    continue
                }
                if count == 0 {
                    outputOpen = false
                } else if errno == EINTR {
                    continue
                } else if errno != EAGAIN && errno != EWOULDBLOCK {
                    outputOpen = false
                }
            }
            if exitedAt != nil {
                if !outputOpen { return status }
                if DispatchTime.now().uptimeNanoseconds - exitedAt! > 2_000_000_000 { return status }
            }
            if pidFD < 0 {
                // No pidfd: poll the output with a short timeout and check the exit without blocking.
                if !outputOpen {
                    _ = reap(blocking: true)
                    return status
                }
                var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
                let ready = poll(&fds, 1, exitedAt == nil ? 20 : 50)
                if exitedAt == nil, reap(blocking: false) { exitedAt = DispatchTime.now().uptimeNanoseconds }
                if ready == 0, exitedAt != nil, DispatchTime.now().uptimeNanoseconds - exitedAt! > 50_000_000 { return status }
                continue
            }
            var fds = [pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0), pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
            let watched: nfds_t = outputOpen ? 2 : 1
            if exitedAt != nil { fds[0].events = 0 }
            let ready = poll(&fds, watched, exitedAt == nil ? -1 : 50)
            if ready < 0 && errno == EINTR { continue }
            if exitedAt == nil, fds[0].revents != 0 {
                _ = reap(blocking: true)
                exitedAt = DispatchTime.now().uptimeNanoseconds
            }
            if ready == 0, exitedAt != nil { return status }
        }
    }

    private static func spawn(_ command: Command) throws(SpawnError) -> (Handle, Int32) {
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

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, command.inputFile ?? "/dev/null", O_RDONLY, 0)
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
        // While a spawn is between posix_spawn and its registration, the orphan reaper keeps off:
        // a child that exits at once would otherwise look like an orphan and lose its exit status.
        spawnsInFlight.withLock { $0 += 1 }
        defer { spawnsInFlight.withLock { $0 -= 1 } }
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, path, &actions, &attributes, argvPointers, envPointers)
            }
        }
        close(writeFD)
        guard result == 0 else {
            close(readFD)
            throw SpawnError(executable: command.executable, code: result)
        }
        let handle = Handle(pid: pid)
        live.withLock { $0[pid] = handle }
        groups.withLock { _ = $0.insert(pid) }
        return (handle, readFD)
    }

    /// Recent PATH lookups (program and PATH → result), checked again before use.
    private static let resolved = Mutex<[String: String]>([:])

    /// Finds a program in `path` (or returns it when it contains a slash).
    public static func resolve(_ executable: String, path: String?) -> String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        let searchPath = path ?? "/usr/local/bin:/usr/bin:/bin"
        let key = executable + "\u{0}" + searchPath
        if let known = resolved.withLock({ $0[key] }), access(known, X_OK) == 0 { return known }
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 {
                resolved.withLock { cache in
                    if cache.count > 256 { cache.removeAll() }
                    cache[key] = candidate
                }
                return candidate
            }
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) }
        defer {
            for pointer in pointers { free(pointer) }
        }
        return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
