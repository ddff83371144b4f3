/// A deployment branch or tag pattern in GitHub's `fnmatch` syntax: `*` matches any run of
/// characters but `/`, `?` one character but `/`, `[...]` a character class (`[!...]` or `[^...]`
/// negated, ranges with `-`), `\` escapes the next character. So `release/*` matches
/// `release/1.0` but not `release/1.0/hotfix`, which `release/*/*` matches.
public struct RefPattern: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The pattern as written.
    public let source: String

    /// An error in a pattern.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The pattern.
        public let pattern: String
        /// What is wrong.
        public let message: String
        /// `pattern: message`.
        public var description: String { "'\(pattern)': \(message)" }
    }

    /// Checks and keeps a pattern.
    public init(_ source: String) throws(SyntaxError) {
        guard !source.isEmpty else { throw SyntaxError(pattern: source, message: "the pattern is empty") }
        guard source.count <= 255 else { throw SyntaxError(pattern: source, message: "patterns are at most 255 characters") }
        var scalars = Array(source.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\\":
                guard scalars.popFirst() != nil else { throw SyntaxError(pattern: source, message: "'\\' at the end escapes nothing") }
            case "[":
                guard let close = Self.classEnd(scalars) else { throw SyntaxError(pattern: source, message: "'[' is never closed") }
                scalars = scalars[close...].dropFirst()
            default: break
            }
        }
        self.source = source
    }

    /// The pattern as written.
    public var description: String { source }

    /// Whether `name` (a branch or tag name without `refs/heads/` or `refs/tags/`) matches.
    public func matches(_ name: String) -> Bool {
        Self.match(Array(source.unicodeScalars)[...], Array(name.unicodeScalars)[...])
    }

    /// Decodes from the pattern's text.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes as the pattern's text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(source)
    }

    /// The index of the `]` closing a class whose `[` was just read (a `]` first in the class,
    /// after an optional negation, is a member, as in fnmatch).
    private static func classEnd(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        var index = scalars.startIndex
        if index < scalars.endIndex, scalars[index] == "!" || scalars[index] == "^" { index += 1 }
        if index < scalars.endIndex, scalars[index] == "]" { index += 1 }
        while index < scalars.endIndex {
            if scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == "]" { return index }
            index += 1
        }
        return nil
    }

    /// Matches with backtracking over the last `*` only: a star never crosses `/`, so an earlier
    /// star's choice never needs revisiting once a later one matched (the classic linear fnmatch).
    private static func match(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var starP: Int?
        var starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let scalar = pattern[p]
                switch scalar {
                case "*":
                    starP = p
                    starN = n
                    p += 1
                    continue
                case "?":
                    if name[n] != "/" {
                        p += 1
                        n += 1
                        continue
                    }
                case "[":
                    if let close = classEnd(pattern[(p + 1)...]), classMatches(pattern[(p + 1)..<close], name[n]) {
                        p = close + 1
                        n += 1
                        continue
                    }
                case "\\" where p + 1 < pattern.endIndex:
                    if pattern[p + 1] == name[n] {
                        p += 2
                        n += 1
                        continue
                    }
                default:
                    if scalar == name[n] {
                        p += 1
                        n += 1
                        continue
                    }
                }
            }
            // Mismatch: let the last star take one more character, unless that is a `/`.
            guard let star = starP, name[starN] != "/" else { return false }
            starN += 1
            n = starN
            p = star + 1
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    private static func classMatches(_ body: ArraySlice<Unicode.Scalar>, _ scalar: Unicode.Scalar) -> Bool {
        var index = body.startIndex
        var negated = false
        if index < body.endIndex, body[index] == "!" || body[index] == "^" {
            negated = true
            index += 1
        }
        var found = false
        var first = true
        while index < body.endIndex {
            var low = body[index]
            if low == "\\", index + 1 < body.endIndex {
                index += 1
                low = body[index]
            } else if low == "]", !first {
                break
            }
            first = false
            index += 1
            if index + 1 < body.endIndex, body[index] == "-" {
                let high = body[index + 1]
                if low <= scalar, scalar <= high { found = true }
                index += 2
            } else if low == scalar {
                found = true
            }
        }
        // A class never matches `/` (FNM_PATHNAME).
        return scalar != "/" && found != negated
    }
}
