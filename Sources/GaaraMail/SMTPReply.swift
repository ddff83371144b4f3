/// A server's reply: its three-digit code and its lines of text (several for EHLO's extensions).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// 220, 250, 354, 421, 535, ...
    public var code: Int
    /// The text after the code on each line.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx or 3xx: the command went through (3xx asks for more).
    public var isPositive: Bool { code >= 200 && code < 400 }

    /// `535 5.7.8 Authentication credentials invalid`.
    public var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// Gathers a reply's lines (`250-first`, `250-second`, `250 last`) into one ``SMTPReply``.
public struct SMTPReplyParser: Sendable {
    private var code: Int?
    private var lines: [String] = []

    /// A parser at the start of a reply.
    public init() {}

    /// Takes one line (without its line break): the whole reply once its last line arrived, nil
    /// while it continues.
    public mutating func feed(_ line: String) throws(MailError) -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(String(line.prefix(3))),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else {
            throw MailError(.protocol, "the server's line '\(line.prefix(80))' is not an SMTP reply")
        }
        if let code, code != value {
            throw MailError(.protocol, "a reply's lines have different codes (\(code) and \(value))")
        }
        code = value
        lines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
        guard bytes.count == 3 || bytes[3] == UInt8(ascii: " ") else { return nil }
        defer {
            code = nil
            lines = []
        }
        return SMTPReply(code: value, lines: lines)
    }
}
