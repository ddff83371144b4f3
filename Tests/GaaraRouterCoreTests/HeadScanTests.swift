import Testing

@testable import GaaraRouterCore

/// The byte-forwarding path's scanner: what it accepts, what it leaves to the full parser, and
/// where chunked bodies end however they are cut into reads.
struct HeadScanTests {
    func scan<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test func findsTheEndOfAHeadWhereverTheSearchResumes() {
        let head = "GET / HTTP/1.1\r\nHost: a\r\nX-Y: z\r\n\r\nBODY"
        let expected = head.utf8.count - 4
        for from in 0..<expected {
            #expect(scan(head) { HeadScan.end(of: $0, from: from) } == expected, "from \(from)")
        }
        #expect(scan("GET / HTTP/1.1\r\nHost: a\r\n\r") { HeadScan.end(of: $0) } == nil)
        #expect(scan("GET / HTTP/1.1\nHost: a\n\n") { HeadScan.end(of: $0) } == nil)
        #expect(scan("\r\n\r\n") { HeadScan.end(of: $0) } == 4)
    }

    @Test func readsARequestLineAndItsFields() {
        let head = "GET /path?q=1 HTTP/1.1\r\nHost: example.test \r\nX-Forwarded-For:10.0.0.1\r\nEmpty:\r\n\r\n"
        scan(head) { bytes in
            guard let line = HeadScan.requestLine(bytes) else {
                Issue.record("no request line")
                return
            }
            #expect(line.methodEnd == 3 && line.targetStart == 4 && line.targetEnd == 13 && line.lineEnd == 24)
            var fields: [HeadField] = []
            #expect(HeadScan.fields(bytes, from: line.lineEnd, to: bytes.count, into: &fields))
            let text = fields.map {
                (
                    String(decoding: bytes[$0.lineStart..<$0.nameEnd], as: UTF8.self),
                    String(decoding: bytes[$0.valueStart..<$0.valueEnd], as: UTF8.self)
                )
            }
            #expect(text.map(\.0) == ["Host", "X-Forwarded-For", "Empty"])
            #expect(text.map(\.1) == ["example.test", "10.0.0.1", ""])
            #expect(HeadScan.equals(bytes, fields[1].lineStart, fields[1].nameEnd, "x-forwarded-for"))
            #expect(!HeadScan.equals(bytes, fields[0].lineStart, fields[0].nameEnd, "hosts"))
        }
    }

    @Test func leavesEverythingUnusualToTheFullParser() {
        for line in [
            "get / HTTP/1.1\r\n", "GET  / HTTP/1.1\r\n", "GET http://a/ HTTP/1.1\r\n", "GET / HTTP/1.0\r\n", "GET / HTTP/1.1\n",
            "GET /a b HTTP/1.1\r\n", "GET /\u{7f} HTTP/1.1\r\n", "GET / HTTP/2.0\r\n",
        ] {
            #expect(scan(line) { HeadScan.requestLine($0) } == nil, "\(line.debugDescription)")
        }
        for fields in [
            "Host : a\r\n\r\n", " Host: a\r\n\r\n", "Host: a\r\n folded\r\n\r\n", "Host: a\nX: b\r\n\r\n", "Host: a\u{1}b\r\n\r\n",
            "Host a\r\n\r\n", "Ho(st: a\r\n\r\n",
        ] {
            var found: [HeadField] = []
            #expect(!scan(fields) { HeadScan.fields($0, from: 0, to: $0.count, into: &found) }, "\(fields.debugDescription)")
        }
    }

    @Test func readsStatusLinesAndTokens() {
        scan("HTTP/1.1 204 No Content\r\n") { bytes in
            #expect(HeadScan.statusLine(bytes) == StatusLine(minor: 1, code: 204, codeStart: 9, reasonEnd: 23, lineEnd: 25))
        }
        #expect(scan("HTTP/1.0 200\r\n") { HeadScan.statusLine($0)?.code } == 200)
        for line in ["HTTP/1.1 20 OK\r\n", "HTTP/2.0 200 OK\r\n", "HTTP/1.1 200 OK\n", "HTTP/1.1 099 X\r\n", "HTTP/1.1 2000 OK\r\n"] {
            #expect(scan(line) { HeadScan.statusLine($0) } == nil, "\(line.debugDescription)")
        }
        scan("keep-alive, Close ,x") { bytes in
            #expect(HeadScan.hasToken(bytes, 0, bytes.count, "close"))
            #expect(!HeadScan.hasToken(bytes, 0, bytes.count, "upgrade"))
            #expect(!HeadScan.tokensAll(bytes, 0, bytes.count, in: ["keep-alive", "close"]))
            #expect(HeadScan.tokensAll(bytes, 0, 17, in: ["keep-alive", "close"]))
        }
        #expect(scan("0042") { HeadScan.decimal($0, 0, $0.count) } == 42)
        #expect(scan("4 2") { HeadScan.decimal($0, 0, $0.count) } == nil)
        #expect(scan("") { HeadScan.decimal($0, 0, $0.count) } == nil)
    }

    @Test func findsTheEndOfAChunkedBodyHoweverItIsCut() {
        let body = "5;ext=1\r\nhello\r\n1A\r\n" + String(repeating: "x", count: 26) + "\r\n0\r\nTrailer: yes\r\n\r\n"
        let bytes = Array(body.utf8) + Array("NEXT".utf8)
        let end = body.utf8.count
        // Every cut into two reads, and one read a byte at a time.
        for cut in 0...bytes.count {
            var framing = ChunkedFraming()
            let first = bytes[0..<cut].withUnsafeBytes { framing.consume($0) }
            if cut >= end {
                #expect(first == .ended(at: end), "cut \(cut)")
                continue
            }
            #expect(first == .more, "cut \(cut)")
            let second = bytes[cut...].withUnsafeBytes { framing.consume($0) }
            #expect(second == .ended(at: end - cut), "cut \(cut)")
        }
        var framing = ChunkedFraming()
        var endedAt: Int?
        for (index, byte) in bytes.enumerated() where endedAt == nil {
            if case .ended = [byte].withUnsafeBytes({ framing.consume($0) }) { endedAt = index + 1 }
        }
        #expect(endedAt == end)
        for malformed in ["x\r\n", "5\r\nhelloX\r\n", "\r\n", "5\rX", "FFFFFFFFFFFFFFFF\r\n"] {
            var framing = ChunkedFraming()
            #expect(Array(malformed.utf8).withUnsafeBytes { framing.consume($0) } == .malformed, "\(malformed.debugDescription)")
        }
    }

    @Test(arguments: [
        ("app.test", true), ("app.test:8080", true), ("10.0.0.1:80", true), ("[::1]:8000", true), ("", true), ("xn--bcher-kva.example", true),
        ("a_b.test", true), ("a%2Eb", true), ("a\"b", false), ("x\";for=1.2.3.4;by=\"y", false), ("a b", false), ("a/b", false), ("a\\b", false),
        ("user@host", false), ("a?b", false), ("a#b", false), ("bücher.example", false), ("a\tb", false),
    ])
    func hostValuesAreThoseOfAURI(_ value: String, _ valid: Bool) {
        #expect(HeadScan.isHost(value) == valid, "\(value.debugDescription)")
        #expect(scan(value) { HeadScan.isHost($0, 0, $0.count) } == valid, "\(value.debugDescription)")
    }

    @Test func theFastGeneratorIsDeterministicPerSeedAndSpreads() {
        var a = FastRandom(seed: 7)
        var b = FastRandom(seed: 7)
        let first = (0..<1000).map { _ in a.next() }
        #expect(first == (0..<1000).map { _ in b.next() })
        #expect(Set(first).count == 1000)
        var buckets = [Int](repeating: 0, count: 10)
        var generator = FastRandom(seed: 1)
        for _ in 0..<100_000 { buckets[Int(generator.next() % 10)] += 1 }
        #expect(buckets.allSatisfy { abs($0 - 10_000) < 500 }, "\(buckets)")
    }
}
