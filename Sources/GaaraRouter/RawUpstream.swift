import NIOCore

/// Receives the bytes an upstream connection delivers while it serves a request of the
/// byte-forwarding path.
protocol RawUpstreamDelegate: AnyObject {
    func rawUpstreamRead(_ buffer: ByteBuffer)
    func rawUpstreamReadComplete()
    func rawUpstreamClosed()
}

/// The only handler of an upstream connection of the byte-forwarding path: no HTTP codec, the
/// ``FastProxyHandler`` frames the answer itself.
final class RawUpstreamHandler: ChannelInboundHandler, PooledUpstreamHandler {
    typealias InboundIn = ByteBuffer

    weak var delegate: (any RawUpstreamDelegate)?

    static func install(on channel: any Channel) throws {
        try channel.pipeline.syncOperations.addHandler(RawUpstreamHandler())
    }

    func detach() { delegate = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let delegate else {
            // An idle connection got bytes nobody asked for: it cannot carry another request.
            context.close(promise: nil)
            return
        }
        delegate.rawUpstreamRead(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.rawUpstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.rawUpstreamClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
