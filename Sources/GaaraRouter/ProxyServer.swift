import CGaaraSystem
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The router's listening side. Connections start on the byte-forwarding path: ``ByteLoop``
/// threads (one per core) with their own epoll, which carry plain requests as bytes. A
/// connection whose request that path does not take moves to the full HTTP/1.1 pipeline on
/// SwiftNIO (``ProxyHandler``) for good. Malformed requests get NIO's 400 and the connection closes.
public final class ProxyServer: Sendable {
    /// The routing table requests read.
    public let table: RoutingTable
    /// Trusted proxies and the request head timeout.
    public let settings: ProxySettings
    let pools = UpstreamPools()
    private let group: MultiThreadedEventLoopGroup
    private let connections = Connections()
    /// The bound, listening socket every loop accepts on.
    let listeningSocket: CInt
    /// The bound port.
    public let port: Int
    private let loops = NIOLockedValueBox<[ByteLoop]>([])
    private let turn = Atomic<Int>(0)
    /// Client connections the loops hold.
    let openConnections = Atomic<Int>(0)
    /// Loops still accepting.
    private let listeners = Atomic<Int>(0)
    private let listening = DispatchGroup()
    private let running = DispatchGroup()

    /// Tells a connection's ``ProxyHandler`` that the router is stopping.
    struct Drain: Sendable {}

    /// The open client connections of the full pipeline.
    final class Connections: Sendable {
        let open = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            let key = ObjectIdentifier(channel)
            open.withLockedValue { $0[key] = channel }
            channel.closeFuture.whenComplete { [self] _ in _ = open.withLockedValue { $0.removeValue(forKey: key) } }
        }
    }

    /// How many ``ByteLoop`` threads a router runs by default: one more than the cores. Measured
    /// on two cores shared with the load generator and the upstream (bench/router), three loops
    /// carried 10-20% more requests per second than two, with a lower p99, and stayed there from
    /// run to run (two loops swung between 40k and 54k req/s with where the scheduler put them);
    /// four were worse again. nginx did not gain from more workers than cores.
    public static var defaultThreads: Int { System.coreCount + 1 }

    /// Listens on `host:port` (port 0 picks a free one) with `threads` byte-forwarding loops.
    public init(
        table: RoutingTable, host: String, port: Int, threads: Int = ProxyServer.defaultThreads, settings: ProxySettings = ProxySettings()
    ) throws {
        self.table = table
        self.settings = settings
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        // SO_REUSEPORT: a new router can listen on the same port before the old one stops, and
        // takes every new connection from then on; restarts lose nothing.
        listeningSocket = try ListeningSocket.open(host: host, port: port)
        self.port = ListeningSocket.port(of: listeningSocket)
        try ListeningSocket.listening(listeningSocket, backlog: 1024)
        let made = try (0..<max(1, threads)).map { _ in try ByteLoop(server: self) }
        loops.withLockedValue { $0 = made }
        listeners.store(made.count, ordering: .relaxed)
        listening.enter()
        for (index, loop) in made.enumerated() {
            loop.listen(on: listeningSocket)
            running.enter()
            let thread = Thread { [running] in
                gaara_set_thread_name("gaara-router-\(index)")
                loop.run()
                running.leave()
            }
            thread.start()
        }
    }

    /// The loop a new connection goes to: each in turn, so both cores carry half.
    func nextLoop() -> ByteLoop {
        loops.withLockedValue { $0[turn.wrappingAdd(1, ordering: .relaxed).oldValue % $0.count] }
    }

    /// A loop stopped accepting; the last one closes the socket.
    func stoppedListening(_ loop: ByteLoop) {
        loop.clear(listeningSocket)
        if listeners.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            Glibc.close(listeningSocket)
            listening.leave()
        }
    }

    /// Moves a client connection from a ``ByteLoop`` to the full pipeline, with the bytes read but
    /// not handled, whether the client is a trusted proxy, and when the wait for its head began.
    func handOver(_ descriptor: CInt, pending: ByteBuffer?, draining: Bool, trusted: Bool, headSince: Double) {
        let table = table
        let pools = pools
        let connections = connections
        let client = ProxyHandler.Client(trusted: trusted, headerTimeout: settings.headerTimeout, headSince: headSince)
        ClientBootstrap(group: group)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try ProxyServer.installFullPipeline(
                        channel.pipeline.syncOperations, table: table, pools: pools, client: client, draining: draining)
                }
            }
            .withConnectedSocket(descriptor)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    // On the channel's loop: the bytes read so far go first, then the socket is read.
                    let sync = channel.pipeline.syncOperations
                    if let pending { sync.fireChannelRead(NIOAny(pending)) }
                    sync.fireChannelReadComplete()
                    channel.setOption(.autoRead, value: true).whenComplete { _ in }
                case .failure: Glibc.close(descriptor)
                }
            }
    }

    /// Adds the full HTTP pipeline and its ``ProxyHandler`` to a client connection (when
    /// a ``ByteConnection`` hands it over).
    static func installFullPipeline(
        _ pipeline: ChannelPipeline.SynchronousOperations, table: RoutingTable, pools: UpstreamPools, client: ProxyHandler.Client,
        draining: Bool = false
    ) throws {
        // Response headers come from the upstream's parsed answer (validated there) and the router itself.
        // No pipelining assistance: it stops reading while an answer is on its way (two epoll_ctl calls
        // per request); ProxyHandler holds pipelined requests itself.
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true, withOutboundHeaderValidation: false)
        let handler = ProxyHandler(table: table, pools: pools, client: client)
        handler.draining = draining
        try pipeline.addHandler(handler)
    }

    /// The event loops of the full pipeline (health checks run on them too).
    public var eventLoopGroup: any EventLoopGroup { group }

    private func stopListening() {
        for loop in loops.withLockedValue({ $0 }) { loop.send(.stopListening) }
    }

    /// Stops listening, lets every request in flight finish (each answered with `Connection:
    /// close`), closes idle connections, and returns when all are closed or after `timeout` seconds.
    public func drain(timeout: Double) async {
        let deadline = Date().addingTimeInterval(timeout)
        stopListening()
        while Date() < deadline, listeners.load(ordering: .acquiring) > 0 {
            do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
        }
        for loop in loops.withLockedValue({ $0 }) { loop.send(.drain) }
        for connection in connections.open.withLockedValue({ Array($0.values) }) {
            connection.pipeline.fireUserInboundEventTriggered(Drain())
        }
        while Date() < deadline, openConnections.load(ordering: .relaxed) > 0 || !connections.open.withLockedValue({ $0.isEmpty }) {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { break }  // cancelled: stop waiting
        }
    }

    /// Stops listening, closes every connection and stops the loops.
    public func shutdown() throws {
        stopListening()
        let stopping = loops.withLockedValue { loops in
            defer { loops = [] }
            return loops
        }
        for loop in stopping { loop.send(.stop) }
        _ = running.wait(timeout: .now() + 10)
        try group.syncShutdownGracefully()
    }

    /// Waits until the router stops listening.
    public func wait() throws {
        listening.wait()
    }
}

/// A channel reference that is Sendable (channels are thread-safe).
struct NIOLockedChannel: Sendable {
    let value: any Channel

    init(_ value: any Channel) {
        self.value = value
    }
}
