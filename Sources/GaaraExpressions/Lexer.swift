/// Splits an expression into tokens following GitHub's lexical rules: keywords may contain `-`,
/// numbers are read up to a token boundary and parsed as `Number()` would, strings are single-quoted
/// with `''` as the escape.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var lastKind: Token.Kind?

    init(_ expression: String) {
        scalars = Array(expression.unicodeScalars)
    }

    /// Returns the next token, or nil at the end.
    mutating func next() -> Token? {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        guard index < scalars.count else { return nil }
        let start = index
        let character = scalars[index]
        let token: Token
        switch character {
        case "(": token = single(.startGroup, start)
        case ")": token = single(.endGroup, start)
        case "[": token = single(.startIndex, start)
        case "]": token = single(.endIndex, start)
        case ",": token = single(.separator, start)
        case "*": token = single(.wildcard, start)
        case "'": token = readString()
        case "!", "=", "<", ">", "&", "|": token = readOperator()
        case ".":
            if lastKind == nil || Self.startsOperand(after: lastKind!) {
                token = readNumber()
            } else {
                token = single(.dereference, start)
            }
        case "-", "+", "0"..."9": token = readNumber()
        default: token = readKeyword()
        }
        lastKind = token.kind
        return token
    }

    /// True when a `.` after this token begins a number such as `.5` rather than a property access.
    private static func startsOperand(after kind: Token.Kind) -> Bool {
        switch kind {
        case .separator, .startGroup, .startIndex, .not, .equal, .notEqual, .less, .lessOrEqual, .greater,
            .greaterOrEqual, .and, .or:
            true
        default: false
        }
    }

    private mutating func single(_ kind: Token.Kind, _ start: Int) -> Token {
        index += 1
        return Token(kind: kind, raw: String(Character(scalars[start])), offset: start)
    }

    private func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    private static func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "(", "[", ")", "]", ",", ".", "!", ">", "<", "=", "&", "|": true
        default: scalar.properties.isWhitespace
        }
    }

    private mutating func readNumber() -> Token {
        let start = index
        index += 1
        while index < scalars.count, !Self.isBoundary(scalars[index]) || scalars[index] == "." { index += 1 }
        let raw = text(start, index)
        let value = ExpressionValue.parseNumber(raw)
        if value.isNaN { return Token(kind: .unexpected, raw: raw, offset: start) }
        return Token(kind: .number(value), raw: raw, offset: start)
    }

    private mutating func readString() -> Token {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "'" {
                if index < scalars.count, scalars[index] == "'" {
                    index += 1
                } else {
                    return Token(kind: .string(String(value)), raw: text(start, index), offset: start)
                }
            }
            value.append(scalar)
        }
        return Token(kind: .unexpected, raw: text(start, index), offset: start)
    }

    private mutating func readOperator() -> Token {
        let start = index
        if index + 1 < scalars.count {
            let pair = text(index, index + 2)
            let kind: Token.Kind? =
                switch pair {
                case "!=": .notEqual
                case ">=": .greaterOrEqual
                case "<=": .lessOrEqual
                case "==": .equal
                case "&&": .and
                case "||": .or
                default: nil
                }
            if let kind {
                index += 2
                return Token(kind: kind, raw: pair, offset: start)
            }
        }
        switch scalars[index] {
        case "!": return single(.not, start)
        case ">": return single(.greater, start)
        case "<": return single(.less, start)
        default:
            index += 1
            while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
            return Token(kind: .unexpected, raw: text(start, index), offset: start)
        }
    }

    private mutating func readKeyword() -> Token {
        let start = index
        index += 1
        while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
        let raw = text(start, index)
        guard Self.isLegalKeyword(raw) else { return Token(kind: .unexpected, raw: raw, offset: start) }
        if lastKind == .dereference { return Token(kind: .propertyName(raw), raw: raw, offset: start) }
        switch raw {
        case "null": return Token(kind: .null, raw: raw, offset: start)
        case "true": return Token(kind: .boolean(true), raw: raw, offset: start)
        case "false": return Token(kind: .boolean(false), raw: raw, offset: start)
        case "NaN": return Token(kind: .number(.nan), raw: raw, offset: start)
        case "Infinity": return Token(kind: .number(.infinity), raw: raw, offset: start)
        default: return Token(kind: .identifier(raw), raw: raw, offset: start)
        }
    }

    /// A keyword starts with a letter or `_` and continues with letters, digits, `_` and `-`.
    static func isLegalKeyword(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        guard first == "_" || first.isASCIILetter else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy { $0 == "_" || $0 == "-" || $0.isASCIILetter || ("0"..."9").contains($0) }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
