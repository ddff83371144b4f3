import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Step processes a crashed server left running, found without cgroups: every step gets
/// `GAARA_STEP_MARKER=<random value of this data directory>` in its environment, and the next start
/// kills the processes carrying it, with their process groups. Job cgroups (``StepIsolation``)
/// find everything, even processes that cleared their environment; this is the fallback where
/// cgroups cannot be written.
enum LeftoverProcesses {
    /// The environment variable that marks a step process.
    static let variable = "GAARA_STEP_MARKER"

    /// The data directory's marker (`step-marker`, made once: 32 random hex digits).
    static func marker(dataDirectory: URL) throws -> String {
        let path = dataDirectory.appendingPathComponent("step-marker").path
        if let text = try? String(contentsOfFile: path, encoding: .utf8), text.count == 32 { return text }
        var generator = SystemRandomNumberGenerator()
        let value = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try value.write(toFile: path, atomically: true, encoding: .utf8)
        return value
    }

    /// Kills the processes (and their groups) whose environment holds `variable=marker`; returns
    /// how many.
    @discardableResult
    static func kill(marker: String) -> Int {
        let needle = Array("\(variable)=\(marker)".utf8)
        let me = getpid()
        var killed = 0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != me, let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            guard holdsEntry([UInt8](environ), needle) else { continue }
            let group = getpgid(pid)
            if group > 0, group != getpgrp() { Glibc.kill(-group, SIGKILL) }
            Glibc.kill(pid, SIGKILL)
            killed += 1
        }
        return killed
    }

    /// Whether the NUL-separated `environment` has an entry equal to `entry`.
    static func holdsEntry(_ environment: [UInt8], _ entry: [UInt8]) -> Bool {
        environment.split(separator: 0, omittingEmptySubsequences: true).contains { $0.elementsEqual(entry) }
    }
}
