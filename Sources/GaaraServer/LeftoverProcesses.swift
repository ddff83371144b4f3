import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Step processes a crashed server left running. Every step gets `GAARA_SERVER_RUNS=<runs folder>`
/// in its environment; on the next start, processes carrying this server's value are killed with
/// their process groups, so an interrupted run stops writing.
enum LeftoverProcesses {
    /// The environment variable that marks a step process.
    static let marker = "GAARA_SERVER_RUNS"

    /// Kills the processes (and their groups) marked with `runsDirectory`; returns how many.
    @discardableResult
    static func kill(runsDirectory: String) -> Int {
        let needle = Array("\(marker)=\(runsDirectory)".utf8) + [0]
        let me = getpid()
        var killed = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != me, let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            let bytes = [UInt8](environ) + [0]
            guard contains(bytes, needle) else { continue }
            let group = getpgid(pid)
            if group > 0, group != getpgrp() { Glibc.kill(-group, SIGKILL) }
            Glibc.kill(pid, SIGKILL)
            killed += 1
        }
        return killed
    }

    /// Whether `haystack` holds `needle` at the start of a NUL-separated entry.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var start = 0
        while start + needle.count <= haystack.count {
            if haystack[start..<(start + needle.count)].elementsEqual(needle.dropLast()) && haystack[start + needle.count - 1] == 0 {
                return true
            }
            guard let next = haystack[start...].firstIndex(of: 0) else { return false }
            start = next + 1
        }
        return false
    }
}
