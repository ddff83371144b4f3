import Foundation
import GaaraHTTP
import NIOHTTP1

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

    /// Sends one request and returns the status and body (through the one ``OutboundHTTP`` client),
    /// within `timeout` seconds (connecting included: a socket nobody listens on is retried until then).
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, timeout: Double = 30) async throws -> (status: Int, body: Data) {
        let url: String
        if endpoint.hasPrefix("unix:") {
            url = OutboundRequest.unixSocket(String(endpoint.dropFirst(5)), path: path)
        } else if let parsed = URL(string: endpoint), parsed.host != nil, parsed.port != nil {
            url = endpoint.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path
        } else {
            throw AdminClientError(message: "invalid admin endpoint '\(endpoint)' (unix:/path or http://host:port)")
        }
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer " + token)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        do {
            let response = try await OutboundHTTP.shared.send(
                OutboundRequest(method: method.rawValue, url: url, headers: headers, body: body, timeout: timeout))
            return (response.status, response.body)
        } catch {
            throw AdminClientError(message: "cannot reach the router's admin API at \(endpoint): \(error)")
        }
    }
}
