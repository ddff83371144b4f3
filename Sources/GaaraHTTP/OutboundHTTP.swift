import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Gaara's one outbound HTTP client (AsyncHTTPClient underneath): every request has a deadline,
/// redirects are not followed (a status API or a health check that redirects says so itself), and
/// connections are pooled per host.
public final class OutboundHTTP: Sendable {
    /// The process-wide client. It lives as long as the process, like `HTTPClient.shared`.
    public static let shared = OutboundHTTP()

    private let client: HTTPClient

    /// The client on the process's shared event loops (there is only ``shared``: one pool for all).
    private init() {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(30)))
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends `request` and reads the whole answer.
    public func send(_ request: OutboundRequest) async throws(OutboundError) -> OutboundResponse {
        let label = "\(request.method) \(request.url)"
        do {
            let response = try await client.execute(try Self.convert(request, label: label), timeout: .milliseconds(Int64(request.timeout * 1000)))
            var body = Data()
            do {
                let buffer = try await response.body.collect(upTo: request.maxResponseBytes)
                body = Data(buffer.readableBytesView)
            } catch is NIOTooManyBytesError {
                throw OutboundError(.tooLarge, request: label)
            }
            return OutboundResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch {
            throw Self.classify(error, label: label)
        }
    }

    /// Sends `request` and hands the answer's body to `chunk` piece by piece as it arrives (for
    /// event streams); returns the status once the body ends. `request.timeout` bounds the whole.
    public func stream(_ request: OutboundRequest, chunk: (Int, Data) async throws -> Void) async throws(OutboundError) -> Int {
        let label = "\(request.method) \(request.url)"
        do {
            let response = try await client.execute(try Self.convert(request, label: label), timeout: .milliseconds(Int64(request.timeout * 1000)))
            let status = Int(response.status.code)
            for try await buffer in response.body { try await chunk(status, Data(buffer.readableBytesView)) }
            return status
        } catch {
            throw Self.classify(error, label: label)
        }
    }

    private static func convert(_ request: OutboundRequest, label: String) throws(OutboundError) -> HTTPClientRequest {
        guard URL(string: request.url)?.scheme != nil else { throw OutboundError(.invalidURL, request: label) }
        var converted = HTTPClientRequest(url: request.url)
        converted.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { converted.headers.add(name: name, value: value) }
        if let body = request.body { converted.body = .bytes(ByteBuffer(bytes: body)) }
        return converted
    }

    private static func classify(_ error: any Error, label: String) -> OutboundError {
        if let error = error as? OutboundError { return error }
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error) {
                return OutboundError(.timeout, request: label, cause: error)
            }
            if [.invalidURL, .emptyScheme, .emptyHost].contains(error) { return OutboundError(.invalidURL, request: label, cause: error) }
        }
        return OutboundError(.connection, request: label, cause: error)
    }
}
