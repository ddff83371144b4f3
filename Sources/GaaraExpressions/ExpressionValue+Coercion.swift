import Foundation

/// The coercion rules of GitHub's expression language: JavaScript's `Number()` for strings,
/// loose equality with case-insensitive strings, and .NET's `G15` number formatting.
extension ExpressionValue {
    /// The value as a number: null is 0, booleans are 1 or 0, strings follow JavaScript's `Number()`,
    /// arrays and objects are NaN.
    public var numberValue: Double {
        switch self {
        case .null: 0
        case .bool(let value): value ? 1 : 0
        case .number(let value): value
        case .string(let value): Self.parseNumber(value)
        case .array, .object: .nan
        }
    }

    /// The value as a string: null is empty, booleans are `true`/`false`, numbers use up to 15
    /// significant digits, arrays and objects are `Array` and `Object`.
    public var coercedString: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.formatNumber(value)
        case .string(let value): value
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// Parses a string the way GitHub does: trimmed, empty is 0, decimal with sign, point and
    /// exponent, `0x` hex and `0o` octal integers, `Infinity` and `-Infinity`; anything else is NaN.
    public static func parseNumber(_ raw: String) -> Double {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return 0 }
        if let value = parseDecimal(text) { return value }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > 2, scalars[0] == "0", scalars[1] == "x" {
            let digits = String(String.UnicodeScalarView(scalars[2...]))
            if digits.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }), let value = Int32(digits, radix: 16) {
                return Double(value)
            }
            return .nan
        }
        if scalars.count > 2, scalars[0] == "0", scalars[1] == "o" {
            let digits = String(String.UnicodeScalarView(scalars[2...]))
            if digits.unicodeScalars.allSatisfy({ ("0"..."7").contains($0) }), let value = Int32(digits, radix: 8) {
                return Double(value)
            }
            return .nan
        }
        if text == "Infinity" { return .infinity }
        if text == "-Infinity" { return -.infinity }
        return .nan
    }

    /// Parses `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, nil when the text is not that.
    static func parseDecimal(_ text: String) -> Double? {
        var sawDigit = false
        var index = text.utf8.startIndex
        let bytes = text.utf8
        func peek() -> UInt8? { index < bytes.endIndex ? bytes[index] : nil }
        if let first = peek(), first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { index = bytes.index(after: index) }
        while let byte = peek(), byte >= 48 && byte <= 57 {
            sawDigit = true
            index = bytes.index(after: index)
        }
        if peek() == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            while let byte = peek(), byte >= 48 && byte <= 57 {
                sawDigit = true
                index = bytes.index(after: index)
            }
        }
        guard sawDigit else { return nil }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index = bytes.index(after: index) }
            var exponentDigits = false
            while let byte = peek(), byte >= 48 && byte <= 57 {
                exponentDigits = true
                index = bytes.index(after: index)
            }
            guard exponentDigits else { return nil }
        }
        guard index == bytes.endIndex else { return nil }
        // Swift's parser does not take a trailing point ("1.") or a leading plus before a point.
        var normalized = text
        if normalized.hasSuffix(".") { normalized.removeLast() }
        if let dot = normalized.firstIndex(of: "."), normalized[normalized.index(after: dot)...].first.map({ $0 == "e" || $0 == "E" }) == true {
            normalized.remove(at: dot)
        }
        return Double(normalized)
    }

    /// Formats a number as .NET's `G15` does: up to 15 significant digits, exponent form below
    /// 1e-5 and from 1e15 up (`1E+15`), `Infinity`, `-Infinity` and `NaN` spelled out.
    public static func formatNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        let formatted = String(format: "%.15G", value)
        return formatted
    }

    /// GitHub's `==`: like JavaScript's abstract equality, but strings compare case-insensitively
    /// and arrays and objects are equal only to themselves.
    public func looselyEquals(_ other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case (.null, .null): true
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): Self.compareIgnoringCase(left, right) == 0
        case (.bool(let left), .bool(let right)): left == right
        case (.array(let left), .array(let right)): left === right
        case (.object(let left), .object(let right)): left === right
        default: false
        }
    }

    /// GitHub's ordering for `<`, `>`, `<=`, `>=`: numbers, case-insensitive strings and booleans;
    /// nil when the values are not comparable (mixed kinds after coercion, NaN).
    public func compare(_ other: ExpressionValue) -> Int? {
        switch Self.coerce(self, other) {
        case (.number(let left), .number(let right)):
            if left.isNaN || right.isNaN { return nil }
            return left < right ? -1 : (left > right ? 1 : 0)
        case (.string(let left), .string(let right)):
            return Self.compareIgnoringCase(left, right)
        case (.bool(let left), .bool(let right)):
            return left == right ? 0 : (left ? 1 : -1)
        case (.null, .null):
            return 0
        default:
            return nil
        }
    }

    /// Brings two values to a common kind: number with string makes both numbers; a boolean or
    /// null side becomes a number, then the rule applies again.
    static func coerce(_ left: ExpressionValue, _ right: ExpressionValue) -> (ExpressionValue, ExpressionValue) {
        switch (left, right) {
        case (.null, .null), (.bool, .bool), (.number, .number), (.string, .string), (.array, .array), (.object, .object):
            return (left, right)
        case (.number, .string):
            return (left, .number(right.numberValue))
        case (.string, .number):
            return (.number(left.numberValue), right)
        case (.bool, _), (.null, _):
            return coerce(.number(left.numberValue), right)
        case (_, .bool), (_, .null):
            return coerce(left, .number(right.numberValue))
        default:
            return (left, right)
        }
    }

    /// Ordinal comparison after upper-casing, as .NET's `OrdinalIgnoreCase`.
    static func compareIgnoringCase(_ left: String, _ right: String) -> Int {
        if left == right { return 0 }
        var leftUnits = left.uppercased().utf16.makeIterator()
        var rightUnits = right.uppercased().utf16.makeIterator()
        while true {
            switch (leftUnits.next(), rightUnits.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let l?, let r?):
                if l != r { return l < r ? -1 : 1 }
            }
        }
    }
}
