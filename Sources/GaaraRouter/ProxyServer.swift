import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The router's listening side: an HTTP/1.1 server on SwiftNIO. Every connection starts on the
/// byte-forwarding path (``FastProxyHandler``) and moves to the full HTTP pipeline
/// (``ProxyHandler``) at its first request that path does not take. Malformed requests get NIO's
/// 400 and the connection closes.
public final class ProxyServer: Sendable {
    /// The routing table requests read.
    public let table: RoutingTable
    let pools = UpstreamPools<UpstreamHandler>()
    let rawPools = UpstreamPools<RawUpstreamHandler>()
    private let group: MultiThreadedEventLoopGroup
    private let channel: NIOLockedChannel
    private let connections: Connections

    /// Tells a connection's ``ProxyHandler`` that the router is stopping.
    struct Drain: Sendable {}

    /// The open client connections.
    final class Connections: Sendable {
        let open = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            let key = ObjectIdentifier(channel)
            open.withLockedValue { $0[key] = channel }
            channel.closeFuture.whenComplete { [self] _ in _ = open.withLockedValue { $0.removeValue(forKey: key) } }
        }
    }

    /// Listens on `host:port` (port 0 picks a free one).
    public init(table: RoutingTable, host: String, port: Int, threads: Int = System.coreCount) throws {
        self.table = table
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let pools = self.pools
        let rawPools = self.rawPools
        let connections = Connections()
        self.connections = connections
        let bootstrap = ServerBootstrap(group: group)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FastProxyHandler(table: table, pools: rawPools, fullPools: pools))
                }
            }
        // SO_REUSEPORT: a new router can listen on the same port before the old one stops, and
        // takes every new connection from then on; restarts lose nothing.
        let socket = try ListeningSocket.open(host: host, port: port)
        channel = NIOLockedChannel(try bootstrap.withBoundSocket(socket).wait())
        ListeningSocket.listening(socket, backlog: 1024)
    }

    /// Adds the full HTTP pipeline and its ``ProxyHandler`` to a client connection (when
    /// ``FastProxyHandler`` hands it over).
    static func installFullPipeline(
        _ pipeline: ChannelPipeline.SynchronousOperations, table: RoutingTable, pools: UpstreamPools<UpstreamHandler>, draining: Bool = false
    ) throws {
        // Response headers come from the upstream's parsed answer (validated there) and the router itself.
        // No pipelining assistance: it stops reading while an answer is on its way (two epoll_ctl calls
        // per request); ProxyHandler holds pipelined requests itself.
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true, withOutboundHeaderValidation: false)
        let handler = ProxyHandler(table: table, pools: pools)
        handler.draining = draining
        try pipeline.addHandler(handler)
    }

    /// The event loops (health checks run on them too).
    public var eventLoopGroup: any EventLoopGroup { group }

    /// The bound port.
    public var port: Int { channel.value.localAddress?.port ?? 0 }

    /// Stops listening, lets every request in flight finish (each answered with `Connection:
    /// close`), closes idle connections, and returns when all are closed or after `timeout` seconds.
    public func drain(timeout: Double) async {
        try? await channel.value.close()
        for connection in connections.open.withLockedValue({ Array($0.values) }) {
            connection.pipeline.fireUserInboundEventTriggered(Drain())
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, !connections.open.withLockedValue({ $0.isEmpty }) {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { break }  // cancelled: stop waiting
        }
    }

    /// Stops listening and closes the event loops.
    public func shutdown() throws {
        try? channel.value.close().wait()
        try group.syncShutdownGracefully()
    }

    /// Waits until the listening channel closes.
    public func wait() throws {
        try channel.value.closeFuture.wait()
    }
}

/// A channel reference that is Sendable (channels are thread-safe).
struct NIOLockedChannel: Sendable {
    let value: any Channel

    init(_ value: any Channel) {
        self.value = value
    }
}
