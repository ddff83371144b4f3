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
                reapOrphans()
                usleep(500_000)
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
        let me = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        var zombies: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, fields[0] == "Z", pid_t(fields[1]) == me { zombies.append(pid) }
        }
        for pid in zombies {
            guard ChildProcess.spawnsInFlight.withLock({ $0 }) == 0, !ChildProcess.live.withLock({ $0.keys.contains(pid) }) else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
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
