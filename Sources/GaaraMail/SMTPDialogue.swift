import Foundation

/// How the connection to the server is protected.
public enum SMTPSecurity: String, Sendable, Equatable, Codable {
    /// Plain TCP upgraded with STARTTLS, which the server must offer (port 587; the default).
    case startTLS = "starttls"
    /// TLS from the first byte (port 465).
    case tls
    /// No TLS at all (a relay on the same machine); credentials are then refused.
    case none
}

/// The SMTP conversation (RFC 5321) for one message, as a pure state machine: it is given each of
/// the server's replies and answers with what to do next, so the whole exchange — EHLO, STARTTLS,
/// AUTH PLAIN or LOGIN, the envelope, DATA with dot-stuffing, QUIT — is tested without a socket.
public struct SMTPDialogue: Sendable {
    /// What the connection should do next, in order.
    public enum Action: Sendable, Equatable {
        /// Send these bytes (commands end with CRLF already).
        case send(String)
        /// Put TLS under the connection now, before sending anything else (after STARTTLS's 220).
        case startTLS
        /// The message was accepted and the session ended: close.
        case finished
        /// Give up with this error: close.
        case failed(kind: MailError.Kind, message: String, reply: SMTPReply?)
    }

    enum State: Sendable, Equatable {
        case greeting, ehlo, helo, startTLS, authPlain, authLoginUser, authLoginPassword, mailFrom
        case recipient(Int)
        case data, body, quit, done
    }

    let name: String
    let security: SMTPSecurity
    let credentials: (username: String, password: String)?
    let sender: String
    let recipients: [String]
    let payload: String
    private(set) var state = State.greeting
    /// Whether TLS is under the connection (from the start with ``SMTPSecurity/tls``).
    private(set) var secured: Bool
    /// Whether the server accepted the message (its reply to the data): a connection closed after
    /// that is not a failure.
    public private(set) var delivered = false

    /// A conversation sending `payload` (the rendered message) from `sender` to `recipients`
    /// (bare addresses), introducing itself as `name`.
    public init(
        name: String, security: SMTPSecurity, credentials: (username: String, password: String)?, sender: String, recipients: [String],
        payload: String
    ) {
        self.name = name
        self.security = security
        self.credentials = credentials
        self.sender = sender
        self.recipients = recipients
        self.payload = payload
        secured = security == .tls
    }

    /// What to do after the server's `reply`.
    public mutating func receive(_ reply: SMTPReply) -> [Action] {
        switch state {
        case .greeting:
            guard reply.code == 220 else { return fail(.rejected, "the server refused the session", reply) }
            state = .ehlo
            return [.send("EHLO \(name)\r\n")]
        case .ehlo:
            guard reply.code == 250 else {
                // A server without ESMTP: HELO, when nothing ESMTP is needed.
                guard reply.code / 100 == 5, security == .none, credentials == nil else {
                    return fail(.protocol, "the server refused EHLO", reply)
                }
                state = .helo
                return [.send("HELO \(name)\r\n")]
            }
            return afterGreeting(extensions: Set(reply.lines.dropFirst().map { $0.uppercased() }))
        case .helo:
            guard reply.code == 250 else { return fail(.protocol, "the server refused HELO", reply) }
            return mailFrom()
        case .startTLS:
            guard reply.code == 220 else { return fail(.tlsUnavailable, "the server refused STARTTLS", reply) }
            secured = true
            state = .ehlo
            return [.startTLS, .send("EHLO \(name)\r\n")]
        case .authPlain:
            // AUTH PLAIN's reply, or AUTH LOGIN's after the password.
            guard reply.code == 235 else { return fail(.authentication, "the server refused the credentials", reply) }
            return mailFrom()
        case .authLoginUser, .authLoginPassword:
            guard reply.code == 334, let credentials else { return fail(.authentication, "the server refused the credentials", reply) }
            if state == .authLoginUser {
                state = .authLoginPassword
                return [.send(Self.base64(credentials.username) + "\r\n")]
            }
            state = .authPlain
            return [.send(Self.base64(credentials.password) + "\r\n")]
        case .mailFrom:
            guard reply.code == 250 else { return fail(.rejected, "the server refused the sender <\(sender)>", reply) }
            return recipient(0)
        case .recipient(let index):
            guard reply.code == 250 || reply.code == 251 else {
                return fail(.rejected, "the server refused the recipient <\(recipients[index])>", reply)
            }
            return recipient(index + 1)
        case .data:
            guard reply.code == 354 else { return fail(.rejected, "the server refused DATA", reply) }
            state = .body
            return [.send(Self.dotStuffed(payload) + ".\r\n")]
        case .body:
            guard reply.code == 250 else { return fail(.rejected, "the server refused the message", reply) }
            delivered = true
            state = .quit
            return [.send("QUIT\r\n")]
        case .quit:
            state = .done
            return [.finished]
        case .done:
            return []
        }
    }

    /// After EHLO: STARTTLS first when asked for, then AUTH when there are credentials.
    private mutating func afterGreeting(extensions: Set<String>) -> [Action] {
        if security == .startTLS, !secured {
            guard extensions.contains("STARTTLS") else {
                return fail(.tlsUnavailable, "the server does not offer STARTTLS (set tls: none to send without it)", nil)
            }
            state = .startTLS
            return [.send("STARTTLS\r\n")]
        }
        guard let credentials else { return mailFrom() }
        guard secured else { return fail(.authentication, "refusing to send the password over a connection without TLS", nil) }
        let mechanisms = Set(extensions.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }.flatMap { $0.dropFirst(5).split(separator: " ") })
        if mechanisms.contains("PLAIN") {
            state = .authPlain
            return [.send("AUTH PLAIN " + Self.base64("\0\(credentials.username)\0\(credentials.password)") + "\r\n")]
        }
        if mechanisms.contains("LOGIN") {
            state = .authLoginUser
            return [.send("AUTH LOGIN\r\n")]
        }
        return fail(.authentication, "the server offers no AUTH PLAIN or LOGIN (offered: \(mechanisms.sorted().joined(separator: " ")))", nil)
    }

    private mutating func mailFrom() -> [Action] {
        state = .mailFrom
        return [.send("MAIL FROM:<\(sender)>\r\n")]
    }

    private mutating func recipient(_ index: Int) -> [Action] {
        guard index < recipients.count else {
            state = .data
            return [.send("DATA\r\n")]
        }
        state = .recipient(index)
        return [.send("RCPT TO:<\(recipients[index])>\r\n")]
    }

    private mutating func fail(_ kind: MailError.Kind, _ message: String, _ reply: SMTPReply?) -> [Action] {
        state = .done
        return [.failed(kind: kind, message: message, reply: reply)]
    }

    /// `text` with CRLF line ends, a line starting with `.` given another (RFC 5321 4.5.2), and a
    /// final line break, ready for the `.` that ends the data.
    static func dotStuffed(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n") + "\r\n"
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
