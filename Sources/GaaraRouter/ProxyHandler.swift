import Foundation
import GaaraRouterCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Proxies the requests of one client connection: routes each to a service, picks a group by
/// weight and sticky bucket and a target in it, streams the request body up and the response down
/// with backpressure both ways, and answers 400/404/408/413/502/503/504 itself with a request id.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the byte-forwarding path knew of the connection when it handed it over.
    struct Client: Sendable {
        /// The client is a trusted proxy: its forwarding headers are kept (``ProxySettings/trustedProxies``).
        var trusted: Bool
        /// Seconds a request head may take (``ProxySettings/headerTimeout``).
        var headerTimeout: Double
        /// When the wait for the next head began (monotonic seconds, as ``monotonicSeconds()``).
        var headSince: Double
    }

    let table: RoutingTable
    private var answeredMalformed = false
    private let pools: UpstreamPools
    private var pool: UpstreamPool?
    var context: ChannelHandlerContext?
    var phase = ProxyPhase.idle
    var exchange: ProxyExchange?
    var upstream: UpstreamConnection?
    private var pending: [HTTPClientRequestPart] = []
    private var readPending = false
    private var timeout: Scheduled<Void>?
    /// The router is stopping: finish the request in flight, answer it with `Connection: close`, then close.
    var draining = false
    /// Parts of pipelined requests that came while an answer was still on its way.
    private var queued: [HTTPServerRequestPart] = []
    private var handlingQueued = false
    private var lastActivity = NIODeadline.now()
    var remoteAddress = ""
    /// `for=ADDRESS` of the `Forwarded` header, made once per connection.
    var forwardedFor_ = ""
    var random = FastRandom()
    /// The client is a trusted proxy (see ``Client/trusted``).
    let trusted: Bool
    let headerTimeout: TimeAmount
    /// While a request head is awaited: when the wait ends (nil otherwise).
    var headDeadline: NIODeadline?
    /// The wait began at the end of an answer and no byte has come since: the first one starts the clock again.
    var headIdle = false
    /// One timer at a time; when it fires before a deadline that moved, it sleeps again.
    var headTimer: Scheduled<Void>?
    private let firstHeadSince: NIODeadline

    init(table: RoutingTable, pools: UpstreamPools, client: Client) {
        self.table = table
        self.pools = pools
        trusted = client.trusted
        headerTimeout = .nanoseconds(Int64(client.headerTimeout * 1e9))
        firstHeadSince = .uptimeNanoseconds(UInt64(max(0, client.headSince) * 1e9))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = pools.pool(for: context.eventLoop)
        (remoteAddress, forwardedFor_) = Self.clientAddress(context.channel)
        // The head the byte path was waiting for keeps the time it already had.
        awaitHead(since: firstHeadSince, idle: false)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        // A pipelined request waits until the answer before it is complete (answers keep their order).
        if !queued.isEmpty || (Self.isHead(part) && exchange != nil) {
            queued.append(part)
            return
        }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): begin(head, context: context)
        case .body(let buffer): body(buffer, context: context)
        case .end(let trailers): end(trailers, context: context)
        }
    }

    private static func isHead(_ part: HTTPServerRequestPart) -> Bool {
        if case .head = part { return true }
        return false
    }

    /// Handles queued pipelined parts once the exchange before them is over.
    private func handleQueued() {
        guard !handlingQueued, let context else { return }
        handlingQueued = true
        defer { handlingQueued = false }
        while !queued.isEmpty, context.channel.isActive {
            if Self.isHead(queued[0]), exchange != nil { return }
            handle(queued.removeFirst(), context: context)
        }
        if readPending {
            readPending = false
            context.read()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if headIdle {
            // Bytes came (the decoder passes on every read): the first of a head after an idle spell.
            headIdle = false
            headDeadline = .now() + headerTimeout
        }
        upstream?.channel.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !queued.isEmpty {
            // At most one pipelined request is held: read no more until it is handled.
            readPending = true
            return
        }
        switch phase {
        case .paused, .connecting:
            readPending = true
            return
        case .forwarding:
            if let upstream, !upstream.channel.isWritable {
                readPending = true
                return
            }
        default: break
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // The client reads slowly: stop reading the upstream until it catches up.
        if let upstream { upstream.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenComplete { _ in } }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimeout()
        stopWaitingForHead()
        headTimer?.cancel()
        headTimer = nil
        if let upstream {
            upstream.handler.delegate = nil
            upstream.channel.close(promise: nil)
            self.upstream = nil
        }
        // The client left before its answer was complete: 499 (nginx's "client closed request").
        if exchange != nil { finish(answered: 499) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's protocol error handler has answered a malformed request with 400 already (the
        // connection closes after the first). A connection that ends inside a request (the
        // client stopped sending, or the router closed it after its own 413) is no 400.
        if let parserError = error as? HTTPParserError, parserError != .invalidEOFState, !answeredMalformed {
            answeredMalformed = true
            table.countUnrouted(status: 400)
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ProxyServer.Drain else { return context.fireUserInboundEventTriggered(event) }
        draining = true
        // An idle keep-alive connection gets a moment for its next request (answered, then closed
        // cleanly with `Connection: close`): closing it at once races with a request on its way.
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(500)) { [self] in
            guard let context = self.context, exchange == nil else { return }
            switch phase {
            case .idle, .rejected: context.close(promise: nil)
            default: break
            }
        }
    }

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        stopWaitingForHead()
        let requestID =
            head.headers.first(name: "x-request-id").flatMap { ForwardingRules.keepsRequestID(length: $0.utf8.count) ? $0 : nil } ?? newRequestID()
        if let problem = Self.hostProblem(head) {
            // RFC 9112 §3.2: routed on one Host and forwarded with another, or with none, the
            // request could reach a service it does not belong to. The byte path hands these over.
            table.countUnrouted(status: 400)
            reject(head, status: .badRequest, reason: problem, requestID: requestID, closeAfter: true)
            return
        }
        let host = head.headers.first(name: "host")
        let path = head.uri.firstIndex(of: "?").map { String(head.uri[..<$0]) } ?? head.uri
        guard let service = table.snapshot.route(host: host, path: path) else {
            table.countUnrouted(status: 404)
            reject(head, status: .notFound, reason: "no service answers \(host ?? "")\(path)", requestID: requestID, closeAfter: false)
            return
        }
        let sticky = bucket(for: head, sticky: service.config.sticky)
        let bucket = sticky.bucket
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > service.config.maxBodyBytes {
            Self.recordRefusal(413, service: service, bucket: bucket)
            reject(
                head, status: .payloadTooLarge, reason: "the body is larger than \(service.config.maxBodyBytes) bytes", requestID: requestID,
                closeAfter: true)
            return
        }
        let now = Self.monotonicSeconds()
        guard let (group, target) = service.pick(bucket: bucket, now: now) else {
            Self.recordRefusal(503, service: service, bucket: bucket)
            let reason =
                service.split.carriesTraffic
                ? "no healthy target for \(service.config.name)" : "no group of \(service.config.name) takes traffic (every weight is 0)"
            reject(head, status: .serviceUnavailable, reason: reason, requestID: requestID, closeAfter: false)
            return
        }
        target.inFlight.add(1, ordering: .relaxed)
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            // The router takes the body itself, as it streams it on: let the client send it now.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        exchange = ProxyExchange(
            head: head, service: service, group: group, target: target, requestID: requestID, assignCookie: sticky.assignCookie,
            client: sticky.client, started: .now(),
            upgrade: Self.asksUpgrade(head))
        let upstreamHead = upstreamHead(head, requestID: requestID, upgrade: exchange!.upgrade)
        pending.removeAll(keepingCapacity: true)
        pending.append(.head(upstreamHead))
        record(.head(upstreamHead))
        if service.config.paused {
            phase = .paused
            waitWhilePaused(service.config.name, until: .now() + .milliseconds(Int64(service.config.pauseTimeout * 1000)))
            return
        }
        connect(context: context)
    }

    /// Polls the table every 20 ms while the service is paused; then goes on, or answers 503 at the deadline.
    private func waitWhilePaused(_ name: String, until deadline: NIODeadline) {
        guard let context else { return }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(20)) { [self] in
            guard case .paused = phase, exchange != nil, let context = self.context else { return }
            let service = table.snapshot.services.first { $0.config.name == name }
            if let service, service.config.paused {
                if NIODeadline.now() >= deadline {
                    let head = exchange!.head
                    let id = exchange!.requestID
                    finish(answered: 503)
                    reject(head, status: .serviceUnavailable, reason: "\(name) stayed paused", requestID: id, closeAfter: true)
                } else {
                    waitWhilePaused(name, until: deadline)
                }
                return
            }
            // Resumed (or removed): route again with the current table.
            if let service, let current = exchange, current.service !== service {
                current.target.inFlight.add(-1, ordering: .relaxed)
                let bucket = bucket(for: current.head, sticky: service.config.sticky).bucket
                guard let (group, target) = service.pick(bucket: bucket, now: Self.monotonicSeconds()) else {
                    exchange = nil
                    reject(current.head, status: .serviceUnavailable, reason: "no healthy target", requestID: current.requestID, closeAfter: true)
                    return
                }
                target.inFlight.add(1, ordering: .relaxed)
                current.service = service
                current.group = group
                current.target = target
            }
            connect(context: context)
        }
    }

    /// Sends the request to its target on a pooled connection (unless `pooled` is false) or a new one.
    private func connect(context: ChannelHandlerContext, pooled: Bool = true) {
        guard let exchange, let pool else { return }
        phase = .connecting
        if pooled, let connection = pool.take(exchange.target.address) {
            attach(connection, context: context)
            return
        }
        pool.connect(exchange.target.address, timeout: exchange.service.config.connectTimeout).assumeIsolated().whenComplete { [self] result in
            guard let context = self.context, case .connecting = phase else {
                if case .success(let connection) = result { connection.channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let connection): attach(connection, context: context)
            case .failure(let error): upstreamFailed("cannot connect to \(exchange.target.address): \(Self.describe(error))", status: .badGateway)
            }
        }
    }

    private func attach(_ connection: UpstreamConnection, context: ChannelHandlerContext) {
        connection.handler.delegate = self
        upstream = connection
        phase = .forwarding
        if !context.channel.isWritable { connection.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        for part in pending { connection.channel.write(part, promise: nil) }
        pending.removeAll(keepingCapacity: true)
        connection.channel.flush()
        if exchange?.requestDone == true { armTimeout() }
        if readPending {
            readPending = false
            context.read()
        }
    }

    private func body(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard let current = exchange else { return }  // rejected: discard
        current.bytesIn += UInt64(buffer.readableBytes)
        if current.bytesIn > UInt64(current.service.config.maxBodyBytes), current.status == nil {
            let head = current.head
            finish(answered: 413)
            dropUpstream()
            reject(
                head, status: .payloadTooLarge, reason: "the body is larger than \(current.service.config.maxBodyBytes) bytes",
                requestID: current.requestID, closeAfter: true)
            return
        }
        let part = HTTPClientRequestPart.body(.byteBuffer(buffer))
        record(part)
        switch phase {
        case .paused, .connecting: pending.append(part)
        case .forwarding: upstream?.channel.write(part, promise: nil)
        default: break
        }
    }

    private func end(_ trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        guard let current = exchange else {
            if case .rejected(let closeAfter) = phase {
                phase = .idle
                if closeAfter {
                    context.close(promise: nil)
                } else {
                    awaitHead(since: .now(), idle: true)
                }
            }
            return
        }
        current.requestDone = true
        let part = HTTPClientRequestPart.end(trailers)
        record(part)
        switch phase {
        case .paused, .connecting: pending.append(part)
        case .forwarding:
            upstream?.channel.writeAndFlush(part, promise: nil)
            armTimeout()
        default: break
        }
        if current.responseDone { complete() }
    }

    /// Keeps a copy of what goes upstream while it is small, for one retry on a stale connection.
    private func record(_ part: HTTPClientRequestPart) {
        guard let current = exchange else { return }
        switch part {
        case .head(let head): current.sentHead = head
        case .body(.byteBuffer(let buffer)):
            guard current.replayable else { return }
            current.replayBytes += buffer.readableBytes
            if current.replayBytes > 64 * 1024 {
                current.replayable = false
                current.replayBodies = []
            } else {
                current.replayBodies.append(buffer)
            }
        case .body: current.replayable = false
        case .end(let trailers): current.sentEnd = .some(trailers)
        }
    }

    // MARK: Upstream side

    func upstreamRead(_ part: HTTPClientResponsePart) {
        guard let context, let current = exchange else { return }
        armTimeout()
        switch part {
        case .head(let head):
            if head.status == .switchingProtocols, current.upgrade {
                current.switching = head
                return
            }
            current.status = Int(head.status.code)
            current.responseKeepAlive = head.isKeepAlive
            context.write(wrapOutboundOut(.head(downstreamHead(head, exchange: current))), promise: nil)
        case .body(let buffer):
            current.bytesOut += UInt64(buffer.readableBytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            if let head = current.switching, let connection = upstream {
                tunnel(head, to: connection, context: context)
                return
            }
            cancelTimeout()
            current.responseDone = true
            let written = context.writeAndFlush(wrapOutboundOut(.end(trailers)))
            let closing = draining || !current.head.isKeepAlive
            if closing { queued.removeAll() }
            if current.requestDone {
                complete()
            } else {
                // The target answered before the body was sent: this connection cannot be reused.
                dropUpstream()
            }
            // After complete(): a write done at once runs this at once, and the close would find
            // the request still in flight (and record a 499 for an answer the client has).
            if closing { written.assumeIsolated().whenComplete { [self] _ in self.context?.close(promise: nil) } }
        }
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        guard writable, readPending, let context else { return }
        readPending = false
        context.read()
    }

    func upstreamClosed() {
        guard let current = exchange, upstream != nil else { return }
        let connection = upstream!
        upstream = nil
        if current.responseDone { return }
        if current.status == nil, connection.reused, !current.retried, current.replayable, let head = current.sentHead, let end = current.sentEnd,
            Self.retryableMethods.contains(current.head.method.rawValue), let context
        {
            // The pooled connection was closed by the target before it answered: try once more on a new one.
            current.retried = true
            pending = [.head(head)] + current.replayBodies.map { .body(.byteBuffer($0)) } + [.end(end)]
            connect(context: context, pooled: false)
            return
        }
        upstreamFailed("\(current.target.address) closed the connection", status: .badGateway)
    }

    /// Notes upstream activity; the read timeout counts from the last one. One timer per request:
    /// when it fires early (activity since), it sleeps again for what is left.
    private func armTimeout() {
        lastActivity = .now()
        guard timeout == nil, let current = exchange else { return }
        scheduleTimeout(in: .milliseconds(Int64(current.service.config.readTimeout * 1000)))
    }

    private func scheduleTimeout(in delay: TimeAmount) {
        guard let context else { return }
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            timeout = nil
            guard let current = exchange else { return }
            let limit = TimeAmount.milliseconds(Int64(current.service.config.readTimeout * 1000))
            let idle = NIODeadline.now() - lastActivity
            if idle < limit {
                scheduleTimeout(in: limit - idle)
                return
            }
            upstreamFailed("\(current.target.address) did not answer within \(current.service.config.readTimeout) s", status: .gatewayTimeout)
        }
    }

    func cancelTimeout() {
        timeout?.cancel()
        timeout = nil
    }

    /// The target failed: answer 502/504 if nothing was sent yet, else cut the client connection.
    private func upstreamFailed(_ reason: String, status: HTTPResponseStatus) {
        guard let context, let current = exchange else { return }
        cancelTimeout()
        dropUpstream()
        current.target.served(status: nil, failed: true, settings: current.service.healthSettings)
        finish(answered: nil)
        if current.status == nil {
            reject(current.head, status: status, reason: reason, requestID: current.requestID, closeAfter: !current.requestDone)
            // The whole request came: the next head is awaited from now (else the rest of this one is).
            if current.requestDone { awaitHead(since: .now(), idle: true) }
        } else {
            context.close(promise: nil)
        }
    }

    private func dropUpstream() {
        guard let connection = upstream else { return }
        connection.handler.delegate = nil
        connection.channel.close(promise: nil)
        upstream = nil
    }

    /// The request and its response are both done.
    private func complete() {
        guard let current = exchange else { return }
        cancelTimeout()
        if let connection = upstream {
            upstream = nil
            if current.responseKeepAlive {
                // A slow client may have paused the connection's reads: a pooled connection reads.
                if let context, !context.channel.isWritable {
                    connection.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                }
                pool?.give(connection)
            } else {
                connection.channel.close(promise: nil)
            }
        }
        current.target.served(status: current.status, settings: current.service.healthSettings)
        finish(answered: current.status)
        phase = .idle
        awaitHead(since: .now(), idle: true)
        if readPending, let context, queued.isEmpty {
            readPending = false
            context.read()
        }
        handleQueued()
    }

    /// Counts a request the router refused before it reached a target against the group it was
    /// meant for ("-" when no group has weight): a canary whose targets all failed shows up in its
    /// own error rate.
    private static func recordRefusal(_ status: Int, service: ServiceRuntime, bucket: Int) {
        service.record(group: service.split.group(forBucket: bucket) ?? "-", status: status, started: nil)
    }

    /// Records the request's metrics (with `answered`, or the target's status) and releases its target.
    func finish(answered: Int?) {
        guard let current = exchange else { return }
        exchange = nil
        cancelTimeout()
        pending.removeAll(keepingCapacity: true)
        current.target.inFlight.add(-1, ordering: .relaxed)
        current.service.record(
            group: current.group, status: answered ?? current.status, started: current.started, bytesIn: current.bytesIn, bytesOut: current.bytesOut,
            client: current.client)
    }

    // MARK: Answers of the router itself

    func reject(_ head: HTTPRequestHead, status: HTTPResponseStatus, reason: String, requestID: String, closeAfter asked: Bool) {
        guard let context else { return }
        let closeAfter = asked || draining || !head.isKeepAlive
        let body = "\(status.code) \(status.reasonPhrase): \(reason) (request id \(requestID))\n"
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "x-request-id", value: requestID)
        if closeAfter { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        phase = .rejected(closeAfter: closeAfter)
        if closeAfter {
            queued.removeAll()
            done.assumeIsolated().whenComplete { [self] _ in self.context?.close(promise: nil) }
        } else {
            // Reads may have been held while connecting: the next request may be waiting.
            handleQueued()
        }
    }
}
