import Foundation
import GaaraProcess
import GaaraRunner

#if canImport(Glibc)
    import Glibc
#endif

/// How `gaara serve` confines the steps of workflows.
public enum StepIsolationMode: String, Sendable, CaseIterable {
    /// Steps run under bubblewrap, without the server's data directory, as an unprivileged user
    /// when the server is root, in a cgroup per job (the default).
    case sandbox
    /// Steps run as the server's own children with its user: any workflow can read the server's
    /// keys. Only for a server whose every workflow author is trusted with them.
    case none
}

/// Why the server cannot start with the isolation it was asked for.
public struct IsolationError: Error, CustomStringConvertible, Sendable {
    /// What is missing and what to do.
    public let description: String
}

extension CIServer {
    /// The confinement of step processes for `configuration`, nil for ``StepIsolationMode/none``.
    /// As root it creates the steps' user (`useradd --system`) when it does not exist yet.
    static func makeIsolation(_ configuration: ServerConfiguration) throws -> StepIsolation? {
        guard configuration.isolation == .sandbox else { return nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let bubblewrap = ChildProcess.resolve("bwrap", path: path)
        let setpriv = ChildProcess.resolve("setpriv", path: path + ":/usr/bin:/bin")
        let asRoot = geteuid() == 0
        if let problem = StepIsolation.check(bubblewrap: bubblewrap, setpriv: setpriv, user: asRoot) {
            throw IsolationError(
                description: "\(problem). Steps must not run with access to the server's keys; "
                    + "pass --isolation none only if every workflow author may read them.")
        }
        var user: (uid: uid_t, gid: gid_t)?
        if asRoot { user = try stepUser(configuration.stepUser) }
        var hidden = [configuration.dataDirectory.standardizedFileURL.path]
        // The server's home holds its other credentials (SSH keys, registry logins). It is hidden
        // first: the data directory is often inside it (~/.local/share/gaara), and is then hidden
        // again inside the empty home, with folders the steps' user can pass through.
        if let home = ProcessInfo.processInfo.environment["HOME"], home != "/", !home.isEmpty, home != hidden[0] {
            hidden.insert(URL(fileURLWithPath: home).standardizedFileURL.path, at: 0)
        }
        return StepIsolation(
            bubblewrap: bubblewrap!, hiddenPaths: hidden, user: user, setpriv: setpriv ?? "setpriv",
            cgroups: ProcessCgroups.open(scope: configuration.dataDirectory.standardizedFileURL.path))
    }

    /// The uid and gid of `name`, creating it as a system user with its own group if needed.
    private static func stepUser(_ name: String) throws -> (uid: uid_t, gid: gid_t) {
        if let entry = getpwnam(name) {
            guard entry.pointee.pw_uid != 0 else { throw IsolationError(description: "the steps' user \(name) is root; name an unprivileged one") }
            return (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/useradd")
        process.arguments = ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            throw IsolationError(description: "cannot create the steps' user \(name) with useradd: \(error)")
        }
        guard let entry = getpwnam(name), entry.pointee.pw_uid != 0 else {
            throw IsolationError(description: "cannot create the steps' user \(name) (useradd exited with \(process.terminationStatus))")
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}
