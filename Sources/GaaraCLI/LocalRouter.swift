import Crypto
import Foundation
import GaaraProcess
import GaaraRouter

/// The router of a local environment: found by its admin socket, or started in the background
/// (`gaara router`, in its own session so it outlives the command) with its table and log in the
/// environment's folder.
enum LocalRouter {
    /// An admin client for the running router, starting one first when none answers.
    static func ensure(folder: URL, listen: String, environment: String) async throws -> AdminClient {
        let admin = client(folder: folder)
        if await answers(admin) { return admin }
        let socket = socketPath(folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard let executable = GaaraCommand.executable else {
            throw CLIFailure(.failed, "cannot find the gaara executable to start the router")
        }
        let log = folder.appendingPathComponent("router.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
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
            throw CLIFailure(.failed, "cannot start the router for \(environment): \(error)", cause: error)
        }
        // Up to 20 s: a loaded machine starts it slowly.
        for _ in 0..<200 {
            if await answers(admin) {
                FileHandle.standardOutput.write(Data("started the router of \(environment) on \(listen) (log: \(log.path))\n".utf8))
                return admin
            }
            if !process.isRunning, process.terminationStatus != 0 { break }
            // setsid forks when it cannot make a session in place, so the exit status above is its
            // own; a router that could not start says so in its log and exits.
            // ("gaara: …" for the errors it reports, "Error: …" for the rest; "gaara router: …" is progress).
            let written = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if written.hasPrefix("gaara: ") || written.contains("\ngaara: ") || written.contains("Error:") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw CLIFailure(.failed, "the router of \(environment) did not start on \(listen): \(output.suffix(600))")
    }

    /// The admin client of the router whose files are in `folder` (running or not).
    static func client(folder: URL) -> AdminClient {
        AdminClient(endpoint: "unix:" + socketPath(folder), token: nil)
    }

    /// The admin socket of the router whose files are in `folder`: `folder/admin.sock`, unless that
    /// is too long for a socket address (108 bytes, and the router binds `PATH.PID`), then a name in
    /// /tmp made from a hash of the folder's path.
    static func socketPath(_ folder: URL) -> String {
        let path = folder.appendingPathComponent("admin.sock").path
        guard path.utf8.count > 90 else { return path }
        let digest = SHA256.hash(data: Data(folder.standardizedFileURL.path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return "/tmp/gaara-router-\(getuid())-\(digest).sock"
    }

    /// Stops the environment's router if one runs (its process id is in the name of the socket it
    /// listens on, which `admin.sock` links to). Returns whether one was stopped.
    static func stop(folder: URL) async -> Bool {
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
    static func answers(_ admin: AdminClient) async -> Bool {
        if admin.endpoint.hasPrefix("unix:"), !FileManager.default.fileExists(atPath: String(admin.endpoint.dropFirst(5))) { return false }
        guard let (status, _) = try? await admin.send(.GET, "/services", timeout: 3) else { return false }
        return status == 200
    }
}
