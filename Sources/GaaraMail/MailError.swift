/// Why an email was not sent: a kind a caller can act on (retry a transient one, fix the settings
/// for the others), the words, the server's reply when there was one, and the underlying error.
public struct MailError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The server could not be reached, or the connection broke.
        case connection
        /// The TLS handshake failed (an untrusted or mismatched certificate, say).
        case tls
        /// `tls: starttls` was asked for and the server does not offer STARTTLS.
        case tlsUnavailable = "tls-unavailable"
        /// The server refused the credentials, or offers no way to send them.
        case authentication
        /// The server refused the message or a recipient (its reply says why).
        case rejected
        /// The server answered something SMTP does not allow.
        case `protocol`
        /// The exchange took longer than the settings allow.
        case timeout
        /// The message cannot be sent as it is (a line break in an address, no recipient).
        case invalidMessage = "invalid-message"
    }

    /// What went wrong.
    public var kind: Kind
    /// In words.
    public var message: String
    /// The server's reply that ended the exchange, if any.
    public var reply: SMTPReply?
    /// The error underneath (a socket's, NIOSSL's), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, reply: SMTPReply? = nil, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.reply = reply
        self.cause = cause
    }

    /// Whether trying again later may succeed: a 4xx reply (RFC 5321's "transient negative"), a
    /// broken connection or a timeout.
    public var isTransient: Bool {
        if let reply { return reply.code / 100 == 4 }
        return kind == .connection || kind == .timeout
    }

    /// `rejected: RCPT TO was refused: 550 5.1.1 no such user`.
    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let reply { text += ": \(reply)" }
        if let cause { text += " (\(cause))" }
        return text
    }
}
