import CGaaraSystem
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reaps orphans: processes re-parented to this one once it is a child subreaper.
///
/// Each ``ChildProcess`` waits for its own pid only, so Gaara never steals the exit status of a
/// child someone else started (Foundation's `Process`, for one). The executable opts in to orphan
/// reaping; it then collects zombie children that no ``ChildProcess`` is waiting for.
enum OrphanReaper {
    private static let started = Mutex(false)

    /// Makes this process a child subreaper and starts reaping orphans every half second.
    static func start() {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        _ = gaara_set_child_subreaper()
        let thread = Thread {
            while true {
                usleep(500_000)  // first: nothing can be orphaned before anything was started
                reapOrphans()
            }
        }
        thread.name = "gaara-orphan-reaper"
        thread.start()
    }

    /// Reaps zombie children that no ``ChildProcess`` waits for.
    ///
    /// The zombies are found first; each is then reaped only if no spawn is in flight and no
    /// ``ChildProcess`` has registered it — checked in that order, so a child that exited right
    /// after being spawned (a zombie before its registration) is never taken for an orphan.
    static func reapOrphans() {
        let zombies = children().filter { state(of: $0)?.state == "Z" }
        for pid in zombies {
            guard ChildProcess.spawnsInFlight.withLock({ $0 }) == 0, !ChildProcess.live.withLock({ $0.keys.contains(pid) }) else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }
}

extension OrphanReaper {
    /// This process's children: from `/proc/self/task/*/children` (each thread's own children,
    /// orphans re-parented to us included), or by scanning every process's parent in `/proc`
    /// where the kernel does not offer those files.
    static func children() -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var pids: [pid_t] = []
        var listed = false
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8) else { continue }
            listed = true
            pids += text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        if listed { return pids }
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), state(of: pid)?.parent == me else { return nil }
            return pid
        }
    }

    /// A process's state letter and parent from `/proc/PID/stat`.
    static func state(of pid: pid_t) -> (state: Substring, parent: pid_t)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let parent = pid_t(fields[1]) else { return nil }
        return (fields[0], parent)
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
