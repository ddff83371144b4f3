import Crypto
import Foundation
import GaaraProcess
import GaaraRouter
import GaaraWorkflow

/// The router of an environment deployed from this machine (by `gaara deploy` or by the server):
/// found by its admin socket, or started in the background (`gaara router`, in its own session so
/// it outlives the command or the server) with its table and log in the environment's folder.
public enum EnvironmentRouter {
    /// Where an environment's router listens when its `router` is not set.
    public static let defaultListen = "127.0.0.1:8000"

    /// An admin client for the running router, starting one first (with `executable`, the `gaara`
    /// binary) when none answers; `log` gets the line saying it started.
    public static func ensure(
        folder: URL, listen: String, environment: String, executable: String?, log progress: @Sendable (String) -> Void
    ) async throws -> AdminClient {
        let admin = client(folder: folder)
        if await answers(admin) { return admin }
        let socket = socketPath(folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard let executable else { throw DeployTargetError("cannot find the gaara executable to start the router") }
        let logFile = folder.appendingPathComponent("router.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = [
            executable, "router", "--listen", listen, "--admin-socket", socket, "--state", folder.appendingPathComponent("routes.json").path,
        ]
        // Marked detached: it outlives this command, even when a `gaara run` job ran it.
        process.environment = ProcessInfo.processInfo.environment.merging([ChildProcess.detachedVariable: "1"]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        do {
            try process.run()
        } catch {
            throw DeployTargetError("cannot start the router for \(environment): \(error)")
        }
        // Up to 20 s: a loaded machine starts it slowly.
        for _ in 0..<200 {
            if await answers(admin) {
                progress("started the router of \(environment) on \(listen) (log: \(logFile.path))")
                return admin
            }
            if !process.isRunning, process.terminationStatus != 0 { break }
            // setsid forks when it cannot make a session in place, so the exit status above is its
            // own; a router that could not start says so in its log and exits.
            // ("gaara: …" for the errors it reports, "Error: …" for the rest; "gaara router: …" is progress).
            let written = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if written.hasPrefix("gaara: ") || written.contains("\ngaara: ") || written.contains("Error:") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        throw DeployTargetError("the router of \(environment) did not start on \(listen): \(output.suffix(600))")
    }

    /// The admin client of the router whose files are in `folder` (running or not).
    public static func client(folder: URL) -> AdminClient {
        AdminClient(endpoint: "unix:" + socketPath(folder), token: nil)
    }

    /// The admin socket of the router whose files are in `folder`: `folder/admin.sock`, unless that
    /// is too long for a socket address (108 bytes, and the router binds `PATH.PID`), then a name in
    /// /tmp made from a hash of the folder's path.
    public static func socketPath(_ folder: URL) -> String {
        let path = folder.appendingPathComponent("admin.sock").path
        guard path.utf8.count > 90 else { return path }
        let digest = SHA256.hash(data: Data(folder.standardizedFileURL.path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "/tmp/gaara-router-\(getuid())-\(digest).sock"
    }

    /// Stops the environment's router if one runs (its process id is in the name of the socket it
    /// listens on, which `admin.sock` links to). Returns whether one was stopped.
    public static func stop(folder: URL) async -> Bool {
        let link = socketPath(folder)
        guard let own = try? FileManager.default.destinationOfSymbolicLink(atPath: link),
            let pid = pid_t(own.split(separator: ".").last ?? ""), pid > 1
        else { return false }
        guard kill(pid, SIGTERM) == 0 else { return false }
        for _ in 0..<100 where kill(pid, 0) == 0 { try? await Task.sleep(for: .milliseconds(100)) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        return true
    }

    /// Whether a router answers at `admin` (at once when its socket does not exist).
    public static func answers(_ admin: AdminClient) async -> Bool {
        if admin.endpoint.hasPrefix("unix:"), !FileManager.default.fileExists(atPath: String(admin.endpoint.dropFirst(5))) { return false }
        guard let (status, _) = try? await admin.send(.GET, "/services", timeout: 3) else { return false }
        return status == 200
    }
}

extension LocalDeployer {
    /// A deployer whose services' traffic goes through the router at `admin`, whose releases outlive
    /// it under `executable supervise`, and whose SSH hosts are reached with the environment's key
    /// from `variables` (`STAGING_SSH_KEY`): how `gaara deploy` and the server both make one.
    public static func routed(
        config: DeployConfig, environment: DeployEnvironment, repository: URL, folder: EnvironmentFolder, admin: AdminClient,
        executable: String?, variables: [String: String], log: @escaping @Sendable (String) -> Void
    ) -> LocalDeployer {
        var deployer = LocalDeployer(
            config: config, environment: environment, repository: repository, folder: folder,
            traffic: { service in
                RouterTraffic(
                    admin: admin,
                    template: RouterTraffic.template(health: health(service), hosts: service.proxyHosts, pathPrefix: service.pathPrefix))
            },
            supervisor: executable.map { [$0, "supervise"] }, log: log)
        deployer.sshKey = variables[deployer.keyVariable]
        deployer.routerAddress = environment.router ?? EnvironmentRouter.defaultListen
        deployer.notifier = ChannelNotifier(environment.notify, variables: variables, repository: repository, log: log)
        return deployer
    }
}
