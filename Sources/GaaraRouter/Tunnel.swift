import NIOCore
import NIOHTTP1

/// One end of a byte tunnel between two channels (a client and an upstream after a `101 Switching
/// Protocols`): what one side reads, the other writes, with backpressure — a side stops reading
/// while its partner cannot write — and a close on either side closes both.
final class TunnelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: TunnelHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    /// Two linked ends.
    static func pair() -> (TunnelHandler, TunnelHandler) {
        let first = TunnelHandler()
        let second = TunnelHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    private var isWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerWrite(_ data: NIOAny) {
        context?.write(data, promise: nil)
    }

    private func partnerFlush() {
        context?.flush()
    }

    private func partnerWritabilityChanged(_ writable: Bool) {
        guard writable, pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    private func partnerClose() {
        context?.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.partnerClose()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        partner?.partnerWritabilityChanged(context.channel.isWritable)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            // Half-close: pass the end of input on as an end of output.
            partner?.context?.close(mode: .output, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func read(context: ChannelHandlerContext) {
        if partner?.isWritable ?? true {
            context.read()
        } else {
            pendingRead = true
        }
    }
}

/// Protocol upgrades (WebSocket): a `101` from the target turns both connections into a tunnel.
extension ProxyHandler {
    static func asksUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers.first(name: "upgrade") != nil
            && head.headers["connection"].contains {
                $0.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "upgrade" }
            }
    }

    /// The target switched protocols: drop HTTP on both connections and pass bytes through as they come.
    func tunnel(_ head: HTTPResponseHead, to connection: UpstreamConnection, context: ChannelHandlerContext) {
        cancelTimeout()
        stopWaitingForHead()
        upstream = nil
        connection.handler.delegate = nil
        finish(answered: 101)
        phase = .idle
        let client = context.channel
        let (clientEnd, upstreamEnd) = TunnelHandler.pair()
        do {
            let upstreamPipeline = connection.channel.pipeline.syncOperations
            try upstreamPipeline.addHandler(upstreamEnd)
            for type in [
                UpstreamHandler.self, HTTPRequestEncoder.self, NIOHTTPRequestHeadersValidator.self, ByteToMessageHandler<HTTPResponseDecoder>.self,
            ] as [any ChannelHandler.Type] {
                // The response decoder goes last: it hands on what it read past the 101 as bytes.
                if let handler = try? upstreamPipeline.context(handlerType: type) { upstreamPipeline.removeHandler(context: handler, promise: nil) }
            }
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandler(clientEnd)
            for type in [
                HTTPResponseEncoder.self, ByteToMessageHandler<HTTPRequestDecoder>.self, HTTPServerPipelineHandler.self,
                NIOHTTPResponseHeadersValidator.self, HTTPServerProtocolErrorHandler.self,
            ] as [any ChannelHandler.Type] {
                if let handler = try? pipeline.context(handlerType: type) { pipeline.removeHandler(context: handler, promise: nil) }
            }
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            client.close(promise: nil)
            connection.channel.close(promise: nil)
            return
        }
        var text = "HTTP/1.1 101 Switching Protocols\r\n"
        for (name, value) in head.headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        client.writeAndFlush(client.allocator.buffer(string: text), promise: nil)
        connection.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        client.read()
        connection.channel.read()
    }
}
