import GaaraRouterCore
import Testing

/// A header name → what the forwarding rules call it.
let forwardingHeaderCases: [(String, ForwardingRules.Header)] = [
    ("X-Forwarded-For", .forwardedFor), ("x-forwarded-for", .forwardedFor), ("X-FORWARDED-FOR", .forwardedFor),
    ("X-Forwarded-Proto", .forwardedProto), ("X-Forwarded-Host", .forwardedHost),
    ("X-Forwarded-Port", .forwardedOther), ("X-Forwarded-Prefix", .forwardedOther), ("x-forwarded-", .forwardedOther),
    ("X-Forwarded-Fo", .forwardedOther), ("X-Forwarded-Forx", .forwardedOther),
    ("Forwarded", .forwarded), ("FORWARDED", .forwarded), ("Forwarded-For", .other), ("Forwarde", .other),
    ("X-Request-Id", .requestID), ("x-request-id", .requestID), ("X-Request-Ids", .other),
    ("X-Forwarded", .other), ("X-Real-IP", .other), ("Host", .other), ("Accept", .other), ("", .other), ("x", .other),
]

@Test(arguments: forwardingHeaderCases)
func forwardingHeadersAreClassifiedByName(_ name: String, _ expected: ForwardingRules.Header) {
    #expect(ForwardingRules.header(named: name) == expected)
    #expect(ForwardingRules.header(named: name[...]) == expected, "a substring too")
    // The same over the bytes of a head, at an offset as in a real head.
    let head = Array(("GET / HTTP/1.1\r\n" + name + ": v\r\n").utf8)
    head.withUnsafeBytes { bytes in
        #expect(ForwardingRules.header(bytes, 16, 16 + name.utf8.count) == expected)
    }
}

/// A header and whether the client is a trusted proxy → what becomes of its line.
let forwardingTreatmentCases: [(ForwardingRules.Header, Bool, ForwardingRules.Treatment)] = [
    (.other, false, .pass), (.other, true, .pass),
    (.forwardedFor, false, .drop), (.forwardedFor, true, .merge),
    (.forwardedProto, false, .drop), (.forwardedProto, true, .merge),
    (.forwardedHost, false, .drop), (.forwardedHost, true, .merge),
    (.forwarded, false, .drop), (.forwarded, true, .merge),
    (.forwardedOther, false, .drop), (.forwardedOther, true, .drop),
    (.requestID, false, .drop), (.requestID, true, .drop),
]

@Test(arguments: forwardingTreatmentCases)
func forwardingHeadersAreKeptOnlyFromATrustedProxy(_ header: ForwardingRules.Header, _ trusted: Bool, _ expected: ForwardingRules.Treatment) {
    #expect(ForwardingRules.treatment(of: header, trusted: trusted) == expected)
}

/// Kept values and this hop's own → the list header's value.
let forwardingListCases: [([String], String, String)] = [
    ([], "127.0.0.1", "127.0.0.1"),
    (["10.6.6.6"], "127.0.0.1", "10.6.6.6, 127.0.0.1"),
    (["10.0.0.1, 10.0.0.2", "10.0.0.3"], "127.0.0.1", "10.0.0.1, 10.0.0.2, 10.0.0.3, 127.0.0.1"),
    (["", "10.0.0.3", ""], "::1", "10.0.0.3, ::1"),
    (["10.0.0.3"], "", "10.0.0.3"),
    ([], "", ""),
]

@Test(arguments: forwardingListCases)
func listHeadersAppendThisHop(_ kept: [String], _ own: String, _ expected: String) {
    #expect(ForwardingRules.list(kept: kept, own: own) == expected)
}

struct ForwardingElementTests {
    @Test(arguments: [("127.0.0.1", "for=127.0.0.1"), ("::1", #"for="[::1]""#), ("", "for=")])
    func nodesQuoteIPv6(_ address: String, _ node: String) {
        #expect(ForwardingRules.forwardedNode(address) == node)
    }

    @Test func theElementNamesHostAndScheme() {
        #expect(ForwardingRules.forwardedElement(node: "for=1.2.3.4", host: "app.test:8080") == #"for=1.2.3.4;host="app.test:8080";proto=http"#)
        #expect(ForwardingRules.forwardedElement(node: "for=1.2.3.4", host: nil) == "for=1.2.3.4;proto=http")
    }

    /// The pieces ``ForwardingRules/hops(kept:belong:isEmpty:hasOwn:_:)`` writes for `values` (0 is empty).
    static func pieces(_ values: [Int], belong: (Int) -> Bool = { _ in true }, hasOwn: Bool) -> [String] {
        var pieces: [String] = []
        let isZero: (Int) -> Bool = { $0 == 0 }
        ForwardingRules.hops(kept: values, belong: belong, isEmpty: isZero, hasOwn: hasOwn) { piece in
            switch piece {
            case .kept(let value): pieces.append("\(value)")
            case .separator: pieces.append(",")
            case .own: pieces.append("own")
            }
        }
        return pieces
    }

    @Test func hopsWritesPiecesInOrder() {
        #expect(Self.pieces([1, 0, 2], hasOwn: true) == ["1", ",", "2", ",", "own"])
        #expect(Self.pieces([1, 0, 2], hasOwn: false) == ["1", ",", "2"])
        #expect(Self.pieces([0], hasOwn: true) == ["own"])
        #expect(Self.pieces([], hasOwn: false).isEmpty)
        // Only the values that belong to the header: the byte path passes every field of the head.
        #expect(Self.pieces([1, 2, 3, 4, 5], belong: { $0 % 2 == 1 }, hasOwn: true) == ["1", ",", "3", ",", "5", ",", "own"])
    }

    @Test(arguments: [(0, true), (200, true), (201, false), (10_000, false)])
    func shortRequestIDsAreKept(_ length: Int, _ kept: Bool) {
        #expect(ForwardingRules.keepsRequestID(length: length) == kept)
    }
}
