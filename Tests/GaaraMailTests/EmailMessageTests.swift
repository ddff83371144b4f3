import Foundation
import Testing

@testable import GaaraMail

/// Rendering a message: headers, encoded words, multipart bodies, and what cannot be sent.
struct EmailMessageTests {
    static let date = Date(timeIntervalSince1970: 1_796_664_600)  // 2026-12-07 17:30:00 UTC

    @Test func aTextAndHTMLMessageIsMultipartAlternative() {
        let message = EmailMessage(
            from: "Gaara <deploy@example.com>", to: ["ops@example.com"], subject: "web-7 rolled back", text: "plain", html: "<p>rich</p>",
            date: Self.date, headers: ["X-Gaara-Event": "deploy.failed"], messageID: "abc@gaara")
        let rendered = message.rendered()
        #expect(rendered.hasPrefix("From: Gaara <deploy@example.com>\r\nTo: ops@example.com\r\nSubject: web-7 rolled back\r\n"))
        #expect(rendered.contains("Date: Mon, 07 Dec 2026 17:30:00 +0000\r\nMessage-ID: <abc@gaara>\r\nMIME-Version: 1.0\r\n"))
        #expect(rendered.contains("X-Gaara-Event: deploy.failed\r\n"))
        #expect(rendered.contains("Content-Type: multipart/alternative; boundary=\"gaara-abc\""))
        #expect(rendered.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\ncGxhaW4=\r\n"))
        #expect(rendered.contains("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+cmljaDwvcD4=\r\n"))
        #expect(rendered.hasSuffix("--gaara-abc--\r\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF everywhere")
    }

    @Test func unicodeSubjectsAndNamesAreEncodedWords() {
        #expect(EmailMessage.encodedWord("plain ascii") == "plain ascii")
        #expect(EmailMessage.encodedWord("🔥 rollback") == "=?UTF-8?B?8J+UpSByb2xsYmFjaw==?=")
        let long = EmailMessage.encodedWord(String(repeating: "é", count: 40))
        #expect(long.components(separatedBy: "\r\n ").count == 2, "folded into words under 76 characters: \(long)")
        #expect(long.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 76 })
        #expect(EmailMessage.encodedMailbox("Zoë <zoe@example.com>") == "=?UTF-8?B?Wm/Dqw==?= <zoe@example.com>")
        #expect(EmailMessage.address(of: "Zoë <zoe@example.com>") == "zoe@example.com")
        #expect(EmailMessage.address(of: " ops@example.com ") == "ops@example.com")
    }

    @Test(arguments: [
        (["ops@example.com"], "ok\r\nBcc: everyone@example.com", "a header value contains a line break"),
        ([], "subject", "the message has no recipient"),
        (["not-an-address"], "subject", "'not-an-address' is not an email address"),
    ])
    func messagesThatCannotBeSent(_ to: [String], _ subject: String, _ expected: String) {
        let message = EmailMessage(from: "deploy@example.com", to: to, subject: subject, text: "")
        #expect(throws: MailError.self) { try message.validate() }
        do {
            try message.validate()
        } catch {
            #expect(error.kind == .invalidMessage && error.message == expected, "\(error)")
        }
    }
}
