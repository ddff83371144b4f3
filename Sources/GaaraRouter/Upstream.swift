import GaaraRouterCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Receives what an upstream connection delivers while it serves a request.
protocol UpstreamDelegate: AnyObject {
    func upstreamRead(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    func upstreamWritabilityChanged(_ writable: Bool)
    func upstreamClosed()
}

/// The last handler of an upstream channel: hands response parts to the request it serves.
final class UpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    weak var delegate: (any UpstreamDelegate)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        delegate?.upstreamRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged(context.channel.isWritable)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// One upstream connection and its handler.
struct UpstreamConnection {
    let channel: any Channel
    let handler: UpstreamHandler
    let address: TargetAddress
    /// Whether it came from the idle pool (it may have been closed by the target meanwhile).
    let reused: Bool
}

/// Idle keep-alive connections to targets of the full path, one pool per event loop (used only on that loop).
final class UpstreamPool {
    let eventLoop: any EventLoop
    private var idle: [TargetAddress: [UpstreamConnection]] = [:]
    static var maxIdlePerTarget: Int { 1024 }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// An idle, still open connection to `address` (the most recently used first).
    func take(_ address: TargetAddress) -> UpstreamConnection? {
        // In place: copying the stack out of the dictionary would copy it whole on every request.
        while let connection = idle[address]?.popLast() {
            if connection.channel.isActive {
                return UpstreamConnection(channel: connection.channel, handler: connection.handler, address: address, reused: true)
            }
        }
        return nil
    }

    /// Keeps a connection for reuse (closing it when the pool is full). Connections the target
    /// closed meanwhile are skipped by ``take(_:)``.
    func give(_ connection: UpstreamConnection) {
        connection.handler.delegate = nil
        guard (idle[connection.address]?.count ?? 0) < Self.maxIdlePerTarget, connection.channel.isActive else {
            connection.channel.close(promise: nil)
            return
        }
        idle[connection.address, default: []].append(connection)
    }

    /// Opens a new connection to `address` on this loop.
    func connect(_ address: TargetAddress, timeout: Double) -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Headers going up were parsed (and so validated) by the server side already.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes, enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
        return bootstrap.connect(host: address.host, port: address.port).flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
            return UpstreamConnection(channel: channel, handler: handler, address: address, reused: false)
        }
    }

    /// Closes every idle connection.
    func closeAll() {
        for stack in idle.values { for connection in stack { connection.channel.close(promise: nil) } }
        idle = [:]
    }
}

/// One ``UpstreamPool`` per event loop.
final class UpstreamPools: Sendable {
    private let pools = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<UpstreamPool>]>([:])

    func pool(for eventLoop: any EventLoop) -> UpstreamPool {
        pools.withLockedValue { pools in
            if let bound = pools[ObjectIdentifier(eventLoop)] { return bound.value }
            let pool = UpstreamPool(eventLoop: eventLoop)
            pools[ObjectIdentifier(eventLoop)] = NIOLoopBound(pool, eventLoop: eventLoop)
            return pool
        }
    }
}
