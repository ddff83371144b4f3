/// A filter pattern in GitHub's syntax (branches, tags and paths filters):
/// `*` matches any characters but `/`, `**` any characters, `?` makes the preceding character
/// optional, `+` repeats it, `[...]` is a character class with ranges, `\` escapes, and a leading
/// `!` negates the pattern.
public struct GlobPattern: Sendable, Equatable {
    /// An error in a pattern.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is wrong.
        public let message: String
        /// Zero-based offset in the pattern.
        public let offset: Int
    }

    enum Atom: Sendable, Equatable {
        case character(Unicode.Scalar)
        case characterClass([ClosedRange<Unicode.Scalar>], negated: Bool)
        /// `*`: any run of characters except `/`.
        case star
        /// `**`: any run of characters; `**/` also matches nothing at all.
        case globstar(slashOptional: Bool)
    }

    enum Quantifier: Sendable, Equatable {
        case one, optional, oneOrMore
    }

    struct Element: Sendable, Equatable {
        var atom: Atom
        var quantifier: Quantifier
    }

    /// The pattern as written.
    public let source: String
    /// True when the pattern starts with `!`.
    public let isNegated: Bool
    let elements: [Element]

    /// Compiles a pattern.
    public init(_ source: String) throws(SyntaxError) {
        self.source = source
        var scalars = Array(source.unicodeScalars)
        var offsetBase = 0
        if scalars.first == "!" {
            isNegated = true
            scalars.removeFirst()
            offsetBase = 1
        } else {
            isNegated = false
        }
        guard !scalars.isEmpty else {
            throw SyntaxError(message: isNegated ? "'!' must be followed by a pattern" : "the pattern is empty", offset: 0)
        }
        var elements: [Element] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "*":
                if index + 1 < scalars.count, scalars[index + 1] == "*" {
                    var end = index + 2
                    while end < scalars.count, scalars[end] == "*" { end += 1 }
                    let slashFollows = end < scalars.count && scalars[end] == "/"
                    elements.append(Element(atom: .globstar(slashOptional: slashFollows), quantifier: .one))
                    index = slashFollows ? end + 1 : end
                    continue
                }
                elements.append(Element(atom: .star, quantifier: .one))
            case "?", "+":
                guard let last = elements.last, last.quantifier == .one else {
                    throw SyntaxError(message: "'\(scalar)' must follow a character it applies to", offset: offsetBase + index)
                }
                switch last.atom {
                case .star, .globstar:
                    throw SyntaxError(message: "'\(scalar)' cannot follow a wildcard", offset: offsetBase + index)
                default: break
                }
                elements[elements.count - 1].quantifier = scalar == "?" ? .optional : .oneOrMore
            case "[":
                let (atom, end) = try Self.readClass(scalars, from: index, offsetBase: offsetBase)
                elements.append(Element(atom: atom, quantifier: .one))
                index = end
            case "\\":
                guard index + 1 < scalars.count else {
                    throw SyntaxError(message: "a trailing '\\' escapes nothing", offset: offsetBase + index)
                }
                index += 1
                elements.append(Element(atom: .character(scalars[index]), quantifier: .one))
            default:
                elements.append(Element(atom: .character(scalar), quantifier: .one))
            }
            index += 1
        }
        self.elements = elements
    }

    private static func readClass(_ scalars: [Unicode.Scalar], from start: Int, offsetBase: Int) throws(SyntaxError) -> (Atom, Int) {
        var index = start + 1
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        while index < scalars.count, scalars[index] != "]" {
            var low = scalars[index]
            if low == "\\", index + 1 < scalars.count {
                index += 1
                low = scalars[index]
            }
            if index + 2 < scalars.count, scalars[index + 1] == "-", scalars[index + 2] != "]" {
                let high = scalars[index + 2]
                guard low <= high else {
                    throw SyntaxError(message: "the range '\(low)-\(high)' is reversed", offset: offsetBase + index)
                }
                ranges.append(low...high)
                index += 3
            } else {
                ranges.append(low...low)
                index += 1
            }
        }
        guard index < scalars.count else {
            throw SyntaxError(message: "'[' is not closed by ']'", offset: offsetBase + start)
        }
        guard !ranges.isEmpty else {
            throw SyntaxError(message: "the character class '[]' is empty", offset: offsetBase + start)
        }
        return (.characterClass(ranges, negated: negated), index)
    }

    /// True when `text` matches the pattern (ignoring negation).
    public func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars)
        var memo = [Int: Bool]()
        return match(0, 0, input, &memo)
    }

    private func match(_ element: Int, _ position: Int, _ input: [Unicode.Scalar], _ memo: inout [Int: Bool]) -> Bool {
        let key = element &* (input.count + 1) &+ position
        if let known = memo[key] { return known }
        let result = matchUncached(element, position, input, &memo)
        memo[key] = result
        return result
    }

    private func matchUncached(_ element: Int, _ position: Int, _ input: [Unicode.Scalar], _ memo: inout [Int: Bool]) -> Bool {
        guard element < elements.count else { return position == input.count }
        let current = elements[element]
        switch current.atom {
        case .star:
            var end = position
            while true {
                if match(element + 1, end, input, &memo) { return true }
                guard end < input.count, input[end] != "/" else { return false }
                end += 1
            }
        case .globstar(let slashOptional):
            if slashOptional {
                // `**/` matches nothing, or anything ending in `/`.
                if match(element + 1, position, input, &memo) { return true }
                var end = position
                while end < input.count {
                    if input[end] == "/", match(element + 1, end + 1, input, &memo) { return true }
                    end += 1
                }
                return false
            }
            var end = position
            while true {
                if match(element + 1, end, input, &memo) { return true }
                guard end < input.count else { return false }
                end += 1
            }
        case .character, .characterClass:
            func accepts(_ scalar: Unicode.Scalar) -> Bool {
                switch current.atom {
                case .character(let expected): return scalar == expected
                case .characterClass(let ranges, let negated): return ranges.contains { $0.contains(scalar) } != negated
                default: return false
                }
            }
            switch current.quantifier {
            case .one:
                return position < input.count && accepts(input[position]) && match(element + 1, position + 1, input, &memo)
            case .optional:
                if position < input.count, accepts(input[position]), match(element + 1, position + 1, input, &memo) { return true }
                return match(element + 1, position, input, &memo)
            case .oneOrMore:
                var end = position
                while end < input.count, accepts(input[end]) {
                    end += 1
                    if match(element + 1, end, input, &memo) { return true }
                }
                return false
            }
        }
    }
}

/// An ordered list of patterns where later patterns override earlier ones (`!` excludes).
public struct GlobFilter: Sendable {
    /// The compiled patterns.
    public let patterns: [GlobPattern]

    /// Creates a filter.
    public init(_ patterns: [GlobPattern]) {
        self.patterns = patterns
    }

    /// True when the last pattern that matches `text` is a positive one.
    public func includes(_ text: String) -> Bool {
        var included = false
        for pattern in patterns where pattern.matches(text) {
            included = !pattern.isNegated
        }
        return included
    }
}
