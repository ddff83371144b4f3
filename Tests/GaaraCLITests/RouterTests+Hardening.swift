import Foundation
import Testing

/// The router against clients that lie or stall (issue #21): ambiguous or missing `Host` headers,
/// forwarding headers a client made up, request heads that never end. Each is checked on the
/// byte-forwarding path (plain requests) and the full path (requests with a body).
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

    /// A client's `X-Forwarded-*` and `Forwarded` headers are replaced by what the router saw —
    /// the upstream used to get the client's host and scheme while the router's own `Forwarded`
    /// said otherwise — unless the client is a `--trusted-proxy`, whose headers are kept (the
    /// router adds its hop).
    @Test func forwardingHeadersAreTheRoutersUnlessATrustedProxySentThem() async throws {
        let setup = try await Setup()
        _ = try await setup.gaara(["add", "web", "--host", "app.test", "--group", "blue=127.0.0.1:\(setup.bluePort)"])
        let spoofed = [
            "Host": "app.test", "X-Forwarded-For": "10.6.6.6", "X-Forwarded-Host": "evil.test", "X-Forwarded-Proto": "https",
            "Forwarded": "for=10.6.6.6;host=evil.test;proto=https",
        ]
        /// What the target saw, on the byte path (a GET) and on the full path (a POST with a body).
        func seen() async throws -> [String] {
            let (plain, _, plainBody) = try await setup.get("/plain", headers: spoofed)
            let (full, _, fullBody) = try await setup.get("/echo", headers: spoofed, method: "POST", body: Data("abc".utf8))
            #expect(plain == 200 && full == 200 && fullBody.hasPrefix("blue received 3"), "\(plainBody)\(fullBody)")
            return [plainBody, fullBody]
        }
        for body in try await seen() {
            #expect(body.contains("'X-Forwarded-For': '127.0.0.1',"), "\(body)")
            #expect(body.contains("'X-Forwarded-Proto': 'http',") && body.contains("'X-Forwarded-Host': 'app.test',"), "\(body)")
            #expect(body.contains(#"'Forwarded': 'for=127.0.0.1;host="app.test";proto=http',"#), "\(body)")
            #expect(!body.contains("evil") && !body.contains("10.6.6.6") && !body.contains("https"), "\(body)")
        }
        // Behind a proxy the router trusts (the test's client is on 127.0.0.1).
        await setup.stopRouter()
        setup.routerArguments = ["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "::1/128"]
        try await setup.start()
        for body in try await seen() {
            #expect(body.contains("'X-Forwarded-For': '10.6.6.6, 127.0.0.1',"), "\(body)")
            #expect(body.contains("'X-Forwarded-Proto': 'https',") && body.contains("'X-Forwarded-Host': 'evil.test',"), "\(body)")
            #expect(body.contains(#"'Forwarded': 'for=10.6.6.6;host=evil.test;proto=https, for=127.0.0.1;host="app.test";proto=http',"#), "\(body)")
        }
        // Trusting other addresses only changes nothing for this client.
        await setup.stopRouter()
        setup.routerArguments = ["--trusted-proxy", "10.0.0.0/8"]
        try await setup.start()
        for body in try await seen() {
            #expect(body.contains("'X-Forwarded-For': '127.0.0.1',") && !body.contains("evil"), "\(body)")
        }
        let bad = try await GaaraBinary.run(["router", "--trusted-proxy", "10.0.0.0/33", "--listen", "127.0.0.1:9"])
        #expect(bad.status == 2 && bad.stderr.contains("--trusted-proxy 10.0.0.0/33"), "\(bad.stderr)")
    }

    /// Slowloris: connections whose request head does not come within `--header-timeout` are
    /// closed — a partial head with a 408, an idle connection silently — on both paths, while a
    /// head that is slow but in time is served, and the first byte of a head after an idle
    /// spell on a kept-alive connection starts its clock again. (They used to stay open for good.)
    @Test func requestHeadsThatDoNotComeInTimeAreCutOff() async throws {
        let timeout = 3.0
        let setup = try await Setup(routerArguments: ["--header-timeout", String(timeout)])
        _ = try await setup.gaara(["add", "web", "--host", "app.test", "--group", "blue=127.0.0.1:\(setup.bluePort)"])
        let started = Date()
        let output = try await GaaraBinary.run(
            ["python3", RouterTests.fixtures.appendingPathComponent("rawhttp.py").path, String(setup.port), "slow", "app.test", String(timeout)],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        let seconds = Date().timeIntervalSince(started)
        let results = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [[String: Any]]], "\(output.stdout)\(output.stderr)")
        print("header timeout: \(seconds) s, \(results.mapValues { $0.map { $0["closedAfter"] as? Double ?? -1 }.max() ?? -1 })")
        // Closed after the timeout, within 10 s (generous for a loaded machine; the sweep runs every 50 ms).
        func closed(_ kind: String, count: Int, status: Int?, answered: Int? = nil) {
            let list = results[kind] ?? []
            #expect(list.count == count, "\(kind): \(list)")
            for result in list {
                let after = result["closedAfter"] as? Double
                #expect(after.map { $0 >= timeout - 0.5 && $0 < 10 } == true, "\(kind): closed after \(after ?? -1) s: \(result)")
                #expect(result["status"] as? Int == status, "\(kind): \(result)")
                if let answered { #expect(result["answered"] as? Int == answered, "\(kind): \(result)") }
                if status == 408 {
                    #expect((result["text"] as? String ?? "").contains("408 Request Timeout: the request head did not come"), "\(result)")
                }
            }
        }
        closed("partial", count: 50, status: 408)
        closed("silent", count: 5, status: nil)
        closed("partialAfterPost", count: 5, status: 408, answered: 200)
        closed("large", count: 3, status: 408)
        closed("idleAfterGet", count: 2, status: nil, answered: 200)
        for kind in ["slowInTime", "resetByteAfterIdle", "resetFullAfterIdle"] {
            let result = results[kind]?.first ?? [:]
            #expect(result["status"] as? Int == 200 && (result["text"] as? String ?? "").hasPrefix("blue /"), "\(kind): \(result)")
        }
        // The 408s are counted as the router's own answers; idle connections closing are not.
        let metrics = try await prometheus(setup)
        #expect(metrics.contains("gaara_router_unrouted_total{status=\"408\"} 58\n"), "\(metrics)")
        // The router still serves.
        let (status, _, _) = try await setup.get("/after", headers: ["Host": "app.test"])
        #expect(status == 200)
    }
}
