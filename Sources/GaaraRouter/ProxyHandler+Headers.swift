import Foundation
import GaaraRouterCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// The headers a ``ProxyHandler`` sends each way, sticky buckets, request ids and small helpers.
extension ProxyHandler {
    // MARK: Headers

    /// Whether a header name may be one ``upstreamHead`` drops (by its first letter; no allocation).
    static func mayDrop(_ name: String) -> Bool {
        switch name.utf8.first.map({ $0 | 0x20 }) {
        case UInt8(ascii: "c"), UInt8(ascii: "k"), UInt8(ascii: "p"), UInt8(ascii: "t"), UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "e"):
            return true
        default: return false
        }
    }

    static let responseHopByHop = ["connection", "keep-alive", "proxy-connection"]
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate"]

    func upstreamHead(_ head: HTTPRequestHead, requestID: String, upgrade: Bool) -> HTTPRequestHead {
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
