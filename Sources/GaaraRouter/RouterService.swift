import Foundation
import GaaraEvents
import Hummingbird
import NIOCore

/// A router with its health checks and admin API: what `gaara router` runs on its own and what
/// `gaara serve --router-listen` runs next to the CI server.
public struct RouterService: Sendable {
    /// The routing table (persisted in its state file).
    public let table: RoutingTable
    /// The listening proxy.
    public let proxy: ProxyServer
    /// Where the admin API listens.
    public let admin: RouterAdmin.Listen
    /// Seconds requests in flight get to finish when the router stops.
    public var drainTimeout = 30.0
    /// Where target health changes are published (`gaara serve` passes its event bus).
    public var events: (any EventSink)?

    /// Loads the table from `stateFile` and starts listening on `host:port` (port 0: a free one).
    public init(
        stateFile: URL, host: String, port: Int, threads: Int, admin: RouterAdmin.Listen, settings: ProxySettings = ProxySettings()
    ) throws {
        table = try RoutingTable(stateFile: stateFile)
        proxy = try ProxyServer(table: table, host: host, port: port, threads: threads, settings: settings)
        self.admin = admin
    }

    /// Serves until the task is cancelled (or, with `handleSignals`, until SIGINT/SIGTERM), then
    /// closes the proxy. `onListening` gets the admin endpoint once it accepts requests.
    public func run(handleSignals: Bool, onListening: @escaping @Sendable (String) -> Void) async throws {
        let checker = Task { [table, events] in await HealthChecker(table: table, events: events).run() }
        var listen = admin
        var announce = onListening
        if case .unixSocket(let path) = admin {
            // Each process listens on its own socket and points `path` at it with a symlink swapped
            // atomically: during a restart the old router, closing, removes only its own socket.
            let own = "\(path).\(getpid())"
            Self.removeStaleSockets(of: path)
            listen = .unixSocket(own)
            announce = { _ in
                let link = "\(path).link.\(getpid())"
                unlink(link)
                if symlink((own as NSString).lastPathComponent, link) == 0, rename(link, path) == 0 {
                    onListening("unix:" + path)
                } else {
                    onListening("unix:" + own)
                }
            }
        }
        let app = RouterAdmin.application(table: table, listen: listen, onListening: announce)
        do {
            if handleSignals { try await app.runService() } else { try await app.run() }
        } catch is CancellationError {
        } catch {
            checker.cancel()
            try? proxy.shutdown()
            throw error
        }
        checker.cancel()
        await checker.value
        // Stopping (SIGTERM, SIGINT, cancellation): requests in flight finish first.
        await proxy.drain(timeout: drainTimeout)
        try proxy.shutdown()
    }

    /// Removes `PATH.PID` sockets left by routers that were killed (their process is gone).
    static func removeStaleSockets(of path: String) {
        let url = URL(fileURLWithPath: path)
        let prefix = url.lastPathComponent + "."
        let directory = url.deletingLastPathComponent()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { unlink(directory.appendingPathComponent(name).path) }
        }
    }
}
