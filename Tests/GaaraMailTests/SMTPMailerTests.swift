import Foundation
import GaaraTestSupport
import Testing

@testable import GaaraMail

/// Gaara's SMTP client against a real server (aiosmtpd): STARTTLS and TLS with certificates
/// checked, AUTH, refusals with their kinds, and the message as a mail parser reads it.
@Suite(.timeLimit(.minutes(2)))
struct SMTPMailerTests {
    static let message = EmailMessage(
        from: "Gaara <deploy@example.com>", to: ["Ops <ops@example.com>", "dev@example.com"], subject: "🔥 web-7 was rolled back in production",
        text: "web-7 was rolled back.\n.\nA line with only a dot, kept.", html: "<p>web-7 was <b>rolled back</b>.</p>",
        headers: ["X-Gaara-Event": "deploy.failed"])

    static func withCertificates<T>(_ body: (SMTPTestServer.Certificates) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(try SMTPTestServer.Certificates.make(in: directory))
    }

    static func sending(_ server: SMTPTestServer, _ settings: SMTPSettings) async -> MailError? {
        do {
            try await SMTPMailer(settings: settings).send(message)
            return nil
        } catch {
            return error
        }
    }

    @Test func startTLSAndAuthDeliverTheMessageAsWritten() async throws {
        try await Self.withCertificates { certificates in
            let server = try await SMTPTestServer.start([
                "--cert", certificates.cert, "--key", certificates.key, "--user", "ada", "--password", "s3cret",
            ])
            defer { server.stop() }
            let settings = SMTPSettings(
                host: "127.0.0.1", port: server.port, security: .startTLS, username: "ada", password: "s3cret", caFile: certificates.ca)
            let error = await Self.sending(server, settings)
            #expect(error == nil, "\(String(describing: error))")
            let received = try #require(server.messages().first)
            #expect(received["tls"] as? Bool == true && received["user"] as? String == "ada")
            #expect(received["mail_from"] as? String == "deploy@example.com")
            #expect(received["rcpt_tos"] as? [String] == ["ops@example.com", "dev@example.com"])
            #expect(received["subject"] as? String == "🔥 web-7 was rolled back in production")
            #expect(received["content_type"] as? String == "multipart/alternative")
            #expect(received["text"] as? String == "web-7 was rolled back.\n.\nA line with only a dot, kept.", "dot-stuffing undone by the server")
            #expect(received["html"] as? String == "<p>web-7 was <b>rolled back</b>.</p>")
            #expect((received["headers"] as? [String: String])?["X-Gaara-Event"] == "deploy.failed")
        }
    }

    @Test func implicitTLSChecksTheServersName() async throws {
        try await Self.withCertificates { certificates in
            let server = try await SMTPTestServer.start(["--cert", certificates.cert, "--key", certificates.key, "--implicit-tls"])
            defer { server.stop() }
            let error = await Self.sending(server, SMTPSettings(host: "localhost", port: server.port, security: .tls, caFile: certificates.ca))
            #expect(error == nil, "\(String(describing: error))")
            #expect(server.messages().first?["tls"] as? Bool == true)
        }
    }

    @Test func refusalsComeBackWithTheirKind() async throws {
        try await Self.withCertificates { certificates in
            let tls = ["--cert", certificates.cert, "--key", certificates.key]
            let server = try await SMTPTestServer.start(tls + ["--user", "ada", "--password", "s3cret"])
            defer { server.stop() }
            var settings = SMTPSettings(host: "127.0.0.1", port: server.port, username: "ada", password: "wrong", caFile: certificates.ca)
            let wrong = await Self.sending(server, settings)
            #expect(wrong?.kind == .authentication && wrong?.reply?.code == 535, "\(String(describing: wrong))")
            #expect(wrong?.isTransient == false)

            // The system's authorities do not know the test CA: the handshake fails, nothing is sent.
            settings.password = "s3cret"
            settings.caFile = nil
            let untrusted = await Self.sending(server, settings)
            #expect(untrusted?.kind == .tls, "\(String(describing: untrusted))")
            #expect(server.messages().isEmpty)
        }
        // A server without TLS: STARTTLS asked for is missing; without TLS and credentials it sends.
        let plain = try await SMTPTestServer.start([])
        defer { plain.stop() }
        let missing = await Self.sending(plain, SMTPSettings(host: "127.0.0.1", port: plain.port, username: "ada", password: "s3cret"))
        #expect(missing?.kind == .tlsUnavailable, "\(String(describing: missing))")
        let relayed = await Self.sending(plain, SMTPSettings(host: "127.0.0.1", port: plain.port, security: .none))
        #expect(relayed == nil, "\(String(describing: relayed))")
        #expect(plain.messages().first?["tls"] as? Bool == false)
    }

    @Test func aBusyServerIsATransientFailureAndNobodyListeningAConnectionOne() async throws {
        let busy = try await SMTPTestServer.start(["--fail-first", "1"])
        defer { busy.stop() }
        let settings = SMTPSettings(host: "127.0.0.1", port: busy.port, security: .none)
        let first = await Self.sending(busy, settings)
        #expect(first?.kind == .rejected && first?.reply?.code == 451 && first?.isTransient == true, "\(String(describing: first))")
        #expect(await Self.sending(busy, settings) == nil, "the second try goes through")
        #expect(busy.messages().count == 1)

        let closed = await Self.sending(busy, SMTPSettings(host: "127.0.0.1", port: 1, security: .none))
        #expect(closed?.kind == .connection && closed?.isTransient == true, "\(String(describing: closed))")
    }
}
