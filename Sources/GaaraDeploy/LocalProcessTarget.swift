import Foundation
import GaaraProcess
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Releases as supervised processes on this machine, for teams without Docker: each release runs its
/// command in a copy of its directory (`<root>/<service>/<release>/app`), on a loopback port of its own
/// (`$PORT`), in its own process group, restarted with backoff when it exits, its output appended to
/// `output.log`. `release.json` records the port and process, so a controller that restarts finds the
/// release again (`GAARA_RELEASE` in the process's environment proves it is the same) and adopts it.
///
/// Supervision runs in this process, or (`supervisor` set: the foreground `gaara deploy`, which ends
/// while its releases must go on) in a `gaara supervise` process of its own session per release,
/// which writes the output log itself and restarts the release after this process has exited.
public actor LocalProcessTarget: DeployTarget {
    /// Where releases live.
    public let root: URL
    /// The command that supervises a release detached (`[gaara, supervise]`); nil: in this process.
    public let supervisor: [String]?
    /// The address releases are told to listen on (`$BIND_ADDRESS`): loopback on the controller's
    /// machine; every address on an SSH host, where the router reaches them from outside.
    public let bindAddress: String
    private var supervisors: [String: ProcessSupervisor] = [:]

    /// A target keeping its releases under `root`, supervised in this process or by `supervisor`.
    public init(root: URL, supervisor: [String]? = nil, bindAddress: String = "127.0.0.1") {
        self.root = root
        self.supervisor = supervisor
        self.bindAddress = bindAddress
    }

    /// What is kept about a running release.
    struct Record: Codable {
        var port: Int
        /// The release's process (its process group).
        var pid: Int32
        /// The detached supervisor's process, when there is one (stopping the release stops it first).
        var supervisor: Int32?

        /// Whether `release` still runs: its process, or its supervisor between two restarts.
        func isAlive(_ release: String) -> Bool {
            LocalProcessTarget.processRuns(pid, release: release) || supervisor.map { LocalProcessTarget.processRuns($0, release: release) } == true
        }
    }

    func folder(_ release: ReleaseSpec) -> URL {
        root.appendingPathComponent(release.service).appendingPathComponent(release.release)
    }

    /// Starts (or adopts) the release; see ``DeployTarget``.
    public func start(_ release: ReleaseSpec) async throws -> TargetEndpoint {
        guard case .command(let command, let directory) = release.artifact else {
            throw DeployTargetError("\(release.release): a local process target runs commands; an image needs a container target")
        }
        if let supervisor = supervisors[release.release] { return supervisor.endpoint }
        let folder = folder(release)
        if let record = Self.readRecord(folder), record.isAlive(release.release) {
            return TargetEndpoint(host: "127.0.0.1", port: record.port)
        }
        let app = folder.appendingPathComponent("app")
        do {
            // A release's copy is made once and kept: starting it again (a rollback) runs the same
            // files even when the source directory has changed since. Copied aside and renamed, so a
            // crash mid-copy never leaves a half copy that looks complete.
            if !FileManager.default.fileExists(atPath: app.path) {
                let partial = folder.appendingPathComponent("app.partial")
                try? FileManager.default.removeItem(at: partial)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: URL(fileURLWithPath: directory), to: partial)
                try FileManager.default.moveItem(at: partial, to: app)
            }
        } catch {
            throw DeployTargetError("\(release.release): cannot prepare the release directory from \(directory): \(error)")
        }
        let port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "LANG", "LC_ALL", "TZ"].contains($0.key) }
        environment.merge(release.environment) { $1 }
        environment["PORT"] = String(port)
        environment["BIND_ADDRESS"] = bindAddress
        environment["GAARA_SERVICE"] = release.service
        environment["GAARA_RELEASE"] = release.release
        let endpoint = TargetEndpoint(host: "127.0.0.1", port: port)
        if let detached = self.supervisor {
            try await startDetached(detached, environment: environment, command: command, app: app, folder: folder, port: port, release: release)
            return endpoint
        }
        let supervisor = ProcessSupervisor(
            command: ChildProcess.Command("/bin/sh", ["-c", command], environment: environment, workingDirectory: app.path),
            endpoint: endpoint, folder: folder, stopGrace: release.stopGrace)
        supervisors[release.release] = supervisor
        supervisor.start()
        return supervisor.endpoint
    }

    /// Stops the release; see ``DeployTarget``.
    public func stop(_ release: ReleaseSpec) async throws {
        let folder = folder(release)
        if let supervisor = supervisors.removeValue(forKey: release.release) {
            await supervisor.stop()
        } else if let record = Self.readRecord(folder), let supervisor = record.supervisor, Self.processRuns(supervisor, release: release.release) {
            // A detached supervisor stops its release (signal, grace, kill) and then exits.
            await Self.terminate(supervisor, group: false, release: release.release, grace: release.stopGrace + 5)
            if Self.processRuns(record.pid, release: release.release) { kill(-record.pid, SIGKILL) }
        } else if let record = Self.readRecord(folder), Self.processRuns(record.pid, release: release.release) {
            // Adopted: not our child, so signalled by its process group and watched until it is gone.
            await Self.terminate(record.pid, group: true, release: release.release, grace: release.stopGrace)
        }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("release.json"))
    }

    /// Deletes the stopped release's folder (its copy of the files, its log); see ``DeployTarget``.
    public func remove(_ release: ReleaseSpec) async throws {
        let folder = folder(release)
        if supervisors[release.release] != nil || Self.readRecord(folder)?.isAlive(release.release) == true { return }
        do {
            if FileManager.default.fileExists(atPath: folder.path) { try FileManager.default.removeItem(at: folder) }
        } catch {
            throw DeployTargetError("\(release.release): cannot remove \(folder.path): \(error)")
        }
    }

    /// The releases of `service` running here.
    public func running(service: String) async throws -> [String] {
        let folder = root.appendingPathComponent(service)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            supervisors[name] != nil
                || Self.readRecord(folder.appendingPathComponent(name))?.isAlive(name) == true
        }.sorted()
    }

    /// The last lines of the release's output.
    public func logTail(_ release: ReleaseSpec, lines: Int) async -> String {
        guard let data = FileManager.default.contents(atPath: folder(release).appendingPathComponent("output.log").path) else { return "" }
        return String(decoding: data.suffix(64 * 1024), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines + 1).joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// Starts `supervisor --folder F --port P --grace G -- /bin/sh -c command` in a session of its own
    /// and waits until it has started the release (its record names both processes).
    private func startDetached(
        _ supervisor: [String], environment: [String: String], command: String, app: URL, folder: URL, port: Int, release: ReleaseSpec
    ) async throws {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("release.json"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments =
            supervisor + [
                "--folder", folder.path, "--port", String(port), "--grace", String(release.stopGrace), "--directory", app.path, "--", "/bin/sh", "-c",
                command,
            ]
        // Marked detached: it outlives this command, even when a `gaara run` job ran it.
        process.environment = environment.merging([ChildProcess.detachedVariable: "1"]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DeployTargetError("\(release.release): cannot start its supervisor: \(error)")
        }
        // Up to 20 s for the record (a loaded machine starts processes slowly).
        for _ in 0..<400 {
            if let record = Self.readRecord(folder), record.supervisor != nil { return }
            if !process.isRunning, process.terminationStatus != 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DeployTargetError(
            "\(release.release): its supervisor did not start it; \(folder.appendingPathComponent("output.log").path) may say why")
    }

    /// Sends SIGTERM to `pid` (its process group with `group`), waits up to `grace` seconds for it to
    /// be gone, then sends SIGKILL.
    private static func terminate(_ pid: Int32, group: Bool, release: String, grace: Double) async {
        let target = group ? -pid : pid
        kill(target, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while processRuns(pid, release: release), Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if processRuns(pid, release: release) { kill(target, SIGKILL) }
    }

    static func readRecord(_ folder: URL) -> Record? {
        FileManager.default.contents(atPath: folder.appendingPathComponent("release.json").path).flatMap {
            try? JSONDecoder().decode(Record.self, from: $0)
        }
    }

    /// Whether `pid` is alive and is `release` (its environment says so: a reused pid is not adopted).
    static func processRuns(_ pid: Int32, release: String) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM,
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ")
        else { return false }
        return environ.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "GAARA_RELEASE=\(release)" }
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DeployTargetError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DeployTargetError("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Keeps one release's process running: restarts it after it exits (0.5 s, doubling to 30 s; the
/// backoff resets once a run lasted 10 s) until stopped. `gaara supervise` runs one in a process of its own.
public final class ProcessSupervisor: Sendable {
    let command: ChildProcess.Command
    let endpoint: TargetEndpoint
    let folder: URL
    let stopGrace: Double
    /// This process's id when it supervises detached (written to the record), else nil.
    let detachedPID: Int32?
    private let state = Mutex<(handle: ChildProcess.Handle?, stopping: Bool, task: Task<Void, Never>?)>((nil, false, nil))

    /// A supervisor of `command`, which listens on `endpoint` and keeps its files in `folder`.
    /// `detached`: this process exists only to supervise it (its pid goes in the record).
    public init(command: ChildProcess.Command, endpoint: TargetEndpoint, folder: URL, stopGrace: Double, detached: Bool = false) {
        self.command = command
        self.endpoint = endpoint
        self.folder = folder
        self.stopGrace = stopGrace
        detachedPID = detached ? getpid() : nil
    }

    /// Starts supervising.
    public func start() {
        let task = Task { await self.supervise() }
        state.withLock { $0.task = task }
    }

    private func supervise() async {
        let logURL = folder.appendingPathComponent("output.log")
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        guard let log = try? FileHandle(forWritingTo: logURL) else { return }
        defer { try? log.close() }
        _ = try? log.seekToEnd()
        let writer = Mutex(log)
        var backoff = 0.5
        while !state.withLock({ $0.stopping }) {
            let started = Date()
            let onStart: @Sendable (ChildProcess.Handle) -> Void = { handle in
                self.state.withLock { $0.handle = handle }
                let record = LocalProcessTarget.Record(port: self.endpoint.port, pid: handle.pid, supervisor: self.detachedPID)
                try? JSONEncoder().encode(record).write(to: self.folder.appendingPathComponent("release.json"), options: .atomic)
            }
            let result = try? await ChildProcess.run(command, onStart: onStart) { chunk in writer.withLock { $0.write(Data(chunk)) } }
            state.withLock { $0.handle = nil }
            if state.withLock({ $0.stopping }) { break }
            if Date().timeIntervalSince(started) > 10 { backoff = 0.5 }
            let status = result.map { "\($0.status)" } ?? "a start failure"
            writer.withLock { $0.write(Data("gaara: the process ended (\(status)); restarting in \(backoff) s\n".utf8)) }
            try? await Task.sleep(for: .milliseconds(Int(backoff * 1000)))
            backoff = min(backoff * 2, 30)
        }
    }

    /// Stops the process (signal, grace, kill) and the supervision.
    public func stop() async {
        let (handle, task) = state.withLock { state -> (ChildProcess.Handle?, Task<Void, Never>?) in
            state.stopping = true
            return (state.handle, state.task)
        }
        handle?.terminate(grace: stopGrace)
        await task?.value
    }
}
