import Foundation
import GaaraRouterCore
import NIOCore

/// The heads the byte-forwarding path reads and writes, as bytes: the same headers the full path
/// (``ProxyHandler/upstreamHead(_:requestID:upgrade:)`` and ``ProxyHandler/downstreamHead(_:exchange:)``)
/// adds and drops. A request the full path refuses (two `Host` headers, none) goes there to be answered.
extension ByteConnection {
    /// What a header line means to the router.
    enum FieldKind: Equatable {
        case plain, host, contentLength, connection, hopByHop, cookie
        /// A forwarding header (never `.other`): ``ForwardingRules`` decide what becomes of it.
        case forwarding(ForwardingRules.Header)
        /// The request cannot take the byte-forwarding path.
        case refused
    }

    static func kind(_ bytes: UnsafeRawBufferPointer, _ field: HeadField) -> FieldKind {
        let start = field.lineStart
        let end = field.nameEnd
        func named(_ name: StaticString) -> Bool { HeadScan.equals(bytes, start, end, name) }
        switch bytes[start] | 0x20 {
        case UInt8(ascii: "h"): return named("host") ? .host : .plain
        case UInt8(ascii: "c"):
            if named("content-length") { return .contentLength }
            if named("connection") { return .connection }
            if named("cookie") { return .cookie }
            return .plain
        case UInt8(ascii: "k"): return named("keep-alive") ? .hopByHop : .plain
        case UInt8(ascii: "p"): return named("proxy-connection") || named("proxy-authenticate") ? .hopByHop : .plain
        case UInt8(ascii: "t"):
            if named("transfer-encoding") { return .refused }
            return named("te") || named("trailer") ? .hopByHop : .plain
        case UInt8(ascii: "u"): return named("upgrade") ? .refused : .plain
        case UInt8(ascii: "e"): return named("expect") ? .refused : .plain
        case UInt8(ascii: "f"), UInt8(ascii: "x"):
            let header = ForwardingRules.header(bytes, start, end)
            return header == .other ? .plain : .forwarding(header)
        default: return .plain
        }
    }

    /// Reads the request head of `headLength` bytes at the start of the inbound bytes and makes its
    /// exchange with the head to send upstream; nil when the request must take the full path. The
    /// client's `X-Forwarded-*` and `Forwarded` headers are kept only from a ``trusted`` proxy.
    func begin(headLength: Int, inbound: ByteBuffer, allocator: ByteBufferAllocator) -> FastExchange? {
        inbound.withUnsafeReadableBytes { all in
            let bytes = UnsafeRawBufferPointer(rebasing: all[0..<headLength])
            guard let line = HeadScan.requestLine(bytes), HeadScan.fields(bytes, from: line.lineEnd, to: headLength, into: &fields) else {
                return nil
            }
            // Each field's kind, found once for the loops below.
            kinds.removeAll(keepingCapacity: true)
            var host: HeadField?
            var closeAfter = draining
            var requestID: HeadField?
            var forwardedProto: HeadField?
            var forwardedHost: HeadField?
            // What the rules make of the client's forwarding headers, decided once per request.
            let mergesFor = ForwardingRules.treatment(of: .forwardedFor, trusted: trusted) == .merge
            let mergesProto = ForwardingRules.treatment(of: .forwardedProto, trusted: trusted) == .merge
            let mergesHost = ForwardingRules.treatment(of: .forwardedHost, trusted: trusted) == .merge
            let mergesForwarded = ForwardingRules.treatment(of: .forwarded, trusted: trusted) == .merge
            for field in fields {
                let kind = Self.kind(bytes, field)
                kinds.append(kind)
                switch kind {
                case .refused: return nil
                case .host:
                    guard host == nil else { return nil }
                    host = field
                case .contentLength:
                    guard HeadScan.decimal(bytes, field.valueStart, field.valueEnd) == 0 else { return nil }
                case .connection:
                    guard HeadScan.tokensAll(bytes, field.valueStart, field.valueEnd, in: ["keep-alive", "close"]) else { return nil }
                    if HeadScan.hasToken(bytes, field.valueStart, field.valueEnd, "close") { closeAfter = true }
                case .forwarding(.requestID): if requestID == nil { requestID = field }
                case .forwarding(.forwardedProto): if mergesProto, forwardedProto == nil { forwardedProto = field }
                case .forwarding(.forwardedHost): if mergesHost, forwardedHost == nil { forwardedHost = field }
                default: break
                }
            }
            // HTTP/1.1 without Host, or with a Host no URI could have (two were refused above):
            // the full path answers 400.
            guard let host, HeadScan.isHost(bytes, host.valueStart, host.valueEnd) else { return nil }
            func text(_ start: Int, _ end: Int) -> String { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
            let hostValue = text(host.valueStart, host.valueEnd)
            var pathEnd = line.targetStart
            while pathEnd < line.targetEnd, bytes[pathEnd] != UInt8(ascii: "?") { pathEnd += 1 }
            guard let service = table.snapshot(cache: &loop.snapshotCache).route(host: hostValue, path: text(line.targetStart, pathEnd)),
                !service.config.paused
            else {
                return nil
            }
            let sticky = stickyBucket(bytes, sticky: service.config.sticky)
            guard let (group, target) = service.pick(bucket: sticky.bucket, now: ProxyHandler.monotonicSeconds()) else { return nil }
            let id =
                requestID.flatMap { ForwardingRules.keepsRequestID(length: $0.valueEnd - $0.valueStart) ? text($0.valueStart, $0.valueEnd) : nil }
                ?? ProxyHandler.requestID(&random)

            var out = allocator.buffer(capacity: headLength + 320)
            func copy(_ start: Int, _ end: Int) { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) }
            copy(0, line.lineEnd)
            for (field, kind) in zip(fields, kinds) {
                switch kind {
                case .plain, .host, .contentLength, .cookie: copy(field.lineStart, field.lineEnd)
                default: break
                }
            }
            // Every forwarding header line was left out above (the rules pass none); the router's own follow.
            out.writeStaticString("x-forwarded-for: ")
            ForwardingRules.hops(
                kept: zip(fields, kinds), belong: { mergesFor && $0.1 == .forwarding(.forwardedFor) }, isEmpty: { $0.0.valueEnd == $0.0.valueStart },
                hasOwn: !remoteAddress.isEmpty
            ) { piece in
                switch piece {
                case .kept(let (field, _)): copy(field.valueStart, field.valueEnd)
                case .separator: out.writeStaticString(", ")
                case .own: out.writeString(remoteAddress)
                }
            }
            out.writeStaticString("\r\nx-forwarded-proto: ")
            if let proto = forwardedProto {
                copy(proto.valueStart, proto.valueEnd)
            } else {
                out.writeStaticString("http")
            }
            out.writeStaticString("\r\n")
            let forwardedHostField = forwardedHost ?? host
            out.writeStaticString("x-forwarded-host: ")
            copy(forwardedHostField.valueStart, forwardedHostField.valueEnd)
            out.writeStaticString("\r\nforwarded: ")
            ForwardingRules.hops(
                kept: zip(fields, kinds), belong: { mergesForwarded && $0.1 == .forwarding(.forwarded) },
                isEmpty: { $0.0.valueEnd == $0.0.valueStart }, hasOwn: true
            ) { piece in
                switch piece {
                case .kept(let (field, _)): copy(field.valueStart, field.valueEnd)
                case .separator: out.writeStaticString(", ")
                case .own:
                    // ForwardingRules.forwardedElement(node:host:), written in place.
                    out.writeString(forwardedFor)
                    out.writeStaticString(";host=\"")
                    copy(host.valueStart, host.valueEnd)
                    out.writeStaticString("\";proto=http")
                }
            }
            out.writeStaticString("\r\nx-request-id: ")
            out.writeString(id)
            out.writeStaticString("\r\n\r\n")

            target.inFlight.add(1, ordering: .relaxed)
            let method = text(0, line.methodEnd)  // a short string: no allocation
            let isHead = method == "HEAD"
            let idempotent = ProxyHandler.retryableMethods.contains(method)
            return FastExchange(
                service: service, group: group, target: target, requestID: id, assignCookie: sticky.assignCookie, client: sticky.client,
                request: out, isHead: isHead, idempotent: idempotent, closeAfter: closeAfter)
        }
    }

    /// The request's canary bucket from its sticky key (see ``ProxyHandler/bucket(sticky:random:header:cookie:)``).
    private func stickyBucket(_ bytes: UnsafeRawBufferPointer, sticky: StickyMode) -> ProxyHandler.StickyPick {
        func text(_ field: HeadField) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.valueStart..<field.valueEnd]), as: UTF8.self)
        }
        return ProxyHandler.bucket(
            sticky: sticky, random: &random,
            header: { name in
                let lower = name.lowercased()
                return fields.first { Self.name(bytes, $0, is: lower) }.map(text)
            },
            cookie: { name in ProxyHandler.cookie(name, in: zip(fields, kinds).lazy.filter { $0.1 == .cookie }.map { text($0.0) }) })
    }

    private static func name(_ bytes: UnsafeRawBufferPointer, _ field: HeadField, is lower: String) -> Bool {
        guard field.nameEnd - field.lineStart == lower.utf8.count else { return false }
        var index = field.lineStart
        for byte in lower.utf8 {
            guard bytes[index] | 0x20 == byte | 0x20 else { return false }
            index += 1
        }
        return true
    }

    /// What an answer head from a target turned out to be.
    enum ResponseHead {
        /// The head to send the client.
        case head(ByteBuffer)
        /// A 1xx answer, dropped.
        case informational
        /// Not a valid answer head (or one the router refuses): a 502.
        case malformed
    }

    /// Makes the head sent to the client from the target's answer head (`length` bytes) and notes
    /// the answer's status and framing in `current`.
    func responseHead(_ buffer: ByteBuffer, length: Int, current: FastExchange, allocator: ByteBufferAllocator) -> ResponseHead {
        buffer.withUnsafeReadableBytes { all -> ResponseHead in
            let bytes = UnsafeRawBufferPointer(rebasing: all[0..<length])
            guard let status = HeadScan.statusLine(bytes), HeadScan.fields(bytes, from: status.lineEnd, to: length, into: &fields) else {
                return .malformed
            }
            if status.code < 200 { return status.code == 101 ? .malformed : .informational }
            var contentLength: Int?
            var chunked: Bool?
            var close = false
            var keepAlive = false
            for field in fields {
                let start = field.lineStart
                let end = field.nameEnd
                switch bytes[start] | 0x20 {
                case UInt8(ascii: "c"):
                    if HeadScan.equals(bytes, start, end, "content-length") {
                        guard let value = HeadScan.decimal(bytes, field.valueStart, field.valueEnd), contentLength == nil || contentLength == value
                        else {
                            return .malformed
                        }
                        contentLength = value
                    } else if HeadScan.equals(bytes, start, end, "connection") {
                        close = close || HeadScan.hasToken(bytes, field.valueStart, field.valueEnd, "close")
                        keepAlive = keepAlive || HeadScan.hasToken(bytes, field.valueStart, field.valueEnd, "keep-alive")
                    }
                case UInt8(ascii: "t"):
                    if HeadScan.equals(bytes, start, end, "transfer-encoding") {
                        // Chunked when it is the last coding; anything else ends with the connection.
                        var last = field.valueEnd
                        while last > field.valueStart, bytes[last - 1] != 44, bytes[last - 1] != 32 { last -= 1 }
                        chunked = HeadScan.equals(bytes, last, field.valueEnd, "chunked")
                    }
                default: break
                }
            }
            // Both framings at once is how responses are smuggled: refused, as nginx does.
            if chunked != nil, contentLength != nil { return .malformed }
            let framing: FastExchange.Framing
            if current.isHead || status.code == 204 || status.code == 304 {
                framing = .length(0)
            } else if let chunked {
                framing = chunked ? .chunked(ChunkedFraming()) : .untilClose
            } else if let contentLength {
                framing = .length(contentLength)
            } else {
                framing = .untilClose
            }
            current.status = status.code
            current.framing = framing
            current.responseKeepAlive = framing != .untilClose && (status.minor == 1 ? !close : keepAlive)
            // An answer that ends with its connection ends the client's connection too.
            if framing == .untilClose || draining { current.closeAfter = true }

            var out = allocator.buffer(capacity: length + 160 + min(all.count - length, Self.joinedBody))
            out.writeStaticString("HTTP/1.1 ")
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[status.codeStart..<status.lineEnd]))
            for field in fields {
                let start = field.lineStart
                let end = field.nameEnd
                let dropped: Bool
                switch bytes[start] | 0x20 {
                case UInt8(ascii: "c"): dropped = HeadScan.equals(bytes, start, end, "connection")
                case UInt8(ascii: "k"): dropped = HeadScan.equals(bytes, start, end, "keep-alive")
                case UInt8(ascii: "p"): dropped = HeadScan.equals(bytes, start, end, "proxy-connection")
                case UInt8(ascii: "x"): dropped = HeadScan.equals(bytes, start, end, "x-request-id")
                default: dropped = false
                }
                if !dropped { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<field.lineEnd])) }
            }
            out.writeStaticString("x-request-id: ")
            out.writeString(current.requestID)
            out.writeStaticString("\r\n")
            if let cookie = current.assignCookie {
                out.writeStaticString("set-cookie: ")
                out.writeString(cookie)
                out.writeStaticString("\r\n")
            }
            if current.closeAfter { out.writeStaticString("connection: close\r\n") }
            out.writeStaticString("\r\n")
            return .head(out)
        }
    }
}
