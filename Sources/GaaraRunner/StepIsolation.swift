import Foundation
import GaaraProcess

#if canImport(Glibc)
    import Glibc
#endif

/// How the server confines the processes of steps (scripts and JavaScript actions), so that a
/// workflow author cannot reach the server's keys, database or other runs:
///
/// - **A mount namespace** (bubblewrap): the host's file system as it is, except that the hidden
///   paths (the server's data directory, its home) are empty, this run's own directory is visible
///   at its usual path, and `/tmp` is a folder of the run's.
/// - **Another user** when the server runs as root: the step drops to an unprivileged user and
///   group (`setpriv`) with no capabilities and `no_new_privs`, so the server's processes
///   (`/proc/PID/root`, `environ`, `mem`) and root's files are out of reach. The run's directory is
///   handed to that user before a confined process starts whenever the runner wrote into it.
/// - **A cgroup per job** (where cgroup v2 is writable): every process a step starts stays in its
///   job's cgroup (`setsid` or not) and is killed at the job's end, on cancel, on timeout, and
///   after a crash by the next start.
///
/// Docker steps and containers, git and the built-in actions run as the server (they are the
/// runner's own work); only what the workflow's author wrote runs confined.
public struct StepIsolation: Sendable {
    /// The `bwrap` executable.
    public var bubblewrap: String
    /// Paths the steps must not see (mounted over with empty folders).
    public var hiddenPaths: [String]
    /// The user and group steps run as (nil: the server's own).
    public var user: (uid: uid_t, gid: gid_t)?
    /// The `setpriv` executable (needed with `user`).
    public var setpriv: String
    /// Where job cgroups go (nil: process groups only).
    public var cgroups: ProcessCgroups?

    /// Creates an isolation.
    public init(bubblewrap: String, hiddenPaths: [String], user: (uid: uid_t, gid: gid_t)?, setpriv: String, cgroups: ProcessCgroups?) {
        self.bubblewrap = bubblewrap
        self.hiddenPaths = hiddenPaths
        self.user = user
        self.setpriv = setpriv
        self.cgroups = cgroups
    }

    /// The command that runs `command` confined to `runDirectory`, inside `cgroup` when given.
    public func confine(_ command: ChildProcess.Command, runDirectory: String, cgroup: String?) -> ChildProcess.Command {
        var arguments: [String] = []
        if let cgroup { arguments += ProcessCgroups.joinPrefix(cgroup) }
        arguments += [bubblewrap, "--bind", "/", "/", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm"]
        arguments += ["--bind", runDirectory + "/.host-tmp", "/tmp"]
        for path in hiddenPaths { arguments += ["--tmpfs", path] }
        // The folders above the run's directory are created by bwrap inside the empty ones; make
        // them traversable for the step's user.
        arguments += ["--perms", "0755", "--dir", (runDirectory as NSString).deletingLastPathComponent, "--bind", runDirectory, runDirectory]
        if let directory = command.workingDirectory { arguments += ["--chdir", directory] }
        arguments += ["--"]
        if let user {
            arguments += [
                setpriv, "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                "--",
            ]
        }
        let program = ChildProcess.resolve(command.executable, path: command.environment["PATH"]) ?? command.executable
        arguments += [program] + command.arguments
        let executable = arguments.removeFirst()
        return ChildProcess.Command(executable, arguments, environment: command.environment, workingDirectory: command.workingDirectory)
    }

    /// Prepares a run's directory: the private `/tmp` and (with another user) its owner.
    public func prepare(runDirectory: String) async throws {
        try FileManager.default.createDirectory(atPath: runDirectory + "/.host-tmp", withIntermediateDirectories: true)
        chmod(runDirectory + "/.host-tmp", 0o1777)
        try await handOver(runDirectory)
    }

    /// Gives `directory` and everything in it to the steps' user (nothing to do without one).
    /// Links are never followed (the walk goes through directory descriptors), and the kernel's
    /// `protected_hardlinks` (checked at start) keeps a step from linking a file it does not own
    /// into its folder.
    public func handOver(_ directory: String) async throws {
        guard let user else { return }
        if let code = FileOwnership.give(directory, uid: user.uid, gid: user.gid) {
            throw RunnerError("cannot hand \(directory) to the steps' user: \(String(cString: strerror(code)))")
        }
    }

    /// Finds `bwrap` and `setpriv` and checks that a confined process can start here; the reason
    /// when it cannot.
    public static func check(bubblewrap: String?, setpriv: String?, user: Bool) -> String? {
        guard bubblewrap != nil else {
            return "step isolation needs bubblewrap ('bwrap'; Debian: apt-get install bubblewrap)"
        }
        if user {
            guard setpriv != nil else { return "running steps as another user needs 'setpriv' (Debian: util-linux)" }
            let flag = (try? String(contentsOfFile: "/proc/sys/fs/protected_hardlinks", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard flag == "1" else {
                return "running steps as another user needs fs.protected_hardlinks = 1 (sysctl), or a step could take over a root file"
            }
        }
        return nil
    }
}
