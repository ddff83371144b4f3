import Foundation
import GaaraRouterCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Proxies the requests of one client connection: routes each to a service, picks a group by
/// weight and sticky bucket and a target in it, streams the request body up and the response down
/// with backpressure both ways, and answers 400/404/413/502/503/504 itself with a request id.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// One request on its way through (a class: it is updated as parts pass, never copied).
    private final class Exchange {
        var head: HTTPRequestHead
        var service: ServiceRuntime
        var group: String
        var target: TargetRuntime
        var requestID: String
        var assignCookie: String?
        var started: NIODeadline
        var bytesIn: UInt64 = 0
        var bytesOut: UInt64 = 0
        var status: Int?
        var requestDone = false
        var responseDone = false
        var responseKeepAlive = true
        /// What was sent upstream, kept (up to 64 KiB) to retry once on a stale pooled connection.
        /// The head sent upstream, the body parts (while under 64 KiB) and whether the end went too.
        var sentHead: HTTPRequestHead?
        var replayBodies: [ByteBuffer] = []
        var replayable = true
        var sentEnd: HTTPHeaders??
        var replayBytes = 0
        var retried = false
        /// A protocol upgrade (WebSocket) was asked for: a `101` answer turns the connection into a tunnel.
        var upgrade = false
        /// The target's `101` head, held until its end arrives.
        var switching: HTTPResponseHead?

        init(
            head: HTTPRequestHead, service: ServiceRuntime, group: String, target: TargetRuntime, requestID: String, assignCookie: String?,
            started: NIODeadline, upgrade: Bool
        ) {
            self.head = head
            self.service = service
            self.group = group
            self.target = target
            self.requestID = requestID
            self.assignCookie = assignCookie
            self.started = started
            self.upgrade = upgrade
        }
    }

    private enum Phase {
        case idle
        /// Waiting for a paused service (parts buffered).
        case paused
        case connecting
        case forwarding
        /// Answered by the router; the rest of the request body is discarded.
        case rejected(closeAfter: Bool)
    }

    private let table: RoutingTable
    private let pools: UpstreamPools
    private var pool: UpstreamPool?
    private var context: ChannelHandlerContext?
    private var phase = Phase.idle
    private var exchange: Exchange?
    private var upstream: UpstreamConnection?
    private var pending: [HTTPClientRequestPart] = []
    private var readPending = false
    private var timeout: Scheduled<Void>?
    /// The router is stopping: finish the request in flight, answer it with `Connection: close`, then close.
    private var draining = false
    /// Parts of pipelined requests that came while an answer was still on its way.
    private var queued: [HTTPServerRequestPart] = []
    private var handlingQueued = false
    private var lastActivity = NIODeadline.now()
    private var remoteAddress = ""
    /// `for=ADDRESS` of the `Forwarded` header, made once per connection.
    private var forwardedFor_ = ""

    init(table: RoutingTable, pools: UpstreamPools) {
        self.table = table
        self.pools = pools
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        pool = pools.pool(for: context.eventLoop)
        remoteAddress = context.channel.remoteAddress?.ipAddress ?? ""
        forwardedFor_ = "for=" + (remoteAddress.contains(":") ? "\"[\(remoteAddress)]\"" : remoteAddress)
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
        if let upstream {
            upstream.handler.delegate = nil
            upstream.channel.close(promise: nil)
            self.upstream = nil
        }
        if exchange != nil { finish(clientGone: true) }
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
            guard let context = self.context, exchange == nil else { return }
            switch phase {
            case .idle, .rejected: context.close(promise: nil)
            default: break
            }
        }
    }

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let requestID = head.headers.first(name: "x-request-id").flatMap { $0.count <= 200 ? $0 : nil } ?? Self.newRequestID()
        let host = head.headers.first(name: "host")
        let path = head.uri.firstIndex(of: "?").map { String(head.uri[..<$0]) } ?? head.uri
        guard let service = table.snapshot.route(host: host, path: path) else {
            reject(head, status: .notFound, reason: "no service answers \(host ?? "")\(path)", requestID: requestID, closeAfter: false)
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > service.config.maxBodyBytes {
            reject(
                head, status: .payloadTooLarge, reason: "the body is larger than \(service.config.maxBodyBytes) bytes", requestID: requestID,
                closeAfter: true)
            return
        }
        let (bucket, assign) = Self.bucket(for: head, sticky: service.config.sticky)
        let now = Self.monotonicSeconds()
        guard let (group, target) = service.pick(bucket: bucket, now: now) else {
            // Counted against the group the request was meant for ("-" when no group has weight):
            // a canary whose targets all failed shows up in its own error rate.
            service.metrics.record(
                group: service.split.group(forBucket: bucket) ?? "-", status: 503, latencyMicros: 0, bytesIn: 0, bytesOut: 0,
                now: Date().timeIntervalSince1970)
            reject(head, status: .serviceUnavailable, reason: "no healthy target for \(service.config.name)", requestID: requestID, closeAfter: false)
            return
        }
        target.inFlight.add(1, ordering: .relaxed)
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            // The router takes the body itself, as it streams it on: let the client send it now.
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
        }
        exchange = Exchange(
            head: head, service: service, group: group, target: target, requestID: requestID, assignCookie: assign, started: .now(),
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
                    finish(clientGone: false, answered: 503)
                    reject(head, status: .serviceUnavailable, reason: "\(name) stayed paused", requestID: id, closeAfter: true)
                } else {
                    waitWhilePaused(name, until: deadline)
                }
                return
            }
            // Resumed (or removed): route again with the current table.
            if let service, let current = exchange, current.service !== service {
                current.target.inFlight.add(-1, ordering: .relaxed)
                let (bucket, _) = Self.bucket(for: current.head, sticky: service.config.sticky)
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

    private func connect(context: ChannelHandlerContext) {
        guard let exchange, let pool else { return }
        phase = .connecting
        if let connection = pool.take(exchange.target.address) {
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
            finish(clientGone: false, answered: 413)
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
                if closeAfter { context.close(promise: nil) }
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
            if draining || !current.head.isKeepAlive {
                queued.removeAll()
                written.assumeIsolated().whenComplete { [self] _ in self.context?.close(promise: nil) }
            }
            if current.requestDone {
                complete()
            } else {
                // The target answered before the body was sent: this connection cannot be reused.
                dropUpstream()
            }
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
            ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(current.head.method.rawValue)
        {
            // The pooled connection was closed by the target before it answered: try once more on a new one.
            current.retried = true
            pending = [.head(head)] + current.replayBodies.map { .body(.byteBuffer($0)) } + [.end(end)]
            phase = .connecting
            connectFresh()
            return
        }
        upstreamFailed("\(current.target.address) closed the connection", status: .badGateway)
    }

    private func connectFresh() {
        guard let exchange, let pool else { return }
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

    private func cancelTimeout() {
        timeout?.cancel()
        timeout = nil
    }

    /// The target failed: answer 502/504 if nothing was sent yet, else cut the client connection.
    private func upstreamFailed(_ reason: String, status: HTTPResponseStatus) {
        guard let context, let current = exchange else { return }
        cancelTimeout()
        dropUpstream()
        let now = Self.monotonicSeconds()
        let settings = current.service.config.healthCheck?.settings ?? TargetHealth.Settings()
        current.target.health.withLock { _ = $0.served(ok: false, at: now, settings: settings) }
        if current.status == nil {
            finish(clientGone: false, answered: nil)
            reject(current.head, status: status, reason: reason, requestID: current.requestID, closeAfter: !current.requestDone)
        } else {
            finish(clientGone: false, answered: nil)
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
        let now = Self.monotonicSeconds()
        let settings = current.service.config.healthCheck?.settings ?? TargetHealth.Settings()
        let failed = [502, 503, 504].contains(current.status ?? 0)
        current.target.health.withLock { _ = $0.served(ok: !failed, at: now, settings: settings) }
        finish(clientGone: false, answered: current.status)
        phase = .idle
        if readPending, let context, queued.isEmpty {
            readPending = false
            context.read()
        }
        handleQueued()
    }

    /// Records the request's metrics and releases its target.
    private func finish(clientGone: Bool, answered: Int?) {
        guard let current = exchange else { return }
        exchange = nil
        cancelTimeout()
        pending.removeAll(keepingCapacity: true)
        current.target.inFlight.add(-1, ordering: .relaxed)
        let micros = UInt64(max(0, (NIODeadline.now() - current.started).nanoseconds / 1000))
        current.service.metrics.record(
            group: current.group, status: answered ?? current.status, latencyMicros: micros, bytesIn: current.bytesIn, bytesOut: current.bytesOut,
            now: Date().timeIntervalSince1970)
    }

    /// The client left before its answer was complete: counted as 499 (nginx's "client closed request").
    private func finish(clientGone: Bool) {
        finish(clientGone: clientGone, answered: clientGone ? 499 : nil)
    }

    // MARK: Answers of the router itself

    private func reject(_ head: HTTPRequestHead, status: HTTPResponseStatus, reason: String, requestID: String, closeAfter asked: Bool) {
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

    // MARK: Headers

    /// Whether a header name may be one ``upstreamHead`` drops (by its first letter; no allocation).
    private static func mayDrop(_ name: String) -> Bool {
        switch name.utf8.first.map({ $0 | 0x20 }) {
        case UInt8(ascii: "c"), UInt8(ascii: "k"), UInt8(ascii: "p"), UInt8(ascii: "t"), UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "e"):
            return true
        default: return false
        }
    }

    private static let responseHopByHop = ["connection", "keep-alive", "proxy-connection"]
    private static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate"]

    private func upstreamHead(_ head: HTTPRequestHead, requestID: String, upgrade: Bool) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        let connection = head.headers["connection"]
        let listed =
            connection.isEmpty
            ? [] : Set(connection.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        for (name, value) in head.headers {
            // Only names starting like a dropped one are lowercased and looked at (the usual ones are not).
            if !listed.isEmpty || Self.mayDrop(name) {
                let lower = name.lowercased()
                if Self.hopByHop.contains(lower) || listed.contains(lower) || lower.hasPrefix("x-forwarded-") || lower == "x-request-id"
                    || lower == "expect"
                {
                    continue
                }
            }
            headers.add(name: name, value: value)
        }
        let previous = head.headers["x-forwarded-for"]
        let forwardedFor = previous.isEmpty ? remoteAddress : (previous + [remoteAddress]).filter { !$0.isEmpty }.joined(separator: ", ")
        headers.add(name: "x-forwarded-for", value: forwardedFor)
        headers.add(name: "x-forwarded-proto", value: head.headers.first(name: "x-forwarded-proto") ?? "http")
        if let host = head.headers.first(name: "x-forwarded-host") ?? head.headers.first(name: "host") {
            headers.add(name: "x-forwarded-host", value: host)
        }
        let host = head.headers.first(name: "host").map { ";host=\"\($0)\"" } ?? ""
        let forwarded = forwardedFor_ + host + ";proto=http"
        let earlier = head.headers["forwarded"]
        headers.add(name: "forwarded", value: earlier.isEmpty ? forwarded : (earlier + [forwarded]).joined(separator: ", "))
        headers.add(name: "x-request-id", value: requestID)
        if upgrade, let protocols = head.headers.first(name: "upgrade") {
            headers.add(name: "connection", value: "upgrade")
            headers.add(name: "upgrade", value: protocols)
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    private func downstreamHead(_ head: HTTPResponseHead, exchange: Exchange) -> HTTPResponseHead {
        var headers = head.headers
        for name in Self.responseHopByHop where headers.contains(name: name) { headers.remove(name: name) }
        headers.replaceOrAdd(name: "x-request-id", value: exchange.requestID)
        if let cookie = exchange.assignCookie { headers.add(name: "set-cookie", value: cookie) }
        if !exchange.head.isKeepAlive || exchange.upgrade || draining {
            // After a refused upgrade the request decoder reads no further requests on this connection.
            headers.add(name: "connection", value: "close")
        } else if exchange.head.version == .http1_0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: exchange.head.version, status: head.status, headers: headers)
    }

    // MARK: Upgrades

    static func asksUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers.first(name: "upgrade") != nil
            && head.headers["connection"].contains {
                $0.lowercased().split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "upgrade" }
            }
    }

    /// The target switched protocols: drop HTTP on both connections and pass bytes through as they come.
    private func tunnel(_ head: HTTPResponseHead, to connection: UpstreamConnection, context: ChannelHandlerContext) {
        cancelTimeout()
        upstream = nil
        connection.handler.delegate = nil
        finish(clientGone: false, answered: 101)
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

    // MARK: Buckets and ids

    /// The request's bucket from its sticky key, and the `Set-Cookie` to send when the router assigns one.
    static func bucket(for head: HTTPRequestHead, sticky: StickyMode) -> (Int, String?) {
        switch sticky {
        case .none: return (Int.random(in: 0..<TrafficSplit.buckets), nil)
        case .header(let name):
            guard let value = head.headers.first(name: name) else { return (Int.random(in: 0..<TrafficSplit.buckets), nil) }
            return (TrafficSplit.bucket(forKey: value), nil)
        case .cookie(let name):
            guard let value = cookie(name, in: head) else { return (Int.random(in: 0..<TrafficSplit.buckets), nil) }
            return (TrafficSplit.bucket(forKey: value), nil)
        case .assigned(let name):
            if let value = cookie(name, in: head), let bucket = Int(value), (0..<TrafficSplit.buckets).contains(bucket) { return (bucket, nil) }
            let bucket = Int.random(in: 0..<TrafficSplit.buckets)
            return (bucket, "\(name)=\(bucket); Path=/; Max-Age=604800; HttpOnly; SameSite=Lax")
        }
    }

    static func cookie(_ name: String, in head: HTTPRequestHead) -> String? {
        for header in head.headers["cookie"] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(name + "=") { return String(trimmed.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    /// A short reason for a failed connect ("connection refused", "timed out").
    static func describe(_ error: any Error) -> String {
        if case ChannelError.connectTimeout = error { return "timed out" }
        if let connect = error as? NIOConnectionError, let failure = connect.connectionErrors.first?.error {
            return describe(failure)
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        return "\(error)"
    }

    static func newRequestID() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    static func monotonicSeconds() -> Double {
        Double(NIODeadline.now().uptimeNanoseconds) / 1e9
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
