import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A failure talking to the router's admin API.
public struct AdminClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// The message.
    public var description: String { message }
}

/// A small HTTP/1.1 client for the router's admin API, over its Unix socket or loopback TCP.
public struct AdminClient: Sendable {
    /// `unix:/path` or `http://host:port`.
    public let endpoint: String
    /// The bearer token for TCP.
    public let token: String?

    /// Creates a client.
    public init(endpoint: String, token: String?) {
        self.endpoint = endpoint
        self.token = token
    }

    /// Sends one request and returns the status and body.
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.any().makePromise(of: (status: Int, body: Data).self)
        let collector = ResponseCollector(promise: promise)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let channel: any Channel
        var host = "localhost"
        do {
            if endpoint.hasPrefix("unix:") {
                channel = try await bootstrap.connect(unixDomainSocketPath: String(endpoint.dropFirst(5))).get()
            } else if let url = URL(string: endpoint), let urlHost = url.host, let port = url.port {
                host = "\(urlHost):\(port)"
                channel = try await bootstrap.connect(host: urlHost, port: port).get()
            } else {
                throw AdminClientError(message: "invalid admin endpoint '\(endpoint)' (unix:/path or http://host:port)")
            }
        } catch {
            promise.fail(error)
            if let error = error as? AdminClientError { throw error }
            throw AdminClientError(message: "cannot reach the router's admin API at \(endpoint): \(error)")
        }
        var headers = HTTPHeaders()
        headers.add(name: "host", value: host)
        headers.add(name: "connection", value: "close")
        if let token { headers.add(name: "authorization", value: "Bearer " + token) }
        if let body {
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(body.count))
        }
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return try await promise.futureResult.get()
    }
}

/// Collects one response into a promise.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var status = 0
    private var body = Data()
    private var promise: EventLoopPromise<(status: Int, body: Data)>?

    init(promise: EventLoopPromise<(status: Int, body: Data)>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var buffer): body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            promise?.succeed((status, body))
            promise = nil
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(AdminClientError(message: "the router closed the connection"))
        promise = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }
}
