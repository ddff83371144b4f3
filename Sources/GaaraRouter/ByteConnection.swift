import Foundation
import GaaraRouterCore
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// A client connection on the byte-forwarding path, owned by one ``ByteLoop``. A plain request
/// (HTTP/1.1, no body, no upgrade, a service that is not paused and has a healthy target) is
/// scanned in place, its head rewritten as bytes and sent on a pooled upstream connection; the
/// answer is framed by its `Content-Length` or chunked encoding and forwarded as it comes. No
/// HTTP codec, no header dictionaries. Any other request — with a body, malformed, for a paused
/// service, answered by the router itself — hands the connection to the full ``ProxyHandler``
/// pipeline on SwiftNIO for good, with the bytes read so far. A request head must come within
/// ``ProxySettings/headerTimeout`` (see ``sweep(now:)``).
final class ByteConnection {
    /// Heads larger than this go to the full parser (which has its own limits and answers).
    static let maxHead = 16 * 1024
    /// A body up to this size that came with its answer head is copied behind it: one write.
    static let joinedBody = 16 * 1024
    /// A target's answer head larger than this is a 502.
    static let maxResponseHead = 64 * 1024

    unowned let loop: ByteLoop
    private var socket: EdgeSocket
    var descriptor: CInt { socket.descriptor }
    var generation: UInt32 { socket.generation }
    var table: RoutingTable { loop.server.table }
    /// Bytes read from the client and not handled yet (a partial head, or pipelined requests).
    private var inbound: ByteBuffer
    /// How far the search for the end of the head in ``inbound`` got.
    private var scanned = 0
    /// Bytes for the client not written yet; while there are any, the upstream is not read.
    private var output: ByteBuffer
    private var closed = false
    /// Close once ``output`` is written.
    private var closing = false
    var fields: [HeadField] = []
    /// What each of ``fields`` is (reused from request to request, as ``fields`` is).
    var kinds: [FieldKind] = []
    var exchange: FastExchange?
    private var upstream: ByteUpstream?
    private var upstreamActivity = 0.0
    var draining = false
    /// While draining: when an idle connection is closed.
    private var closeAt: Double?
    /// While the connection waits for a request head: when the wait began (the accept, the end of
    /// the previous answer, or the first byte of a head after an idle spell); nil otherwise.
    private var headSince: Double?
    /// The wait began at the end of an answer and no byte of the next head has come yet: the
    /// first one starts the clock again.
    private var headIdle = false
    var random = FastRandom()
    let remoteAddress: String
    /// `for=ADDRESS` of the `Forwarded` header, made once per connection.
    let forwardedFor: String
    /// The client is a trusted proxy: its forwarding headers are kept (see ``ProxySettings/trustedProxies``).
    let trusted: Bool

    init(loop: ByteLoop, descriptor: CInt, generation: UInt32, address: String, trusted: Bool) {
        self.loop = loop
        socket = EdgeSocket(descriptor: descriptor, generation: generation, watchingWritable: false)
        remoteAddress = address
        forwardedFor = ForwardingRules.forwardedNode(address)
        self.trusted = trusted
        inbound = loop.allocator.buffer(capacity: 2048)
        output = loop.allocator.buffer(capacity: 0)
        fields.reserveCapacity(32)
        kinds.reserveCapacity(32)
        // The first head is due within the header timeout of the accept.
        headSince = loop.clock
        loop.timed += 1
    }

    // MARK: Client side

    /// The client socket's readiness.
    func handle(_ events: UInt32) {
        if events & Poll.output != 0, output.readableBytes > 0 {
            flush()
            if closed { return }
            if output.readableBytes == 0 { resume() }
        }
        if events & Poll.readable != 0 {
            socket.note(events)
            pump()
        }
    }

    /// What was held while the client's socket was full goes on: the upstream's answer, then
    /// the next request.
    private func resume() {
        if let upstream, upstream.socket.readable {
            upstreamReadable()
        } else if exchange == nil {
            handleInbound()
            pump()
        }
    }

    /// Reads the client while it has something to say and the connection can take it: while a
    /// request is on its way, at most one read of what follows it is held.
    private func pump() {
        while socket.readable, !closed, !closing {
            if exchange != nil || output.readableBytes > 0, inbound.readableBytes > 0 { return }
            guard readClient() else { return }
            if headIdle {
                // The first byte of a head after an idle spell: the head has its own time from here.
                headIdle = false
                headSince = loop.clock
            }
            if exchange == nil { handleInbound() }
        }
    }

    /// One read from the client; false when nothing more can be read now.
    private func readClient() -> Bool {
        inbound.reserveCapacity(minimumWritableBytes: 1024)
        switch socket.read(into: &inbound) {
        case .bytes: return true
        case .drained: return false
        case .ended:
            close()  // the client left (or the connection broke)
            return false
        }
    }

    /// Starts the requests whose heads are complete in ``inbound``, one at a time; then waits for
    /// the next head (timed from now, unless the wait began earlier).
    private func handleInbound() {
        while exchange == nil, !closed, !closing, output.readableBytes == 0, inbound.readableBytes > 0 {
            guard let end = inbound.withUnsafeReadableBytes({ HeadScan.end(of: $0, from: scanned) }) else {
                if inbound.readableBytes > Self.maxHead { return handOver() }
                scanned = max(0, inbound.readableBytes - 3)
                break  // the rest of the head is still to come
            }
            scanned = 0
            guard let started = begin(headLength: end, inbound: inbound, allocator: loop.allocator) else { return handOver() }
            inbound.moveReaderIndex(forwardBy: end)
            if inbound.readableBytes == 0 { inbound.clear() }
            stopWaitingForHead()
            exchange = started
            loop.timed += 1
            connect(pooled: true)
        }
        if headSince == nil, exchange == nil, !closed, !closing, output.readableBytes == 0 {
            headSince = loop.clock
            headIdle = inbound.readableBytes == 0
            loop.timed += 1
        }
    }

    private func stopWaitingForHead() {
        guard headSince != nil else { return }
        headSince = nil
        headIdle = false
        loop.timed -= 1
    }

    /// Gives the connection to the full HTTP pipeline (``ProxyHandler``) with the bytes not handled
    /// yet; the head it waits for keeps the time it already had.
    private func handOver() {
        closed = true
        let since = headSince ?? loop.clock
        stopWaitingForHead()
        leaveTimed()
        loop.remove(self)
        loop.server.handOver(
            descriptor, pending: inbound.readableBytes > 0 ? inbound : nil, draining: draining, trusted: trusted, headSince: since)
    }

    /// Writes ``output`` as far as the socket takes it (the next writable edge goes on).
    private func flush() {
        switch socket.write(&output, loop: loop) {
        case .full: return
        case .failed: return close()
        case .done:
            output.clear()
            if closing { close() }
        }
    }

    /// The router stops: an idle connection gets a moment for its next request (answered, then
    /// closed cleanly with `Connection: close`), as closing it at once races with a request on its way.
    func drain(closeAt: Double) {
        draining = true
        guard self.closeAt == nil else { return }
        self.closeAt = closeAt
        loop.timed += 1
    }

    private func leaveTimed() {
        if closeAt != nil {
            closeAt = nil
            loop.timed -= 1
        }
    }

    /// Checks the timeouts of the request head awaited and of the request in flight, and the close
    /// of a draining idle connection.
    func sweep(now: Double) {
        if let since = headSince, now - since >= loop.headerTimeout { return headTimedOut() }
        if let current = exchange, let upstream {
            if upstream.state == .connecting, now >= upstream.connectDeadline {
                return upstreamFailed(
                    "cannot connect to \(current.target.address): connect timeout (\(current.service.config.connectTimeout) s)",
                    status: .badGateway)
            }
            if upstream.state == .busy, now - upstreamActivity >= current.service.config.readTimeout {
                return upstreamFailed(
                    "\(current.target.address) did not answer within \(current.service.config.readTimeout) s", status: .gatewayTimeout)
            }
        }
        if let closeAt, now >= closeAt, exchange == nil, inbound.readableBytes == 0, output.readableBytes == 0 { close() }
    }

    /// The head did not come in time. Part of one came: `408 Request Timeout` (counted as the
    /// router's own answer), then the connection closes; nothing came (an idle connection): it just closes.
    private func headTimedOut() {
        guard inbound.readableBytes > 0 else { return close() }
        table.countUnrouted(status: 408)
        let id = ProxyHandler.requestID(&random)
        let body = "408 Request Timeout: the request head did not come within \(loop.headerTimeout) s (request id \(id))\n"
        output.writeString("HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\n")
        output.writeString("x-request-id: \(id)\r\nconnection: close\r\n\r\n\(body)")
        closing = true
        flush()
        close()  // written or not: a client this slow is not waited for
    }

    /// Closes the connection (a request in flight is recorded as 499, nginx's "client closed request").
    func close() {
        guard !closed else { return }
        closed = true
        if let upstream {
            loop.closeUpstream(upstream)
            self.upstream = nil
        }
        if exchange != nil { finish(answered: 499) }
        stopWaitingForHead()
        leaveTimed()
        loop.remove(self)
        Glibc.close(descriptor)
    }

    // MARK: Upstream side

    private func connect(pooled: Bool) {
        guard let current = exchange else { return }
        if pooled, let connection = loop.takeIdle(current.target.address) {
            current.reused = true
            return attach(connection)
        }
        current.reused = false
        switch loop.connect(current.target.address, timeout: current.service.config.connectTimeout) {
        case .success(let connection):
            connection.owner = self
            upstream = connection
        case .failure(let error):
            upstreamFailed("cannot connect to \(current.target.address): \(ProxyHandler.describe(error))", status: .badGateway)
        }
    }

    /// The connection being made is ready (or failed).
    func upstreamConnected() {
        guard let connection = upstream, let current = exchange else { return }
        var code: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if getsockopt(connection.socket.descriptor, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { code = errno }
        guard code == 0 else {
            return upstreamFailed(
                "cannot connect to \(current.target.address): \(ProxyHandler.describe(IOError(errnoCode: code, reason: "connect")))",
                status: .badGateway)
        }
        connection.state = .busy
        attach(connection)
    }

    private func attach(_ connection: ByteUpstream) {
        guard let current = exchange else { return }
        connection.owner = self
        connection.socket.forgetReadable()
        upstream = connection
        upstreamActivity = ByteLoop.now()
        connection.pending = current.request
        upstreamWritable()
    }

    /// Writes what is left of the request to the upstream.
    func upstreamWritable() {
        guard let connection = upstream, var pending = connection.pending else { return }
        let written = connection.socket.write(&pending, loop: loop)
        connection.pending = written == .full ? pending : nil
        if written == .failed { upstreamClosed() }
    }

    /// Reads the upstream's answer while the client takes it (a full client socket holds it:
    /// the client's writable edge resumes it).
    func upstreamReadable() {
        while !closed, let connection = upstream, connection.socket.readable, output.readableBytes == 0 {
            var buffer = loop.scratch
            loop.scratch = ByteBuffer()  // one owner: no copy on write
            buffer.clear()
            switch connection.socket.read(into: &buffer) {
            case .bytes:
                upstreamActivity = ByteLoop.now()
                upstreamRead(buffer)
            case .drained: break
            case .ended: upstreamClosed()
            }
            buffer.clear()
            loop.scratch = buffer
            if !closed { flush() }
        }
    }

    private func upstreamRead(_ buffer: ByteBuffer) {
        guard let current = exchange else { return }
        if current.framing != nil { return forward(buffer, current: current) }
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
                // Copied: the read buffer is reused.
                var partial = loop.allocator.buffer(capacity: head.readableBytes)
                partial.writeImmutableBuffer(head)
                current.responseHead = partial
                return
            }
            current.responseHead = nil
            let outcome = responseHead(head, length: end, current: current, allocator: loop.allocator)
            head.moveReaderIndex(forwardBy: end)
            switch outcome {
            case .malformed: return upstreamFailed("\(current.target.address) sent a malformed answer", status: .badGateway)
            case .informational: continue  // 103 Early Hints and the like are dropped, as the full path does
            case .head(let downstream): written = downstream
            }
        }
        guard let out = written else { return }
        output.writeImmutableBuffer(out)
        if head.readableBytes > 0 || current.framing == .length(0) { forward(head, current: current) }
    }

    /// Forwards body bytes of the answer up to its end.
    private func forward(_ buffer: ByteBuffer, current: FastExchange) {
        var body = buffer
        switch current.framing {
        case .length(let remaining):
            let take = min(remaining, body.readableBytes)
            if take < body.readableBytes { current.responseKeepAlive = false }
            current.framing = .length(remaining - take)
            current.bytesOut += UInt64(take)
            output.writeImmutableBuffer(body.readSlice(length: take)!)
            if take == remaining { complete() }
        case .chunked(var framing):
            let outcome = body.withUnsafeReadableBytes { framing.consume($0) }
            current.framing = .chunked(framing)
            switch outcome {
            case .more:
                current.bytesOut += UInt64(body.readableBytes)
                output.writeImmutableBuffer(body)
            case .ended(let at):
                if at < body.readableBytes { current.responseKeepAlive = false }
                current.bytesOut += UInt64(at)
                output.writeImmutableBuffer(body.readSlice(length: at)!)
                complete()
            case .malformed:
                upstreamFailed("\(current.target.address) sent malformed chunked framing", status: .badGateway)
            }
        case .untilClose:
            current.bytesOut += UInt64(body.readableBytes)
            output.writeImmutableBuffer(body)
        case nil: break
        }
    }

    private func upstreamClosed() {
        guard let current = exchange, let connection = upstream else { return }
        upstream = nil
        loop.closeUpstream(connection)
        if current.framing == .untilClose { return complete() }
        if current.framing == nil, current.responseHead == nil, current.reused, !current.retried, current.idempotent {
            // The pooled connection was closed by the target before it answered: try once more on a new one.
            current.retried = true
            return connect(pooled: false)
        }
        upstreamFailed("\(current.target.address) closed the connection", status: .badGateway)
    }

    /// The target failed: answer 502/504 if nothing was sent yet, else cut the client connection.
    private func upstreamFailed(_ reason: String, status: HTTPResponseStatus) {
        guard let current = exchange else { return }
        if let connection = upstream {
            loop.closeUpstream(connection)
            upstream = nil
        }
        current.target.served(status: nil, failed: true, settings: current.service.healthSettings)
        if current.framing != nil {
            finish(answered: nil)
            flush()
            return close()
        }
        finish(answered: Int(status.code))
        let body = "\(status.code) \(status.reasonPhrase): \(reason) (request id \(current.requestID))\n"
        output.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\ncontent-type: text/plain; charset=utf-8\r\n")
        output.writeString("content-length: \(body.utf8.count)\r\nx-request-id: \(current.requestID)\r\n")
        if draining { output.writeStaticString("connection: close\r\n") }
        output.writeStaticString("\r\n")
        output.writeString(body)
        next(closing: draining)
    }

    /// The answer is complete: give the upstream connection back, record the request, go on.
    private func complete() {
        guard let current = exchange else { return }
        if let connection = upstream {
            upstream = nil
            if current.responseKeepAlive {
                loop.giveIdle(connection)
            } else {
                loop.closeUpstream(connection)
            }
        }
        current.target.served(status: current.status, settings: current.service.healthSettings)
        finish(answered: current.status)
        next(closing: current.closeAfter)
    }

    /// After an answer: write it, then close or start the next request.
    private func next(closing: Bool) {
        if closing {
            self.closing = true
            flush()
            return
        }
        flush()
        guard !closed, output.readableBytes == 0 else { return }  // the rest goes on when the client reads
        handleInbound()
        pump()
    }

    /// Records the request's metrics and releases its target.
    private func finish(answered: Int?) {
        guard let current = exchange else { return }
        exchange = nil
        loop.timed -= 1
        current.target.inFlight.add(-1, ordering: .relaxed)
        current.service.record(group: current.group, status: answered, started: current.started, bytesOut: current.bytesOut, client: current.client)
    }
}
