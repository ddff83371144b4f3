/// One header line of a scanned HTTP/1.1 head, as byte offsets into the head.
public struct HeadField: Sendable, Equatable {
    /// Where the line (and its name) starts.
    public var lineStart: Int
    /// Where the name ends (the colon).
    public var nameEnd: Int
    /// Where the value starts and ends, leading and trailing spaces left out.
    public var valueStart: Int
    /// Where the value ends.
    public var valueEnd: Int
    /// Just past the line's CRLF.
    public var lineEnd: Int

    /// Creates a field.
    public init(lineStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, lineEnd: Int) {
        self.lineStart = lineStart
        self.nameEnd = nameEnd
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        self.lineEnd = lineEnd
    }
}

/// The parts of a request line `METHOD SP /target SP HTTP/1.1 CRLF`, as byte offsets.
public struct RequestLine: Sendable, Equatable {
    /// Where the method ends (it starts at 0).
    public var methodEnd: Int
    /// Where the target starts and ends.
    public var targetStart: Int
    /// Where the target ends.
    public var targetEnd: Int
    /// Just past the line's CRLF.
    public var lineEnd: Int
}

/// The parts of a status line `HTTP/1.x SP NNN SP reason CRLF`.
public struct StatusLine: Sendable, Equatable {
    /// The minor HTTP version (0 or 1).
    public var minor: Int
    /// The status code.
    public var code: Int
    /// Where the code starts (the code and the reason phrase run from here to the CRLF).
    public var codeStart: Int
    /// Where the reason phrase ends (the CR).
    public var reasonEnd: Int
    /// Just past the line's CRLF.
    public var lineEnd: Int
}

/// A strict scanner of HTTP/1.1 heads for the router's byte-forwarding path. It accepts only the
/// plain, common shape (CRLF line ends, token methods and names, no folded lines, no control
/// characters); anything else returns nil and the request goes to the full HTTP parser instead,
/// which answers malformed input. No allocation, no I/O.
public enum HeadScan {
    /// The offset just past the blank line that ends the head, searching from `from`, or nil.
    public static func end(of bytes: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        var index = max(from, 3)
        let count = bytes.count
        while index < count {
            // `index` is where a `\r\n\r\n` would end. Any other byte there rules out the three
            // positions after it too.
            let byte = bytes[index]
            if byte == 10 {
                if bytes[index - 1] == 13, bytes[index - 2] == 10, bytes[index - 3] == 13 { return index + 1 }
                index += 2
            } else if byte == 13 {
                index += 1
            } else {
                index += 4
            }
        }
        return nil
    }

    /// Scans `METHOD SP origin-form-target SP HTTP/1.1 CRLF`; nil for anything else.
    public static func requestLine(_ bytes: UnsafeRawBufferPointer) -> RequestLine? {
        var index = 0
        let count = bytes.count
        while index < count, index < 20, isUpperAlpha(bytes[index]) { index += 1 }
        guard index > 0, index < count, bytes[index] == 32 else { return nil }
        let methodEnd = index
        index += 1
        let targetStart = index
        guard index < count, bytes[index] == UInt8(ascii: "/") else { return nil }
        while index < count, bytes[index] > 32, bytes[index] < 127 { index += 1 }
        let targetEnd = index
        guard index + 11 <= count, bytes[index] == 32 else { return nil }
        let version: [UInt8] = [72, 84, 84, 80, 47, 49, 46, 49, 13, 10]  // "HTTP/1.1\r\n"
        for offset in 0..<10 where bytes[index + 1 + offset] != version[offset] { return nil }
        return RequestLine(methodEnd: methodEnd, targetStart: targetStart, targetEnd: targetEnd, lineEnd: index + 11)
    }

    /// Scans `HTTP/1.x SP NNN [SP reason] CRLF`; nil for anything else.
    public static func statusLine(_ bytes: UnsafeRawBufferPointer) -> StatusLine? {
        guard bytes.count >= 14 else { return nil }
        let prefix: [UInt8] = [72, 84, 84, 80, 47, 49, 46]  // "HTTP/1."
        for offset in 0..<7 where bytes[offset] != prefix[offset] { return nil }
        guard bytes[7] == 48 || bytes[7] == 49, bytes[8] == 32 else { return nil }
        var code = 0
        for offset in 9..<12 {
            guard isDigit(bytes[offset]) else { return nil }
            code = code * 10 + Int(bytes[offset] - 48)
        }
        guard code >= 100, bytes[12] == 32 || bytes[12] == 13 else { return nil }
        var index = 12
        while index < bytes.count, bytes[index] != 13 {
            guard isFieldByte(bytes[index]) else { return nil }
            index += 1
        }
        guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }
        return StatusLine(minor: Int(bytes[7] - 48), code: code, codeStart: 9, reasonEnd: index, lineEnd: index + 2)
    }

    /// Scans the header lines from `start` up to the blank line before `end` into `fields`
    /// (emptied first). False when a line is not of the plain shape.
    public static func fields(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into fields: inout [HeadField]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        var index = start
        let last = end - 2  // the blank line's CRLF
        while index < last {
            let lineStart = index
            while index < last, isTokenByte(bytes[index]) { index += 1 }
            guard index > lineStart, index < last, bytes[index] == UInt8(ascii: ":") else { return false }
            let nameEnd = index
            index += 1
            while index < last, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
            let valueStart = index
            while index < last, bytes[index] != 13 {
                guard isFieldByte(bytes[index]) else { return false }
                index += 1
            }
            guard index + 1 < end, bytes[index] == 13, bytes[index + 1] == 10 else { return false }
            var valueEnd = index
            while valueEnd > valueStart, bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9 { valueEnd -= 1 }
            index += 2
            fields.append(HeadField(lineStart: lineStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd, lineEnd: index))
        }
        return index == last
    }

    /// Whether `bytes[range]` equals `lowercase` ignoring ASCII case (`lowercase` must be lowercase).
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ lowercase: StaticString) -> Bool {
        guard end - start == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<(end - start) where bytes[start + offset] | 0x20 != expected[offset] | 0x20 {
            // `| 0x20` folds letters; a non-letter only matches itself since names are tokens.
            return false
        }
        return true
    }

    /// Whether `bytes[start..<end]` can be a `Host` value (RFC 9110 §7.2, `uri-host [":" port]`):
    /// only the bytes of a name, an IPv4 or bracketed IPv6 address and a port, so that no value can
    /// close the quotes around it in `Forwarded: host="…"`. (The router answers 400 to any other:
    /// RFC 9112 §3.2.) Empty is valid.
    public static func isHost(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for index in start..<end where !isHostByte(bytes[index]) { return false }
        return true
    }

    /// Whether `value` can be a `Host` value (see ``isHost(_:_:_:)``).
    public static func isHost(_ value: some StringProtocol) -> Bool {
        value.utf8.allSatisfy(isHostByte)
    }

    /// The decimal value of `bytes[start..<end]` (at most 18 digits), or nil.
    public static func decimal(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        guard end > start, end - start <= 18 else { return nil }
        var value = 0
        for index in start..<end {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 48)
        }
        return value
    }

    /// Whether the comma-separated `bytes[start..<end]` has the token `lowercase` (ASCII case ignored).
    public static func hasToken(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ lowercase: StaticString) -> Bool {
        !eachToken(bytes, start, end) { !equals(bytes, $0, $1, lowercase) }
    }

    /// Whether every comma-separated token of `bytes[start..<end]` is one of `allowed` (lowercase).
    public static func tokensAll(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, in allowed: [StaticString]) -> Bool {
        eachToken(bytes, start, end) { tokenStart, tokenEnd in allowed.contains { equals(bytes, tokenStart, tokenEnd, $0) } }
    }

    /// Calls `body` with the bounds of each non-empty comma-separated token, spaces trimmed, while
    /// it returns true; returns false if it stopped early.
    static func eachToken(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ body: (Int, Int) -> Bool) -> Bool {
        var index = start
        while index < end {
            while index < end, bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 44 { index += 1 }
            let tokenStart = index
            while index < end, bytes[index] != 44 { index += 1 }
            var tokenEnd = index
            while tokenEnd > tokenStart, bytes[tokenEnd - 1] == 32 || bytes[tokenEnd - 1] == 9 { tokenEnd -= 1 }
            if tokenEnd > tokenStart, !body(tokenStart, tokenEnd) { return false }
        }
        return true
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    static func isUpperAlpha(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }

    /// RFC 9110 tchar.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// RFC 3986 unreserved, sub-delims, `%` (percent-encoding), `:` (port) and `[` `]` (IPv6 literals).
    static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: "$"),
            UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","),
            UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            return true
        default: return false
        }
    }

    /// A byte allowed in a field value or reason phrase: visible ASCII, space, tab, or obs-text.
    static func isFieldByte(_ byte: UInt8) -> Bool { byte >= 32 ? byte != 127 : byte == 9 }
}
