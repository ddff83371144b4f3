#if canImport(Glibc)
import Glibc
#endif
import CGaaraSystem
import Foundation
import Synchronization

/// Reaps every child of this process on one thread (`waitpid(-1)`), hands each exit status to
/// whoever waits for that pid, and reaps orphans re-parented to us as a child subreaper.
///
/// All child processes of Gaara must be started through ``ChildProcess`` so that their statuses
/// arrive here; Foundation's `Process` waits on its own pid and would race with this reaper.
final class ProcessReaper: Sendable {
    static let shared = ProcessReaper()

    private struct State {
        var waiters: [pid_t: @Sendable (Int32) -> Void] = [:]
        var early: [pid_t: Int32] = [:]
        var generation = 0
    }

    private let state = Mutex(State())
    private let condition = NSCondition()
    private let started = Mutex(false)

    private init() {}

    /// Starts the reaper thread once and makes this process a child subreaper.
    func startIfNeeded() {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        _ = gaara_set_child_subreaper()
        let thread = Thread { [self] in loop() }
        thread.name = "gaara-reaper"
        thread.start()
    }

    /// Tells the reaper a child exists (wakes it when it had none).
    func childSpawned() {
        condition.lock()
        state.withLock { $0.generation += 1 }
        condition.signal()
        condition.unlock()
    }

    /// Calls `handler` with the raw wait status of `pid` once it exits (at once if it already did).
    func onExit(of pid: pid_t, _ handler: @escaping @Sendable (Int32) -> Void) {
        let early = state.withLock { state -> Int32? in
            if let status = state.early.removeValue(forKey: pid) { return status }
            state.waiters[pid] = handler
            return nil
        }
        if let early { handler(early) }
    }

    private func loop() {
        while true {
            let generation = state.withLock { $0.generation }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                let handler = state.withLock { state -> (@Sendable (Int32) -> Void)? in
                    if let handler = state.waiters.removeValue(forKey: pid) { return handler }
                    state.early[pid] = status
                    // Orphans never get a waiter; keep the table small.
                    if state.early.count > 4096 { state.early.removeAll() }
                    return nil
                }
                handler?(status)
            } else if errno == ECHILD {
                condition.lock()
                while state.withLock({ $0.generation }) == generation {
                    condition.wait()
                }
                condition.unlock()
            }
        }
    }
}

/// Decodes a raw wait status.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// Exited with a code.
    case exited(Int32)
    /// Killed by a signal.
    case signaled(Int32)

    init(raw: Int32) {
        if raw & 0x7F == 0 {
            self = .exited((raw >> 8) & 0xFF)
        } else {
            self = .signaled(raw & 0x7F)
        }
    }

    /// True for exit code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// `exit code N` or `killed by signal N`.
    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
