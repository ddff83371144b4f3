import Foundation
import Testing

@testable import GaaraMail

/// The SMTP conversation without a socket: each server reply in, the client's next step out.
struct SMTPDialogueTests {
    static func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines) }

    static func dialogue(security: SMTPSecurity = .startTLS, credentials: (String, String)? = ("ada", "s3cret")) -> SMTPDialogue {
        SMTPDialogue(
            name: "gaara.test", security: security, credentials: credentials.map { (username: $0.0, password: $0.1) },
            sender: "deploy@example.com", recipients: ["ops@example.com", "dev@example.com"], payload: "Subject: hi\r\n\r\n.hidden\r\nbody\r\n")
    }

    @Test func aFullExchangeWithStartTLSAndAuthPlain() {
        var dialogue = Self.dialogue()
        #expect(dialogue.receive(Self.reply(220, "localhost ESMTP")) == [.send("EHLO gaara.test\r\n")])
        #expect(dialogue.receive(Self.reply(250, "localhost", "STARTTLS", "8BITMIME")) == [.send("STARTTLS\r\n")])
        #expect(dialogue.receive(Self.reply(220, "ready")) == [.startTLS, .send("EHLO gaara.test\r\n")])
        // "\0ada\0s3cret" in base64.
        #expect(dialogue.receive(Self.reply(250, "localhost", "AUTH LOGIN PLAIN")) == [.send("AUTH PLAIN AGFkYQBzM2NyZXQ=\r\n")])
        #expect(dialogue.receive(Self.reply(235, "ok")) == [.send("MAIL FROM:<deploy@example.com>\r\n")])
        #expect(dialogue.receive(Self.reply(250)) == [.send("RCPT TO:<ops@example.com>\r\n")])
        #expect(dialogue.receive(Self.reply(250)) == [.send("RCPT TO:<dev@example.com>\r\n")])
        #expect(dialogue.receive(Self.reply(250)) == [.send("DATA\r\n")])
        // A line starting with "." gets another, and "." alone ends the data.
        #expect(dialogue.receive(Self.reply(354)) == [.send("Subject: hi\r\n\r\n..hidden\r\nbody\r\n.\r\n")])
        #expect(!dialogue.delivered)
        #expect(dialogue.receive(Self.reply(250, "queued")) == [.send("QUIT\r\n")])
        #expect(dialogue.delivered)
        #expect(dialogue.receive(Self.reply(221)) == [.finished])
    }

    @Test func authLoginWhenThePlainMechanismIsNotOffered() {
        var dialogue = Self.dialogue(security: .tls)
        _ = dialogue.receive(Self.reply(220))
        #expect(dialogue.receive(Self.reply(250, "localhost", "AUTH=LOGIN")) == [.send("AUTH LOGIN\r\n")])
        #expect(dialogue.receive(Self.reply(334, "VXNlcm5hbWU6")) == [.send("YWRh\r\n")])
        #expect(dialogue.receive(Self.reply(334, "UGFzc3dvcmQ6")) == [.send("czNjcmV0\r\n")])
        #expect(dialogue.receive(Self.reply(235)) == [.send("MAIL FROM:<deploy@example.com>\r\n")])
    }

    @Test(arguments: [
        // No STARTTLS offered: stop before anything else, the password never sent.
        (SMTPSecurity.startTLS, ["localhost", "AUTH PLAIN"], MailError.Kind.tlsUnavailable),
        // Credentials on a connection without TLS are refused by the client itself.
        (.none, ["localhost", "AUTH PLAIN"], .authentication),
        // TLS, but no mechanism Gaara speaks.
        (.tls, ["localhost", "AUTH CRAM-MD5"], .authentication),
    ])
    func refusals(_ security: SMTPSecurity, _ extensions: [String], _ kind: MailError.Kind) {
        var dialogue = Self.dialogue(security: security)
        _ = dialogue.receive(Self.reply(220))
        let actions = dialogue.receive(SMTPReply(code: 250, lines: extensions))
        guard case .failed(let failed, _, _) = actions.first, actions.count == 1 else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(failed == kind)
    }

    @Test func refusedCredentialsAndATransientRecipientFailure() {
        var dialogue = Self.dialogue(security: .tls)
        _ = dialogue.receive(Self.reply(220))
        _ = dialogue.receive(Self.reply(250, "localhost", "AUTH PLAIN"))
        #expect(
            dialogue.receive(Self.reply(535, "5.7.8 bad credentials"))
                == [.failed(kind: .authentication, message: "the server refused the credentials", reply: Self.reply(535, "5.7.8 bad credentials"))])

        var busy = Self.dialogue(security: .none, credentials: nil)
        _ = busy.receive(Self.reply(220))
        _ = busy.receive(Self.reply(250, "localhost"))
        _ = busy.receive(Self.reply(250))
        guard case .failed(let kind, _, let reply?) = busy.receive(Self.reply(451, "4.3.0 try later")).first else {
            Issue.record("a 451 did not fail the exchange")
            return
        }
        #expect(kind == .rejected)
        #expect(MailError(kind, "", reply: reply).isTransient, "4xx: worth another try")
        #expect(!MailError(.rejected, "", reply: Self.reply(550)).isTransient)
    }

    @Test func aServerWithoutESMTPGetsHELOWhenNothingElseIsNeeded() {
        var dialogue = Self.dialogue(security: .none, credentials: nil)
        _ = dialogue.receive(Self.reply(220))
        #expect(dialogue.receive(Self.reply(502, "command not implemented")) == [.send("HELO gaara.test\r\n")])
        #expect(dialogue.receive(Self.reply(250)) == [.send("MAIL FROM:<deploy@example.com>\r\n")])
    }

    @Test func multiLineRepliesAreGathered() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-localhost greets you") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250 AUTH PLAIN") == SMTPReply(code: 250, lines: ["localhost greets you", "STARTTLS", "AUTH PLAIN"]))
        #expect(try parser.feed("221") == SMTPReply(code: 221, lines: [""]))
        #expect(throws: MailError.self) { try parser.feed("hello there") }
        var mixed = SMTPReplyParser()
        _ = try mixed.feed("250-a")
        #expect(throws: MailError.self) { try mixed.feed("251 b") }
    }
}
