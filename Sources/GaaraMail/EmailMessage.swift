import Foundation

/// An email: a plain-text body and, optionally, an HTML one (sent as `multipart/alternative`, so
/// every client shows one of them), rendered as RFC 5322 text with CRLF line ends.
public struct EmailMessage: Sendable, Equatable {
    /// The sender: `deploy@example.com` or `Gaara <deploy@example.com>`.
    public var from: String
    /// The recipients, in the same forms.
    public var to: [String]
    /// The subject (any Unicode; encoded for the header when it is not ASCII).
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// The HTML body, if any.
    public var html: String?
    /// When it was written.
    public var date: Date
    /// Extra headers (`X-Gaara-Event`), in order.
    public var headers: [String: String]
    /// Its `Message-ID` (without the angle brackets).
    public var messageID: String

    /// Creates a message.
    public init(
        from: String, to: [String], subject: String, text: String, html: String? = nil, date: Date = Date(), headers: [String: String] = [:],
        messageID: String = "\(UUID().uuidString.lowercased())@gaara"
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.headers = headers
        self.messageID = messageID
    }

    /// The bare address of a mailbox: `ops@example.com` from `Ops <ops@example.com>`.
    public static func address(of mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close else {
            return mailbox.trimmingCharacters(in: .whitespaces)
        }
        return String(mailbox[mailbox.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
    }

    /// Throws when the message cannot be sent as it is: no recipient, an address without `@`, a
    /// line break in a header (which would let a value forge headers of its own).
    public func validate() throws(MailError) {
        guard !to.isEmpty else { throw MailError(.invalidMessage, "the message has no recipient") }
        for mailbox in [from] + to {
            let address = Self.address(of: mailbox)
            guard address.contains("@"), !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" }) else {
                throw MailError(.invalidMessage, "'\(mailbox)' is not an email address")
            }
        }
        for value in [from, subject] + to + Array(headers.keys) + Array(headers.values) where value.contains(where: \.isNewline) {
            throw MailError(.invalidMessage, "a header value contains a line break")
        }
    }

    /// The message as sent after DATA (before dot-stuffing).
    public func rendered() -> String {
        var lines = [
            "From: \(Self.encodedMailbox(from))",
            "To: \(to.map(Self.encodedMailbox).joined(separator: ", "))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        lines += headers.keys.sorted().map { "\($0): \(headers[$0]!)" }
        func part(_ type: String, _ body: String) -> [String] {
            ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""] + Self.base64Lines(body)
        }
        if let html {
            let boundary = "gaara-" + messageID.prefix(while: { $0 != "@" })
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines += ["--\(boundary)"] + part("text/plain", text) + ["--\(boundary)"] + part("text/html", html) + ["--\(boundary)--"]
        } else {
            lines += part("text/plain", text)
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 2047's `=?UTF-8?B?…?=` for text that is not plain ASCII, in words of at most 45 bytes
    /// (so that each encoded word stays under 76 characters), folded onto continuation lines.
    static func encodedWord(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) else { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// `Ops Team <ops@example.com>` with the display name encoded when needed.
    static func encodedMailbox(_ mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<") else { return mailbox }
        let name = mailbox[..<open].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return String(mailbox[open...]) }
        return "\(encodedWord(name)) \(mailbox[open...])"
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    /// `Mon, 07 Dec 2026 17:30:00 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
