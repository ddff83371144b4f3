import Foundation

/// One HTTP request Gaara sends out: to a forge's status API, a server, a router's admin API, a
/// health check, and next to Slack, PagerDuty and webhooks.
public struct OutboundRequest: Sendable {
    /// `GET`, `POST`, ...
    public var method: String
    /// The URL (`http+unix://…` for a Unix socket, see ``unixSocket(_:path:)``).
    public var url: String
    /// Header fields, in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: Data?
    /// Seconds the whole exchange may take, connection included.
    public var timeout: Double
    /// The largest response body read (bytes); more is an error.
    public var maxResponseBytes: Int

    /// Creates a request.
    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: Data? = nil, timeout: Double = 30,
        maxResponseBytes: Int = 16 * 1024 * 1024
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// The URL of `path` on the HTTP server listening on the Unix socket `socket`.
    public static func unixSocket(_ socket: String, path: String) -> String {
        let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
        return "http+unix://\(encoded)\(path.hasPrefix("/") ? path : "/" + path)"
    }
}

/// An answer.
public struct OutboundResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields, in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why a request got no answer.
public struct OutboundError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure.
    public enum Kind: String, Sendable {
        /// The URL cannot be sent to.
        case invalidURL = "invalid URL"
        /// No connection, or it broke before an answer.
        case connection = "connection failed"
        /// No answer within the request's timeout.
        case timeout = "timed out"
        /// The answer's body was larger than allowed.
        case tooLarge = "response too large"
    }

    /// What kind of failure.
    public var kind: Kind
    /// The request's method and URL.
    public var request: String
    /// The underlying error.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ kind: Kind, request: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.request = request
        self.cause = cause
    }

    /// `POST http://…: timed out: <cause>`.
    public var description: String {
        "\(request): \(kind.rawValue)" + (cause.map { ": \($0)" } ?? "")
    }
}
