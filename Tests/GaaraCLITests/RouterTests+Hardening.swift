import Foundation
import Testing

/// The router against clients that lie (issue #21): ambiguous or missing `Host` headers. Each is
/// checked on the byte-forwarding path (plain requests) and the full path (requests with a body).
extension RouterTests {
    /// One answer of `rawhttp.py send`.
    struct RawAnswer {
        let status: Int?
        let head: String
        let body: String
        let closed: Bool

        var requestID: String? {
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }.map {
                $0.dropFirst("x-request-id:".count).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// Sends each raw request (`\r\n` written as such) on its own connection.
    func raw(_ setup: Setup, _ requests: [String]) async throws -> [RawAnswer] {
        let output = try await GaaraBinary.run(
            ["python3", RouterTests.fixtures.appendingPathComponent("rawhttp.py").path, String(setup.port), "send"] + requests,
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        let list = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]], "\(output.stdout)\(output.stderr)")
        return list.map {
            RawAnswer(
                status: $0["status"] as? Int, head: $0["head"] as? String ?? "", body: $0["body"] as? String ?? "",
                closed: $0["closed"] as? Bool ?? false)
        }
    }

    func prometheus(_ setup: Setup) async throws -> String {
        try await shell("curl -s --unix-socket \(setup.admin.dropFirst(5)) http://router/metrics").stdout
    }

    /// RFC 9112 §3.2: two `Host` headers, none in HTTP/1.1, or one no URI could have get the
    /// router's own 400 (the router used to route on the first and forward both, and to route a
    /// request without one as if it had any host).
    @Test func ambiguousOrMissingHostHeadersGetTheRoutersOwn400() async throws {
        let setup = try await Setup()
        // A service for any host: a request with no Host, or with a second one, would reach it.
        _ = try await setup.gaara(["add", "web", "--group", "blue=127.0.0.1:\(setup.bluePort)"])
        let refused = [
            ("two Hosts, plain GET", #"GET /dup HTTP/1.1\r\nHost: app.test\r\nHost: evil.test\r\n\r\n"#, "more than one Host header"),
            (
                "two Hosts, with a body", #"POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\nHost: evil.test\r\n\r\nhello"#,
                "more than one Host header"
            ),
            ("no Host, plain GET", #"GET /nohost HTTP/1.1\r\nAccept: */*\r\n\r\n"#, "an HTTP/1.1 request needs a Host header"),
            ("no Host, with a body", #"POST /upload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"#, "an HTTP/1.1 request needs a Host header"),
            // It would close the quotes of the router's own `Forwarded: …;host="…"`.
            ("a Host no URI has", #"GET /quote HTTP/1.1\r\nHost: x";for=10.6.6.6\r\n\r\n"#, "the Host header is not a host"),
        ]
        let answers = try await raw(setup, refused.map(\.1) + [#"GET /old HTTP/1.0\r\n\r\n"#])
        for ((name, _, reason), answer) in zip(refused, answers) {
            #expect(answer.status == 400 && answer.body.hasPrefix("400 Bad Request: \(reason)"), "\(name): \(answer)")
            #expect(answer.requestID.map { answer.body.contains("(request id \($0))") } == true, "\(name): \(answer.head)")
            #expect(answer.closed, "\(name): the connection stayed open after the 400")
        }
        // HTTP/1.0 may go without Host: routed as before.
        let old = try #require(answers.last)
        #expect(old.status == 200 && old.body.hasPrefix("blue /old"), "\(old)")
        let metrics = try await prometheus(setup)
        #expect(metrics.contains("gaara_router_unrouted_total{status=\"400\"} \(refused.count)\n"), "\(metrics)")
        // Only the HTTP/1.0 request reached the target.
        #expect(metrics.contains("gaara_router_requests_total{service=\"web\",group=\"blue\",class=\"2xx\"} 1\n"), "\(metrics)")
    }
}
