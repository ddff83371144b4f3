#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives the events of an ``XMLScanner``. Names and values are raw bytes, valid only during
/// the call; attribute values still hold their entity references (see ``XMLScanner/decode(_:)``).
public protocol XMLHandler {
    /// An element starts (`selfClosing` elements get no ``end(_:)``).
    mutating func start(_ name: UnsafeRawBufferPointer, attributes: XMLAttributes, selfClosing: Bool) throws
    /// An element ends.
    mutating func end(_ name: UnsafeRawBufferPointer) throws
    /// Character data (raw, with entity references), possibly in several pieces.
    mutating func text(_ bytes: UnsafeRawBufferPointer)
    /// Whether ``text(_:)`` is wanted now (skipping it is faster).
    var wantsText: Bool { get }
}

/// Where one attribute's name and value are, relative to the tag's start.
struct AttributeSpan {
    var nameStart: Int
    var nameCount: Int
    var valueStart: Int
    var valueCount: Int
}

/// The attributes of a start tag, looked up by name.
public struct XMLAttributes {
    let base: UnsafeRawPointer
    let spans: UnsafeBufferPointer<AttributeSpan>

    /// The raw value of an attribute, nil when absent.
    public subscript(name: StaticString) -> UnsafeRawBufferPointer? {
        let count = name.utf8CodeUnitCount
        let wanted = name.utf8Start
        for span in spans where span.nameCount == count && memcmp(base + span.nameStart, wanted, count) == 0 {
            return UnsafeRawBufferPointer(start: base + span.valueStart, count: span.valueCount)
        }
        return nil
    }

    /// The decoded value of an attribute as a string.
    public func string(_ name: StaticString) -> String? {
        self[name].map(XMLScanner.decode)
    }

    /// The value as an integer (leading/trailing spaces allowed).
    public func integer(_ name: StaticString) -> Int? {
        guard let raw = self[name] else { return nil }
        return XMLScanner.parseInteger(raw)
    }
}

/// A fast, streaming, non-validating XML scanner over a ``ByteSource``: it finds markup with
/// `memchr`, keeps only a small window of the file, checks that tags nest, and reports
/// truncated files, mismatched tags and non-XML input with the byte offset.
public struct XMLScanner {
    private static let chunk = 256 * 1024
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var length = 0
    private var position = 0
    private var consumed = 0
    private var atEnd = false
    /// Names of the open elements, back to back, with their lengths.
    private var stackBytes: [UInt8] = []
    private var stackLengths: [Int] = []
    private var spans: [AttributeSpan] = []
    private var sawRoot = false

    /// Creates a scanner.
    public init() {
        capacity = Self.chunk * 2
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    /// Frees the buffer.
    public func close() {
        buffer.deallocate()
    }

    /// Reads the whole source, calling `handler` for every element and text run.
    public mutating func scan<Source: ByteSource, Handler: XMLHandler>(_ source: inout Source, _ handler: inout Handler) throws {
        defer { close() }
        try fill(&source)
        skipByteOrderMark()
        while true {
            if position >= length {
                if atEnd { break }
                try fill(&source)
                continue
            }
            let remaining = length - position
            guard let found = memchr(buffer + position, 0x3C, remaining) else {
                try emitText(position, length, &handler)
                position = length
                continue
            }
            let open = buffer.distance(to: UnsafeMutableRawPointer(found))
            if open > position { try emitText(position, open, &handler) }
            position = open
            guard let end = try markupEnd(&source) else {
                throw ReportError("the file ends inside a tag: it is truncated or not XML", offset: consumed + position)
            }
            try markup(from: position, to: end, &handler)
            position = end + 1
        }
        if let open = openName {
            throw ReportError("the file ends before </\(open)>: it is truncated", offset: consumed + length)
        }
        if !sawRoot { throw ReportError("no XML element found", offset: 0) }
    }

    /// The innermost open element's name.
    private var openName: String? {
        guard let last = stackLengths.last else { return nil }
        return String(decoding: stackBytes[(stackBytes.count - last)...], as: UTF8.self)
    }

    private mutating func skipByteOrderMark() {
        if length >= 3, buffer.load(fromByteOffset: 0, as: UInt8.self) == 0xEF, buffer.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
            buffer.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
        {
            position = 3
        }
    }

    private func byte(_ index: Int) -> UInt8 { buffer.load(fromByteOffset: index, as: UInt8.self) }

    /// Moves the unread bytes to the front and reads more.
    private mutating func fill<Source: ByteSource>(_ source: inout Source) throws {
        if position > 0 {
            let keep = length - position
            if keep > 0 { memmove(buffer, buffer + position, keep) }
            consumed += position
            length = keep
            position = 0
        }
        if capacity - length < Self.chunk {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            grown.copyMemory(from: buffer, byteCount: length)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + length, count: capacity - length))
        if count == 0 { atEnd = true }
        length += count
    }

    private mutating func emitText<Handler: XMLHandler>(_ from: Int, _ to: Int, _ handler: inout Handler) throws {
        if stackLengths.isEmpty {
            // Outside the root only whitespace is allowed.
            for index in from..<to where !Self.isSpace(byte(index)) {
                throw ReportError(sawRoot ? "text after the root element" : "this is not XML (it does not start with '<')", offset: consumed + index)
            }
            return
        }
        if handler.wantsText { handler.text(UnsafeRawBufferPointer(start: buffer + from, count: to - from)) }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The index of the `>` that closes the markup at `position`, reading more input as needed.
    private mutating func markupEnd<Source: ByteSource>(_ source: inout Source) throws -> Int? {
        var searchFrom = position + 1
        while true {
            if let end = findMarkupEnd(from: searchFrom) { return end }
            if atEnd { return nil }
            let offsetFromPosition = max(searchFrom - position, 1)
            try fill(&source)
            searchFrom = position + max(offsetFromPosition - 16, 1)
        }
    }

    /// Finds the end of the markup starting at `position` (comments, CDATA, PIs, doctype, tags).
    private func findMarkupEnd(from start: Int) -> Int? {
        let available = length - position
        func hasPrefix(_ text: StaticString) -> Bool {
            guard available >= text.utf8CodeUnitCount else { return false }
            return memcmp(buffer + position, text.utf8Start, text.utf8CodeUnitCount) == 0
        }
        if available < 2 { return nil }
        let second = byte(position + 1)
        if second == UInt8(ascii: "!") {
            if available < 4 { return nil }
            if hasPrefix("<!--") { return find("-->", from: max(start, position + 4)).map { $0 + 2 } }
            if available < 9 { return nil }
            if hasPrefix("<![CDATA[") { return find("]]>", from: max(start, position + 9)).map { $0 + 2 } }
            // <!DOCTYPE ...> possibly with an internal subset in brackets.
            var depth = 0
            var index = position + 2
            while index < length {
                let current = byte(index)
                if current == UInt8(ascii: "[") { depth += 1 }
                if current == UInt8(ascii: "]") { depth -= 1 }
                if current == UInt8(ascii: ">") && depth <= 0 { return index }
                index += 1
            }
            return nil
        }
        if second == UInt8(ascii: "?") { return find("?>", from: max(start, position + 2)).map { $0 + 1 } }
        // A tag: the first '>' outside quotes.
        let bytes = UnsafePointer<UInt8>(OpaquePointer(buffer))
        var quote: UInt8 = 0
        var index = position + 1
        while index < length {
            let current = bytes[index]
            if quote != 0 {
                if current == quote { quote = 0 }
            } else if current == 0x3E {
                return index
            } else if current == 0x22 || current == 0x27 {
                quote = current
            } else if current == 0x3C {
                return -1 - index
            }
            index += 1
        }
        return nil
    }

    private func find(_ needle: StaticString, from start: Int) -> Int? {
        let count = needle.utf8CodeUnitCount
        var index = start
        while index + count <= length {
            guard let found = memchr(buffer + index, Int32(needle.utf8Start.pointee), length - index) else { return nil }
            let at = buffer.distance(to: UnsafeMutableRawPointer(found))
            if at + count > length { return nil }
            if memcmp(buffer + at, needle.utf8Start, count) == 0 { return at }
            index = at + 1
        }
        return nil
    }

    private mutating func markup<Handler: XMLHandler>(from start: Int, to end: Int, _ handler: inout Handler) throws {
        if end < 0 {
            throw ReportError("'<' inside a tag: the markup is malformed", offset: consumed + (-1 - end))
        }
        let second = byte(start + 1)
        if second == UInt8(ascii: "?") { return }
        if second == UInt8(ascii: "!") {
            // CDATA inside an element is text.
            if end - start >= 11, memcmp(buffer + start, "<![CDATA[", 9) == 0, !stackLengths.isEmpty, handler.wantsText {
                handler.text(UnsafeRawBufferPointer(start: buffer + start + 9, count: end - 2 - (start + 9)))
            }
            return
        }
        if second == UInt8(ascii: "/") {
            var nameEnd = start + 2
            while nameEnd < end, !Self.isSpace(byte(nameEnd)) { nameEnd += 1 }
            let name = UnsafeRawBufferPointer(start: buffer + start + 2, count: nameEnd - start - 2)
            guard let openCount = stackLengths.last else {
                throw ReportError("</\(String(decoding: name, as: UTF8.self))> closes nothing", offset: consumed + start)
            }
            let matches =
                openCount == name.count
                && stackBytes.withUnsafeBytes { memcmp($0.baseAddress! + (stackBytes.count - openCount), name.baseAddress!, name.count) == 0 }
            guard matches else {
                throw ReportError("</\(String(decoding: name, as: UTF8.self))> does not match <\(openName ?? "")>", offset: consumed + start)
            }
            stackLengths.removeLast()
            stackBytes.removeLast(openCount)
            try handler.end(name)
            return
        }
        // Start tag: name, attributes, maybe '/' before '>'.
        var index = start + 1
        while index < end, !Self.isSpace(byte(index)), byte(index) != UInt8(ascii: "/") { index += 1 }
        let nameCount = index - start - 1
        guard nameCount > 0 else { throw ReportError("a tag without a name", offset: consumed + start) }
        if stackLengths.isEmpty && sawRoot { throw ReportError("a second root element", offset: consumed + start) }
        spans.removeAll(keepingCapacity: true)
        var selfClosing = false
        while index < end {
            let current = byte(index)
            if Self.isSpace(current) {
                index += 1
                continue
            }
            if current == UInt8(ascii: "/") {
                selfClosing = true
                index += 1
                continue
            }
            let nameStart = index
            guard let equalsPointer = memchr(buffer + index, 0x3D, end - index) else {
                throw ReportError("an attribute without '=' in a tag", offset: consumed + nameStart)
            }
            let equals = buffer.distance(to: UnsafeMutableRawPointer(equalsPointer))
            var nameEnd = equals
            while nameEnd > nameStart, Self.isSpace(byte(nameEnd - 1)) { nameEnd -= 1 }
            // A space inside the name means the previous attribute had no '='.
            if memchr(buffer + nameStart, 0x20, nameEnd - nameStart) != nil {
                throw ReportError("an attribute without '=' in a tag", offset: consumed + nameStart)
            }
            index = equals + 1
            while index < end, Self.isSpace(byte(index)) { index += 1 }
            guard index < end, byte(index) == 0x22 || byte(index) == 0x27 else {
                throw ReportError("an attribute value without quotes", offset: consumed + index)
            }
            let quote = byte(index)
            let valueStart = index + 1
            let closing = memchr(buffer + valueStart, Int32(quote), end - valueStart).map { buffer.distance(to: UnsafeMutableRawPointer($0)) } ?? end
            spans.append(
                AttributeSpan(
                    nameStart: nameStart - start, nameCount: nameEnd - nameStart, valueStart: valueStart - start, valueCount: closing - valueStart))
            index = closing + 1
        }
        let name = UnsafeRawBufferPointer(start: buffer + start + 1, count: nameCount)
        sawRoot = true
        if !selfClosing {
            stackBytes.append(contentsOf: name)
            stackLengths.append(nameCount)
        }
        let base = UnsafeRawPointer(buffer + start)
        try spans.withUnsafeBufferPointer { spans in
            try handler.start(name, attributes: XMLAttributes(base: base, spans: spans), selfClosing: selfClosing)
        }
        if selfClosing { try handler.end(name) }
    }

    /// Decodes entity references (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xN;`).
    public static func decode(_ raw: UnsafeRawBufferPointer) -> String {
        guard let base = raw.baseAddress, memchr(base, 0x26, raw.count) != nil else { return String(decoding: raw, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let current = raw[index]
            guard current == 0x26, let semicolon = (index + 1..<min(raw.count, index + 12)).first(where: { raw[$0] == 0x3B }) else {
                output.append(current)
                index += 1
                continue
            }
            let entity = String(decoding: UnsafeRawBufferPointer(rebasing: raw[index + 1..<semicolon]), as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                index = semicolon + 1
            } else {
                output.append(current)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Parses a decimal integer (optional sign, spaces around).
    public static func parseInteger(_ raw: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index < raw.count, isSpace(raw[index]) { index += 1 }
        var negative = false
        if index < raw.count, raw[index] == UInt8(ascii: "-") || raw[index] == UInt8(ascii: "+") {
            negative = raw[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var digits = 0
        while index < raw.count, raw[index] >= 48, raw[index] <= 57 {
            value = value &* 10 &+ Int(raw[index] - 48)
            digits += 1
            index += 1
        }
        // Allow a fraction such as "12.0" (some tools write hits as floats).
        if index < raw.count, raw[index] == UInt8(ascii: ".") {
            index += 1
            while index < raw.count, raw[index] >= 48, raw[index] <= 57 { index += 1 }
        }
        while index < raw.count, isSpace(raw[index]) { index += 1 }
        guard digits > 0, index == raw.count else { return nil }
        return negative ? -value : value
    }

    /// Parses a decimal number such as `0.125`, `12`, `1e-3` or `1,234.5` (thousands separators
    /// skipped); 0 when it is not a number.
    public static func parseDouble(_ raw: UnsafeRawBufferPointer) -> Double {
        var index = 0
        while index < raw.count, isSpace(raw[index]) { index += 1 }
        var negative = false
        if index < raw.count, raw[index] == UInt8(ascii: "-") || raw[index] == UInt8(ascii: "+") {
            negative = raw[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        while index < raw.count {
            let byte = raw[index]
            if byte >= 48 && byte <= 57 {
                if digits < 18 {
                    mantissa = mantissa * 10 + UInt64(byte - 48)
                    digits += 1
                    if seenPoint { scale -= 1 }
                } else if !seenPoint {
                    scale += 1
                }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte != UInt8(ascii: ",") {
                break
            }
            index += 1
        }
        if index < raw.count, raw[index] == UInt8(ascii: "e") || raw[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < raw.count, raw[index] == UInt8(ascii: "-") || raw[index] == UInt8(ascii: "+") {
                exponentNegative = raw[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            while index < raw.count, raw[index] >= 48, raw[index] <= 57 {
                exponent = min(exponent * 10 + Int(raw[index] - 48), 400)
                index += 1
            }
            scale += exponentNegative ? -exponent : exponent
        }
        guard digits > 0 else { return 0 }
        var value = Double(mantissa)
        if scale != 0 {
            let powers: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18]
            if abs(scale) < powers.count {
                value = scale > 0 ? value * powers[scale] : value / powers[-scale]
            } else {
                value *= pow(10, Double(scale))
            }
        }
        return negative ? -value : value
    }

    /// True when the raw bytes equal `expected` ignoring ASCII case.
    public static func equalsIgnoringCase(_ raw: UnsafeRawBufferPointer, _ expected: StaticString) -> Bool {
        guard raw.count == expected.utf8CodeUnitCount else { return false }
        let other = expected.utf8Start
        for index in 0..<raw.count where raw[index] | 0x20 != other[index] | 0x20 { return false }
        return true
    }

    /// True when the raw name equals `expected`.
    public static func equals(_ raw: UnsafeRawBufferPointer, _ expected: StaticString) -> Bool {
        raw.count == expected.utf8CodeUnitCount && memcmp(raw.baseAddress!, expected.utf8Start, raw.count) == 0
    }
}
