/// A file glob as `hashFiles` and the artifact and cache actions take them (minimatch style):
/// `*` and `?` within one path segment, `**` across segments, `[...]` classes, a leading `!`
/// excludes. A pattern that matches a directory matches everything below it.
public struct PathGlob: Sendable {
    enum Segment: Sendable {
        case globstar
        case pattern([Piece])
    }

    enum Piece: Sendable, Equatable {
        case literal(Character)
        case any
        case one
        case set([ClosedRange<Character>], negated: Bool)
    }

    /// True for `!pattern`.
    public let isNegated: Bool
    let segments: [Segment]

    /// Compiles a pattern relative to the workspace (a leading `./` is ignored).
    public init(_ pattern: String) {
        var text = Substring(pattern.trimmingCharacters(in: " "))
        isNegated = text.hasPrefix("!")
        if isNegated { text = text.dropFirst() }
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        segments = text.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part == "**" ? .globstar : .pattern(Self.pieces(part))
        }
    }

    static func pieces(_ part: Substring) -> [Piece] {
        var pieces: [Piece] = []
        var index = part.startIndex
        while index < part.endIndex {
            let character = part[index]
            switch character {
            case "*":
                if pieces.last != .any { pieces.append(.any) }
            case "?": pieces.append(.one)
            case "[":
                if let close = part[index...].dropFirst().firstIndex(of: "]") {
                    var body = part[part.index(after: index)..<close]
                    let negated = body.first == "!" || body.first == "^"
                    if negated { body = body.dropFirst() }
                    var ranges: [ClosedRange<Character>] = []
                    var cursor = body.startIndex
                    while cursor < body.endIndex {
                        let low = body[cursor]
                        let next = body.index(after: cursor)
                        if next < body.endIndex, body[next] == "-", body.index(after: next) < body.endIndex, low <= body[body.index(after: next)] {
                            ranges.append(low...body[body.index(after: next)])
                            cursor = body.index(after: body.index(after: next))
                        } else {
                            ranges.append(low...low)
                            cursor = next
                        }
                    }
                    pieces.append(.set(ranges, negated: negated))
                    index = close
                } else {
                    pieces.append(.literal("["))
                }
            case "\\":
                let next = part.index(after: index)
                if next < part.endIndex {
                    pieces.append(.literal(part[next]))
                    index = next
                } else {
                    pieces.append(.literal("\\"))
                }
            default: pieces.append(.literal(character))
            }
            index = part.index(after: index)
        }
        return pieces
    }

    /// True when `path` (relative, `/`-separated) or one of its parent directories matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0) }
        guard !segments.isEmpty else { return false }
        for length in stride(from: parts.count, through: 1, by: -1) where matchSegments(0, parts[0..<length], 0) {
            return true
        }
        return false
    }

    private func matchSegments(_ segment: Int, _ parts: ArraySlice<[Character]>, _ part: Int) -> Bool {
        if segment == segments.count { return parts.startIndex + part == parts.endIndex }
        switch segments[segment] {
        case .globstar:
            var index = parts.startIndex + part
            while index <= parts.endIndex {
                if matchSegments(segment + 1, parts, index - parts.startIndex) { return true }
                // `**` does not descend into hidden directories' names implicitly? It does (dot: true).
                index += 1
            }
            return false
        case .pattern(let pieces):
            let index = parts.startIndex + part
            guard index < parts.endIndex, Self.match(pieces[...], parts[index][...]) else { return false }
            return matchSegments(segment + 1, parts, part + 1)
        }
    }

    static func match(_ pieces: ArraySlice<Piece>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pieces.first else { return text.isEmpty }
        switch first {
        case .any:
            var index = text.startIndex
            while true {
                if match(pieces.dropFirst(), text[index...]) { return true }
                if index == text.endIndex { return false }
                index += 1
            }
        case .one:
            return !text.isEmpty && match(pieces.dropFirst(), text.dropFirst())
        case .literal(let character):
            return text.first == character && match(pieces.dropFirst(), text.dropFirst())
        case .set(let ranges, let negated):
            guard let character = text.first else { return false }
            return ranges.contains { $0.contains(character) } != negated && match(pieces.dropFirst(), text.dropFirst())
        }
    }
}

/// Include and exclude globs applied in order: the last pattern that matches decides.
public struct PathGlobSet: Sendable {
    /// The patterns.
    public let patterns: [PathGlob]

    /// Builds a set from pattern lines (blank lines and `#` comments are skipped).
    public init(_ lines: [String]) {
        patterns = lines.map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { PathGlob(String($0)) }
    }

    /// True when some positive pattern matches and no later negative one does.
    public func includes(_ path: String) -> Bool {
        var included = false
        for pattern in patterns where pattern.matches(path) {
            included = !pattern.isNegated
        }
        return included
    }
}
