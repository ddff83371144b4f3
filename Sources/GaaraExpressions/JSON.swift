/// JSON conversion for expression values: `fromJSON` parsing (keeping key order) and the
/// indented output of `toJSON`.
public enum ExpressionJSON {
    /// Parses JSON text into a value; numbers become doubles, objects keep their key order.
    public static func parse(_ text: String) throws(ExpressionEvaluationError) -> ExpressionValue {
        do {
            return try parse(bytes: Array(text.utf8))
        } catch {
            throw ExpressionEvaluationError("invalid JSON at byte \(error.offset + 1): \(error.message)")
        }
    }

    /// Parses one JSON document from bytes; errors carry the byte offset.
    public static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> ExpressionValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    /// Parses JSON values separated by whitespace until the end or the first error; returns the
    /// values read, the error (if any) and the offset where reading stopped.
    public static func parseValues(bytes: [UInt8]) -> (values: [ExpressionValue], error: JSONSyntaxError?, stoppedAt: Int) {
        var reader = JSONReader(bytes: bytes)
        var values: [ExpressionValue] = []
        reader.skipWhitespace()
        while !reader.atEnd {
            let start = reader.index
            do {
                values.append(try reader.readValue(depth: 0))
            } catch {
                return (values, error, start)
            }
            reader.skipWhitespace()
        }
        return (values, nil, reader.index)
    }

    /// Parses a stream of JSON values separated by whitespace (NDJSON, concatenated objects).
    public static func parseSequence(bytes: [UInt8]) throws(JSONSyntaxError) -> [ExpressionValue] {
        var reader = JSONReader(bytes: bytes)
        var values: [ExpressionValue] = []
        reader.skipWhitespace()
        while !reader.atEnd {
            values.append(try reader.readValue(depth: 0))
            reader.skipWhitespace()
        }
        return values
    }

    /// Serialises a value the way GitHub's `toJSON` does: two-space indentation, one member per line.
    public static func serialize(_ value: ExpressionValue, indent: Bool = true) -> String {
        var output = ""
        write(value, into: &output, level: 0, indent: indent)
        return output
    }

    private static func write(_ value: ExpressionValue, into output: inout String, level: Int, indent: Bool) {
        let newline = indent ? "\n" : ""
        let pad = indent ? String(repeating: "  ", count: level + 1) : ""
        let closePad = indent ? String(repeating: "  ", count: level) : ""
        let colon = indent ? ": " : ":"
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += formatNumber(number)
        case .string(let string): writeString(string, into: &output)
        case .array(let array):
            if array.elements.isEmpty {
                output += "[]"
                return
            }
            output += "[" + newline
            for (position, element) in array.elements.enumerated() {
                output += pad
                write(element, into: &output, level: level + 1, indent: indent)
                if position < array.elements.count - 1 { output += "," }
                output += newline
            }
            output += closePad + "]"
        case .object(let object):
            if object.count == 0 {
                output += "{}"
                return
            }
            output += "{" + newline
            for position in 0..<object.count {
                output += pad
                writeString(object.keys[position], into: &output)
                output += colon
                write(object.values[position], into: &output, level: level + 1, indent: indent)
                if position < object.count - 1 { output += "," }
                output += newline
            }
            output += closePad + "}"
        }
    }

    /// Integral numbers print without a fraction; others in their shortest round-trip form.
    static func formatNumber(_ number: Double) -> String {
        if number.isNaN { return "\"NaN\"" }
        if number.isInfinite { return number < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return number.description.replacingOccurrences(of: "e", with: "E")
    }

    static func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

/// A strict JSON reader over UTF-8 bytes.
private struct JSONReader {
    let bytes: [UInt8]
    var index = 0
    static let maximumDepth = 512

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: index)
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func readValue(depth: Int) throws(JSONSyntaxError) -> ExpressionValue {
        guard depth < Self.maximumDepth else { throw error("nesting too deep") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try readLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try readLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw error("unexpected character")
        }
    }

    mutating func readLiteral(_ word: String, _ value: ExpressionValue) throws(JSONSyntaxError) -> ExpressionValue {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("unexpected character")
        }
        index += expected.count
        return value
    }

    mutating func readNumber() throws(JSONSyntaxError) -> ExpressionValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ reader: inout JSONReader) -> Int {
            let begin = reader.index
            while reader.index < reader.bytes.count, (48...57).contains(reader.bytes[reader.index]) { reader.index += 1 }
            return reader.index - begin
        }
        guard digits(&self) > 0 else { throw error("invalid number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number") }
        return .number(value)
    }

    mutating func readString() throws(JSONSyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var chunkStart = index
        func flush(_ reader: JSONReader, _ scalars: inout String.UnicodeScalarView, _ from: Int) {
            if reader.index > from {
                scalars.append(contentsOf: String(decoding: reader.bytes[from..<reader.index], as: UTF8.self).unicodeScalars)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(self, &scalars, chunkStart)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte == UInt8(ascii: "\\") {
                flush(self, &scalars, chunkStart)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try readHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw error("invalid surrogate pair")
                        }
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw error("invalid escape")
                }
                chunkStart = index
                continue
            }
            index += 1
        }
        throw error("unterminated string")
    }

    mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    mutating func readArray(depth: Int) throws(JSONSyntaxError) -> ExpressionValue {
        index += 1
        var elements: [ExpressionValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            throw error("expected ',' or ']'")
        }
    }

    mutating func readObject(depth: Int) throws(JSONSyntaxError) -> ExpressionValue {
        index += 1
        var pairs: [(String, ExpressionValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(pairs)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try readString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            pairs.append((key, try readValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            }
            throw error("expected ',' or '}'")
        }
    }
}

/// A JSON syntax error with the zero-based byte offset where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    /// What is wrong.
    public let message: String
    /// Zero-based byte offset.
    public let offset: Int
}
