/// The few JavaScript built-ins whose exact behaviour the action's outputs depend on: `String.prototype.trim`,
/// `Number(string)`, a number's `toString()` and array-index keys. Ported so that Gaara gives the same answer
/// on odd inputs (`priority=0x10`, `group=01`), not only on the usual ones.
enum JavaScript {
    /// Whether the scalar is JavaScript white space or a line terminator (what `trim` and `\s` strip).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// Whether the scalar ends a line for a regular expression's `.`.
    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// `String.prototype.trim`.
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
            let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `Number(text)`: white space trimmed, empty is 0, `0x`/`0o`/`0b` integers, decimal literals with an
    /// optional sign and exponent, `Infinity`; anything else is NaN.
    static func number(_ text: String) -> Double {
        let scalars = Array(trim(text).unicodeScalars)
        if scalars.isEmpty { return 0 }
        if scalars.count > 2, scalars[0] == "0" {
            let radix: Double? =
                switch scalars[1] {
                case "x", "X": 16
                case "o", "O": 8
                case "b", "B": 2
                default: nil
                }
            if let radix {
                var value = 0.0
                for scalar in scalars[2...] {
                    guard let digit = hexDigit(scalar), Double(digit) < radix else { return .nan }
                    value = value * radix + Double(digit)
                }
                return value
            }
        }
        var body = scalars[...]
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        if String(String.UnicodeScalarView(body)) == "Infinity" { return negative ? -.infinity : .infinity }
        guard isDecimalLiteral(body), let value = Double(String(String.UnicodeScalarView(body))) else { return .nan }
        return negative ? -value : value
    }

    /// A number as `String(number)` prints it: integers without a fraction, shortest round-trip digits,
    /// exponent notation from 1e21 up and below 1e-6.
    static func string(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        // Swift prints the same shortest round-trip digits; only the layout differs.
        let text = "\(value.magnitude)"
        var mantissa = Substring(text)
        var exponent = 0
        if let mark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<mark]
            exponent = Int(text[text.index(after: mark)...]) ?? 0
        }
        var digits: [Character]
        var point: Int
        if let dot = mantissa.firstIndex(of: ".") {
            digits = Array(mantissa[..<dot]) + Array(mantissa[mantissa.index(after: dot)...])
            point = mantissa.distance(from: mantissa.startIndex, to: dot)
        } else {
            digits = Array(mantissa)
            point = digits.count
        }
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let count = digits.count
        let position = point + exponent
        let sign = value < 0 ? "-" : ""
        let all = String(digits)
        if count <= position, position <= 21 { return sign + all + String(repeating: "0", count: position - count) }
        if 0 < position, position <= 21 { return sign + String(digits[..<position]) + "." + String(digits[position...]) }
        if -6 < position, position <= 0 { return sign + "0." + String(repeating: "0", count: -position) + all }
        let shown = position - 1
        let fraction = count > 1 ? "." + String(digits[1...]) : ""
        return sign + String(digits[0]) + fraction + "e" + (shown < 0 ? "-" : "+") + String(shown.magnitude)
    }

    /// The array index a property key names, when it is a canonical one (`"0"`, `"12"`, not `"01"` or `"+1"`).
    static func arrayIndex(_ key: String) -> Int? {
        guard let first = key.unicodeScalars.first, key.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        if first == "0", key.unicodeScalars.count > 1 { return nil }
        guard key.unicodeScalars.count <= 10, let value = Int(key), value < 4_294_967_295 else { return nil }
        return value
    }

    /// `0-9`, `a-z`, `A-Z` as a digit value.
    private static func hexDigit(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 0x30)
        case "a"..."z": Int(scalar.value - 0x61 + 10)
        case "A"..."Z": Int(scalar.value - 0x41 + 10)
        default: nil
        }
    }

    /// `digits[.digits][e[+-]digits]` or `.digits[e[+-]digits]`, as `StrUnsignedDecimalLiteral`.
    private static func isDecimalLiteral(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        var index = scalars.startIndex
        func digits() -> Int {
            let start = index
            while index < scalars.endIndex, ("0"..."9").contains(scalars[index]) { index += 1 }
            return index - start
        }
        var mantissaDigits = digits()
        if index < scalars.endIndex, scalars[index] == "." {
            index += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            if index < scalars.endIndex, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == scalars.endIndex
    }
}
