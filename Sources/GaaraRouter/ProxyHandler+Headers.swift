import Foundation
import GaaraRouterCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The headers a ``ProxyHandler`` sends each way, sticky buckets, request ids and small helpers.
extension ProxyHandler {
    // MARK: Headers

    /// Why a request's `Host` headers make it a 400 (RFC 9112 §3.2), or nil: more than one, none in
    /// HTTP/1.1, or a value no URI could have (see ``HeadScan/isHost(_:)``). HTTP/1.0 may go without.
    static func hostProblem(_ head: HTTPRequestHead) -> String? {
        let hosts = head.headers["host"]
        if hosts.count > 1 { return "more than one Host header" }
        guard let host = hosts.first else {
            let needsHost = head.version.major > 1 || (head.version.major == 1 && head.version.minor >= 1)
            return needsHost ? "an HTTP/1.1 request needs a Host header" : nil
        }
        return HeadScan.isHost(host) ? nil : "the Host header is not a host[:port]"
    }

    /// Whether a header name may be a hop-by-hop one or `Expect`, which ``upstreamHead`` drops
    /// (by its first letter; no allocation).
    static func mayDrop(_ name: String) -> Bool {
        switch name.utf8.first.map({ $0 | 0x20 }) {
        case UInt8(ascii: "c"), UInt8(ascii: "k"), UInt8(ascii: "p"), UInt8(ascii: "t"), UInt8(ascii: "u"), UInt8(ascii: "e"):
            return true
        default: return false
        }
    }

    /// Methods sent again once on a new connection when a pooled one closes before the answer.
    static let retryableMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]

    static let responseHopByHop = ["connection", "keep-alive", "proxy-connection"]
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate"]

    /// The head sent to the target: hop-by-hop headers dropped, the forwarding headers set as
    /// ``ForwardingRules`` say — from a ``trusted`` proxy its `X-Forwarded-*` and `Forwarded`
    /// headers are kept (this hop added), from any other client they are replaced by what the router saw.
    func upstreamHead(_ head: HTTPRequestHead, requestID: String, upgrade: Bool) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        let connection = head.headers["connection"]
        let listed =
            connection.isEmpty
            ? [] : Set(connection.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        for (name, value) in head.headers {
            // The rules pass no forwarding header as it came: the router writes its own below.
            if ForwardingRules.header(named: name) != .other { continue }
            // Only names starting like a dropped one are lowercased and looked at (the usual ones are not).
            if !listed.isEmpty || Self.mayDrop(name) {
                let lower = name.lowercased()
                if Self.hopByHop.contains(lower) || listed.contains(lower) || lower == "expect" { continue }
            }
            headers.add(name: name, value: value)
        }
        func kept(_ header: ForwardingRules.Header, _ name: String) -> [String] {
            ForwardingRules.treatment(of: header, trusted: trusted) == .merge ? head.headers[name] : []
        }
        let host = head.headers.first(name: "host")
        headers.add(name: "x-forwarded-for", value: ForwardingRules.list(kept: kept(.forwardedFor, "x-forwarded-for"), own: remoteAddress))
        headers.add(name: "x-forwarded-proto", value: kept(.forwardedProto, "x-forwarded-proto").first ?? "http")
        if let forwardedHost = kept(.forwardedHost, "x-forwarded-host").first ?? host {
            headers.add(name: "x-forwarded-host", value: forwardedHost)
        }
        let element = ForwardingRules.forwardedElement(node: forwardedFor_, host: host)
        headers.add(name: "forwarded", value: ForwardingRules.list(kept: kept(.forwarded, "forwarded"), own: element))
        headers.add(name: "x-request-id", value: requestID)
        if upgrade, let protocols = head.headers.first(name: "upgrade") {
            headers.add(name: "connection", value: "upgrade")
            headers.add(name: "upgrade", value: protocols)
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    func downstreamHead(_ head: HTTPResponseHead, exchange: ProxyExchange) -> HTTPResponseHead {
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

    // MARK: Buckets and ids

    /// A request's place in a split: its bucket, the `Set-Cookie` to send when the router assigns
    /// one, and the hash of its client's sticky key for the active-users count (0: none).
    struct StickyPick {
        var bucket: Int
        var assignCookie: String?
        var client: UInt64
    }

    /// The request's bucket from its sticky key — a header or cookie, read through `header` and
    /// `cookie` — and the `Set-Cookie` to send when the router assigns one. An assigned cookie is
    /// `BUCKET-CLIENT`: the bucket keeps the client on its side of a split, the random client part
    /// tells clients in one bucket apart for the active-users count (a bare `BUCKET`, as routers
    /// before it assigned, still keeps its bucket).
    static func bucket(
        sticky: StickyMode, random: inout FastRandom, header: (String) -> String?, cookie: (String) -> String?
    ) -> StickyPick {
        let drawn = Int(random.next() % UInt64(TrafficSplit.buckets))
        func keyed(_ key: String?) -> StickyPick {
            guard let key else { return StickyPick(bucket: drawn, client: 0) }
            return StickyPick(bucket: TrafficSplit.bucket(forKey: key), client: DistinctCounter.hash(key))
        }
        switch sticky {
        case .none: return StickyPick(bucket: drawn, client: 0)
        case .header(let name): return keyed(header(name))
        case .cookie(let name): return keyed(cookie(name))
        case .assigned(let name):
            // (The bucket is read from the UTF-8 bytes: this runs for every request of a returning client.)
            if let value = cookie(name), let bucket = Int(Substring(value.utf8.prefix { $0 != UInt8(ascii: "-") })),
                (0..<TrafficSplit.buckets).contains(bucket)
            {
                return StickyPick(bucket: bucket, client: DistinctCounter.hash(value))
            }
            let value = "\(drawn)-\(String(random.next(), radix: 36))"
            return StickyPick(
                bucket: drawn, assignCookie: "\(name)=\(value); Path=/; Max-Age=604800; HttpOnly; SameSite=Lax", client: DistinctCounter.hash(value))
        }
    }

    /// The value of cookie `name` in these `Cookie` header values.
    /// Scanned as bytes: every request of a returning sticky client reads it.
    static func cookie(_ name: String, in headers: some Sequence<String>) -> String? {
        let wanted = Array(name.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        for header in headers {
            let bytes = Array(header.utf8)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: ";") { end += 1 }
                var first = start
                while first < end, isSpace(bytes[first]) { first += 1 }
                if end - first > wanted.count, bytes[first + wanted.count] == UInt8(ascii: "="),
                    bytes[first..<(first + wanted.count)].elementsEqual(wanted)
                {
                    var last = end
                    while last > first + wanted.count + 1, isSpace(bytes[last - 1]) { last -= 1 }
                    return String(decoding: bytes[(first + wanted.count + 1)..<last], as: UTF8.self)
                }
                start = end + 1
            }
        }
        return nil
    }

    /// The request's bucket for `sticky` (see ``bucket(sticky:random:header:cookie:)``).
    func bucket(for head: HTTPRequestHead, sticky: StickyMode) -> StickyPick {
        Self.bucket(
            sticky: sticky, random: &random, header: { head.headers.first(name: $0) }, cookie: { Self.cookie($0, in: head.headers["cookie"]) })
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

    func newRequestID() -> String {
        Self.requestID(&random)
    }

    /// A new request id: 60 random bits in at most 15 hex digits (a string that needs no allocation).
    static func requestID(_ random: inout FastRandom) -> String {
        String(random.next() >> 4, radix: 16)
    }

    /// The client's address and the `for=ADDRESS` of the `Forwarded` header, made once per connection.
    static func clientAddress(_ channel: any Channel) -> (address: String, forwardedFor: String) {
        let address = channel.remoteAddress?.ipAddress ?? ""
        return (address, ForwardingRules.forwardedNode(address))
    }

    static func monotonicSeconds() -> Double {
        Double(NIODeadline.now().uptimeNanoseconds) / 1e9
    }
}
