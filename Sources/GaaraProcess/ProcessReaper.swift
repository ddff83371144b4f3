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
    /// where the kernel does not offer those files. Plain system calls into one reused buffer:
    /// this runs twice a second for the life of `gaara serve` and `gaara router` (reading the
    /// files through Foundation there made the process grow by about 100 KB a second).
    static func children() -> [pid_t] {
        var pids: [pid_t] = []
        var listed = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        for task in entries(of: "/proc/self/task") {
            guard let text = read("/proc/self/task/\(task)/children", into: &buffer) else { continue }
            listed = true
            pids += text.split(separator: 0x20).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
        }
        if listed { return pids }
        let me = getpid()
        return entries(of: "/proc").compactMap { entry in
            guard let pid = pid_t(entry), state(of: pid)?.parent == me else { return nil }
            return pid
        }
    }

    /// A process's state letter and parent from `/proc/PID/stat`.
    static func state(of pid: pid_t) -> (state: Substring, parent: pid_t)? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        guard let bytes = read("/proc/\(pid)/stat", into: &buffer), let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = String(decoding: bytes[(close + 1)...], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let parent = pid_t(fields[1]) else { return nil }
        return (fields[0], parent)
    }

    /// The names in a directory (without `.` and `..`).
    private static func entries(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// A file's bytes (trailing whitespace dropped), read into `buffer` (grown when too small); nil
    /// when it cannot be read.
    private static func read(_ path: String, into buffer: inout [UInt8]) -> ArraySlice<UInt8>? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var count = 0
        while true {
            if count == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }  // a long list of children
            let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            count += got
        }
        var end = count
        while end > 0, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x20 { end -= 1 }
        return buffer[0..<end]
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
