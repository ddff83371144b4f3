/// How to reach an SMTP server: host, port, protection, credentials, and a certificate authority to
/// trust beyond the system's (a company's own).
public struct SMTPSettings: Sendable, Equatable {
    /// The server's name or address.
    public var host: String
    /// Its port (587 for STARTTLS, 465 for TLS, 25 for a plain relay).
    public var port: Int
    /// How the connection is protected.
    public var security: SMTPSecurity
    /// The user name for AUTH, if the server wants one.
    public var username: String?
    /// Its password.
    public var password: String?
    /// A PEM file of certificate authorities trusted besides the system's.
    public var caFile: String?
    /// Seconds the whole exchange may take.
    public var timeout: Double
    /// The name given in EHLO.
    public var heloName: String

    /// Creates settings; the port defaults from `security`.
    public init(
        host: String, port: Int? = nil, security: SMTPSecurity = .startTLS, username: String? = nil, password: String? = nil,
        caFile: String? = nil, timeout: Double = 30, heloName: String = "gaara.localdomain"
    ) {
        self.host = host
        self.port = port ?? (security == .tls ? 465 : security == .startTLS ? 587 : 25)
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeout = timeout
        self.heloName = heloName
    }
}

/// Sends email.
public protocol Mailer: Sendable {
    /// Sends `message`; throws what kept it from the server.
    func send(_ message: EmailMessage) async throws(MailError)
}

/// A mailer that keeps what it was given (for tests of the layer above), failing the first
/// `failures` sends with a transient error.
public actor RecordingMailer: Mailer {
    /// The messages, in order.
    public private(set) var sent: [EmailMessage] = []
    private var failures: Int

    /// A recorder failing its first `failures` sends.
    public init(failures: Int = 0) { self.failures = failures }

    /// Keeps `message`.
    public func send(_ message: EmailMessage) async throws(MailError) {
        guard failures == 0 else {
            failures -= 1
            throw MailError(.connection, "a recorded failure")
        }
        sent.append(message)
    }
}
