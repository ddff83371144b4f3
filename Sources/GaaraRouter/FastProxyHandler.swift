import Foundation
import GaaraRouterCore
import NIOCore
import NIOHTTP1

/// The byte-forwarding path of a client connection: the first handler of every connection. A
/// plain request (HTTP/1.1, no body, no upgrade, a service that is not paused and has a healthy
/// target) is scanned in place, its head rewritten as bytes and sent on a raw pooled upstream
/// connection; the answer is framed by its `Content-Length` or chunked encoding and forwarded as
/// it comes. No HTTP codec, no header dictionaries. Any other request — with a body, malformed,
/// for a paused service, answered by the router itself — hands the connection to the full
/// ``ProxyHandler`` pipeline for good, with the bytes read so far.
final class FastProxyHandler: ChannelDuplexHandler, RemovableChannelHandler, RawUpstreamDelegate {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Heads larger than this go to the full parser (which has its own limits and answers).
    static let maxHead = 16 * 1024
    /// A body up to this size that came with its answer head is copied behind it: one write.
    static let joinedBody = 16 * 1024
    /// A target's answer head larger than this is a 502.
    static let maxResponseHead = 64 * 1024

    let table: RoutingTable
    private let pools: UpstreamPools<RawUpstreamHandler>
    private let fullPools: UpstreamPools<UpstreamHandler>
    private var pool: UpstreamPool<RawUpstreamHandler>?
    private var context: ChannelHandlerContext?
    /// Bytes read from the client and not handled yet (a partial head, or pipelined requests).
    private var inbound: ByteBuffer?
    /// How far the search for the end of the head in ``inbound`` got.
    private var scanned = 0
    var fields: [HeadField] = []
    /// What each of ``fields`` is (reused from request to request, as ``fields`` is).
    var kinds: [FieldKind] = []
    var exchange: FastExchange?
    private var upstream: UpstreamConnection<RawUpstreamHandler>?
    private var readPending = false
    var draining = false
    var random = FastRandom()
    var remoteAddress = ""
    /// `for=ADDRESS` of the `Forwarded` header, made once per connection.
    var forwardedFor = ""
    private var timer: Scheduled<Void>?
    private var lastActivity = NIODeadline.now()

    init(table: RoutingTable, pools: UpstreamPools<RawUpstreamHandler>, fullPools: UpstreamPools<UpstreamHandler>) {
        self.table = table
        self.pools = pools
        self.fullPools = fullPools
        fields.reserveCapacity(32)
        kinds.reserveCapacity(32)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = pools.pool(for: context.eventLoop)
        (remoteAddress, forwardedFor) = ProxyHandler.clientAddress(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if inbound == nil {
            inbound = buffer
        } else {
            inbound!.writeImmutableBuffer(buffer)
        }
        if exchange == nil { handleInbound(context: context) }
    }

    func read(context: ChannelHandlerContext) {
        // While a request is on its way, at most one read of what follows it is held.
        if exchange != nil, inbound != nil {
            readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // The client reads slowly: stop reading the upstream until it catches up.
        if let upstream { upstream.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenComplete { _ in } }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if let upstream {
            upstream.handler.detach()
            upstream.channel.close(promise: nil)
            self.upstream = nil
        }
        // The client left before its answer was complete: 499 (nginx's "client closed request").
        if exchange != nil { finish(answered: 499) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ProxyServer.Drain else { return context.fireUserInboundEventTriggered(event) }
        draining = true
        // An idle keep-alive connection gets a moment for its next request (answered, then closed
        // cleanly with `Connection: close`): closing it at once races with a request on its way.
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(500)) { [self] in
            guard let context = self.context, exchange == nil, inbound == nil else { return }
            context.close(promise: nil)
        }
    }

    /// Starts the requests whose heads are complete in ``inbound``, one at a time.
    private func handleInbound(context: ChannelHandlerContext) {
        while exchange == nil, let pending = inbound, pending.readableBytes > 0 {
            guard let end = pending.withUnsafeReadableBytes({ HeadScan.end(of: $0, from: scanned) }) else {
                if pending.readableBytes > Self.maxHead { return handOver(context: context) }
                scanned = max(0, pending.readableBytes - 3)
                break  // the rest of the head is still to come: a held read must go out
            }
            scanned = 0
            guard let started = begin(headLength: end, context: context, inbound: pending) else { return handOver(context: context) }
            inbound!.moveReaderIndex(forwardBy: end)
            if inbound!.readableBytes == 0 { inbound = nil }
            exchange = started
            connect(pooled: true)
        }
        if readPending, exchange == nil || inbound == nil {
            readPending = false
            context.read()
        }
    }

    /// Gives the connection to the full HTTP pipeline (``ProxyHandler``) with the bytes not handled yet.
    private func handOver(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        let sync = context.pipeline.syncOperations
        do {
            try ProxyServer.installFullPipeline(sync, table: table, pools: fullPools, draining: draining)
        } catch {
            context.close(promise: nil)
            return
        }
        let pending = inbound
        inbound = nil
        if let pending { context.fireChannelRead(wrapInboundOut(pending)) }
        context.fireChannelReadComplete()
        sync.removeHandler(context: context, promise: nil)
        if readPending {
            // A read held here goes through the new pipeline (this context has left it).
            readPending = false
            context.channel.read()
        }
    }

    // MARK: Upstream side

    private func connect(pooled: Bool) {
        guard let current = exchange, let pool else { return }
        if pooled, let connection = pool.take(current.target.address) {
            attach(connection)
            return
        }
        pool.connect(current.target.address, timeout: current.service.config.connectTimeout).assumeIsolated().whenComplete { [self] result in
            guard self.context != nil, let now = exchange, now === current, upstream == nil else {
                if case .success(let connection) = result { connection.channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let connection): attach(connection)
            case .failure(let error):
                upstreamFailed("cannot connect to \(current.target.address): \(ProxyHandler.describe(error))", status: .badGateway)
            }
        }
    }

    private func attach(_ connection: UpstreamConnection<RawUpstreamHandler>) {
        guard let current = exchange else { return }
        connection.handler.delegate = self
        upstream = connection
        current.reused = connection.reused
        if let context, !context.channel.isWritable { connection.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        connection.channel.writeAndFlush(current.request, promise: nil)
        armTimer()
    }

    func rawUpstreamRead(_ buffer: ByteBuffer) {
        guard let context, let current = exchange else { return }
        lastActivity = .now()
        if current.framing != nil {
            forward(buffer, current: current, context: context)
            return
        }
        var head: ByteBuffer
        if var partial = current.responseHead {
            partial.writeImmutableBuffer(buffer)
            head = partial
        } else {
            head = buffer
        }
        var written: ByteBuffer?
        while current.framing == nil {
            guard let end = head.withUnsafeReadableBytes({ HeadScan.end(of: $0) }) else {
                guard head.readableBytes <= Self.maxResponseHead else {
                    return upstreamFailed("\(current.target.address) sent an answer head over 64 KiB", status: .badGateway)
                }
                current.responseHead = head
                return
            }
            current.responseHead = nil
            let outcome = responseHead(head, length: end, current: current, allocator: context.channel.allocator)
            head.moveReaderIndex(forwardBy: end)
            switch outcome {
            case .malformed: return upstreamFailed("\(current.target.address) sent a malformed answer", status: .badGateway)
            case .informational: continue  // 103 Early Hints and the like are dropped, as the full path does
            case .head(let downstream): written = downstream
            }
        }
        guard var out = written else { return }
        if case .length(let length) = current.framing, length <= Self.joinedBody, head.readableBytes >= length {
            // A small answer that is all here goes out in one write with its head.
            out.writeImmutableBuffer(head.readSlice(length: length)!)
            current.bytesOut += UInt64(length)
            current.framing = .length(0)
            if head.readableBytes > 0 { current.responseKeepAlive = false }
            context.write(wrapOutboundOut(out), promise: nil)
            return complete()
        }
        context.write(wrapOutboundOut(out), promise: nil)
        if head.readableBytes > 0 { forward(head, current: current, context: context) }
    }

    /// Forwards body bytes of the answer up to its end.
    private func forward(_ buffer: ByteBuffer, current: FastExchange, context: ChannelHandlerContext) {
        var body = buffer
        switch current.framing {
        case .length(let remaining):
            let take = min(remaining, body.readableBytes)
            if take < body.readableBytes { current.responseKeepAlive = false }
            current.framing = .length(remaining - take)
            current.bytesOut += UInt64(take)
            context.write(wrapOutboundOut(body.readSlice(length: take)!), promise: nil)
            if take == remaining { complete() }
        case .chunked(var framing):
            let outcome = body.withUnsafeReadableBytes { framing.consume($0) }
            current.framing = .chunked(framing)
            switch outcome {
            case .more:
                current.bytesOut += UInt64(body.readableBytes)
                context.write(wrapOutboundOut(body), promise: nil)
            case .ended(let at):
                if at < body.readableBytes { current.responseKeepAlive = false }
                current.bytesOut += UInt64(at)
                context.write(wrapOutboundOut(body.readSlice(length: at)!), promise: nil)
                complete()
            case .malformed:
                upstreamFailed("\(current.target.address) sent malformed chunked framing", status: .badGateway)
            }
        case .untilClose:
            current.bytesOut += UInt64(body.readableBytes)
            context.write(wrapOutboundOut(body), promise: nil)
        case nil: break
        }
    }

    func rawUpstreamReadComplete() {
        context?.flush()
    }

    func rawUpstreamClosed() {
        guard let current = exchange, upstream != nil else { return }
        upstream = nil
        if current.framing == .untilClose { return complete() }
        if current.framing == nil, current.responseHead == nil, current.reused, !current.retried, current.idempotent {
            // The pooled connection was closed by the target before it answered: try once more on a new one.
            current.retried = true
            connect(pooled: false)
            return
        }
        upstreamFailed("\(current.target.address) closed the connection", status: .badGateway)
    }

    /// The read timeout counts from the last upstream activity. One timer stays armed across
    /// requests; when it fires early it sleeps again for what is left.
    private func armTimer() {
        lastActivity = .now()
        guard timer == nil, let current = exchange, let context else { return }
        let limit = TimeAmount.milliseconds(Int64(current.service.config.readTimeout * 1000))
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { [self] in fire() }
    }

    private func fire() {
        timer = nil
        guard let current = exchange, upstream != nil, let context else { return }
        let limit = TimeAmount.milliseconds(Int64(current.service.config.readTimeout * 1000))
        let idle = NIODeadline.now() - lastActivity
        if idle < limit {
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: limit - idle) { [self] in fire() }
            return
        }
        upstreamFailed("\(current.target.address) did not answer within \(current.service.config.readTimeout) s", status: .gatewayTimeout)
    }

    /// The target failed: answer 502/504 if nothing was sent yet, else cut the client connection.
    private func upstreamFailed(_ reason: String, status: HTTPResponseStatus) {
        guard let context, let current = exchange else { return }
        if let connection = upstream {
            connection.handler.detach()
            connection.channel.close(promise: nil)
            upstream = nil
        }
        current.target.served(status: nil, failed: true, settings: current.service.healthSettings)
        if current.framing != nil {
            finish(answered: nil)
            context.close(promise: nil)
            return
        }
        finish(answered: Int(status.code))
        answer(status, reason: reason, requestID: current.requestID, context: context)
    }

    /// Answers a request with a plain-text error of the router's own.
    private func answer(_ status: HTTPResponseStatus, reason: String, requestID: String, context: ChannelHandlerContext) {
        let body = "\(status.code) \(status.reasonPhrase): \(reason) (request id \(requestID))\n"
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count + 160)
        buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\ncontent-type: text/plain; charset=utf-8\r\n")
        buffer.writeString("content-length: \(body.utf8.count)\r\nx-request-id: \(requestID)\r\n")
        if draining { buffer.writeStaticString("connection: close\r\n") }
        buffer.writeStaticString("\r\n")
        buffer.writeString(body)
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        afterAnswer(closingAfter: draining ? written : nil, context: context)
    }

    /// The answer is complete: give the upstream connection back, record the request, go on.
    private func complete() {
        guard let current = exchange, let context else { return }
        if let connection = upstream {
            upstream = nil
            if current.responseKeepAlive {
                // A slow client may have paused the connection's reads: a pooled connection reads.
                if !context.channel.isWritable { connection.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }
                pool?.give(connection)
            } else {
                connection.channel.close(promise: nil)
            }
        }
        current.target.served(status: current.status, settings: current.service.healthSettings)
        let closing = current.closeAfter
        finish(answered: current.status)
        // The upstream connection is no longer this request's: its read-complete will not flush for it.
        if closing {
            afterAnswer(closingAfter: context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))), context: context)
        } else {
            context.flush()
            afterAnswer(closingAfter: nil, context: context)
        }
    }

    /// After an answer: close once `closingAfter` (its last write) completes, or start the next request.
    private func afterAnswer(closingAfter written: EventLoopFuture<Void>?, context: ChannelHandlerContext) {
        guard let written else { return handleInbound(context: context) }
        inbound = nil
        written.assumeIsolated().whenComplete { [self] _ in self.context?.close(promise: nil) }
    }

    /// Records the request's metrics and releases its target.
    private func finish(answered: Int?) {
        guard let current = exchange else { return }
        exchange = nil
        current.target.inFlight.add(-1, ordering: .relaxed)
        current.service.record(group: current.group, status: answered, started: current.started, bytesOut: current.bytesOut)
    }
}
