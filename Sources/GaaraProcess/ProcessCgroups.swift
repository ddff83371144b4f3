import CGaaraSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Control groups (cgroup v2) that hold every process a job starts, whatever it does: a child
/// that calls `setsid`, double-forks or leaves its process group is still in its cgroup, and
/// writing `1` to `cgroup.kill` ends them all at once. One folder per server (under the cgroup2
/// mount, named for the data directory) holds one cgroup per job, so a server that starts after a
/// crash finds and kills whatever the last one left behind.
///
/// Needs write access to the cgroup2 hierarchy (root, or a delegated subtree); ``open(scope:)``
/// returns nil where there is none, and callers fall back to process groups.
public struct ProcessCgroups: Sendable {
    /// This server's folder, e.g. `/sys/fs/cgroup/unified/gaara/3f2a…`.
    public let root: String

    /// Opens (creating) the folder for `scope` (any stable text naming the owner, such as its data
    /// directory) under the first writable cgroup2 mount, or nil when cgroups cannot be used here.
    public static func open(scope: String) -> ProcessCgroups? {
        guard let mount = cgroup2Mount() else { return nil }
        let root = mount + "/gaara/" + fingerprint(scope)
        for path in [mount + "/gaara", root] where mkdir(path, 0o755) != 0 && errno != EEXIST {
            return nil
        }
        // A folder we cannot add processes to (read-only, not delegated) is no use.
        guard access(root + "/cgroup.procs", W_OK) == 0 else { return nil }
        return ProcessCgroups(root: root)
    }

    /// Creates a cgroup named `name` (letters, digits, `-`, `_`, `.`) and returns its path.
    public func create(_ name: String) throws(SpawnError) -> String {
        let path = root + "/" + name
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw SpawnError(executable: "cgroup \(path)", reason: String(cString: strerror(errno)))
        }
        return path
    }

    /// The command prefix that moves the process into `cgroup` before it runs the rest: the shell
    /// writes its own pid to `cgroup.procs`, then `exec`s the command, so nothing it starts can be
    /// outside the cgroup (no window between spawn and move).
    public static func joinPrefix(_ cgroup: String) -> [String] {
        ["/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cgroup + "/cgroup.procs"]
    }

    /// Kills every process in `cgroup` and removes it. Returns how many processes were in it.
    @discardableResult
    public static func kill(_ cgroup: String) -> Int {
        var found = 0
        // cgroup.kill (Linux 5.14+) sends SIGKILL to all at once, new forks included; older kernels
        // get the pids killed one by one until the cgroup is empty.
        let hasKill = access(cgroup + "/cgroup.kill", W_OK) == 0
        for attempt in 0..<200 {
            let pids = members(cgroup)
            if attempt == 0 { found = pids.count }
            if pids.isEmpty { break }
            if hasKill {
                write("1", to: cgroup + "/cgroup.kill")
            } else {
                for pid in pids { Glibc.kill(pid, SIGKILL) }
            }
            usleep(attempt < 10 ? 1000 : 10_000)
        }
        rmdir(cgroup)
        return found
    }

    /// Kills everything in every cgroup of this folder (what a crashed server left) and removes
    /// them. Returns how many processes were killed.
    @discardableResult
    public func killAll() -> Int {
        var killed = 0
        for name in Self.children(root) { killed += Self.kill(root + "/" + name) }
        return killed
    }

    /// The pids in a cgroup.
    public static func members(_ cgroup: String) -> [pid_t] {
        guard let text = try? String(contentsOfFile: cgroup + "/cgroup.procs", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    private static func children(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    private static func write(_ text: String, to path: String) {
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// The first cgroup2 mount point in this process's mount table.
    private static func cgroup2Mount() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPER"
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            if fields.count > 4 { return String(fields[4]) }
        }
        return nil
    }

    /// 16 hex digits of FNV-1a over `text`: a stable, short, path-safe name.
    private static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Protections of the current process against the processes it starts.
public enum ProcessProtection {
    /// Makes this process non-dumpable: a process of the same user without `CAP_SYS_PTRACE` (a
    /// step, even one outside any sandbox) can no longer read its memory, environment, open files
    /// or mount view through `/proc`, nor attach a debugger. Returns false when the kernel refused.
    @discardableResult
    public static func forbidInspection() -> Bool {
        gaara_set_dumpable(0) == 0
    }
}
