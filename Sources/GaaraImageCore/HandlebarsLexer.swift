/// A token of Handlebars' lexer (handlebars.l of handlebars 4.7), for the statements Gaara evaluates.
enum HandlebarsToken: Equatable {
    /// Text outside mustaches.
    case content(String)
    /// `{{! ... }}` or `{{!-- ... --}}`, delimiters included.
    case comment(String)
    /// `{{`, `{{~`, `{{&`, `{{~&`: opens an escaped (or, with `&`, unescaped) mustache.
    case open(String)
    /// `{{{` or `{{~{`: opens an unescaped mustache.
    case openUnescaped(String)
    /// `}}` or `~}}`.
    case close(String)
    /// `}}}` or `}~}}`.
    case closeUnescaped(String)
    /// `(`: opens a subexpression.
    case openSubexpression
    /// `)`.
    case closeSubexpression
    /// A name; `literal` when written `[like this]`.
    case id(String, literal: Bool)
    /// `.` or `/` between path segments.
    case separator(String)
    /// `=` in a hash argument.
    case equals
    /// `@`, opening a data variable.
    case data
    /// `'text'` or `"text"`, unescaped.
    case string(String)
    /// `-1.5`, as written.
    case number(String)
    /// `true` or `false`.
    case boolean(Bool)
    /// `undefined`.
    case undefined
    /// `null`.
    case null
    /// A construct outside the subset (blocks, partials, raw blocks, `else`, decorators, block parameters).
    case unsupported(String)
    /// A character no rule accepts.
    case invalid(String)
    /// The end of the template.
    case end
}

/// Handlebars' lexer: text up to `{{` (a `\{{` keeps the mustache as text, `\\{{` keeps one backslash),
/// then the mustache's tokens, first matching rule wins, as in jison.
struct HandlebarsLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    /// Prepares to read a template.
    init(_ template: String) { scalars = Array(template.unicodeScalars) }

    /// All tokens, ending with `.end` (or at the first unsupported construct).
    mutating func tokens() throws(Failure) -> [HandlebarsToken] {
        var tokens: [HandlebarsToken] = []
        var inMustache = false
        while true {
            if !inMustache {
                guard index < scalars.count else {
                    tokens.append(.end)
                    return tokens
                }
                guard let open = find("{{", from: index) else {
                    tokens.append(.content(try text(index..<scalars.count)))
                    index = scalars.count
                    continue
                }
                var end = open
                var escaped = false
                if hasPrefix("\\\\", at: open - 2), open - 2 >= index {
                    end = open - 1
                } else if open - 1 >= index, scalars[open - 1] == "\\" {
                    end = open - 1
                    escaped = true
                }
                if end > index { tokens.append(.content(try text(index..<end))) }
                index = open
                if escaped {
                    // The escaped mustache and what follows it, up to the next (escaped) mustache, are text.
                    var stop = open + 2
                    while stop < scalars.count, !hasPrefix("{{", at: stop), !hasPrefix("\\{{", at: stop), !hasPrefix("\\\\{{", at: stop) {
                        stop += 1
                    }
                    tokens.append(.content(try text(open..<stop)))
                    index = stop
                } else {
                    inMustache = true
                }
                continue
            }
            guard let token = mustacheToken() else { continue }
            tokens.append(token)
            switch token {
            case .close, .closeUnescaped, .comment: inMustache = false
            case .unsupported, .invalid, .end: return tokens
            default: break
            }
        }
    }

    // MARK: - Mustache rules, in handlebars.l's order

    /// The next token inside a mustache, nil for skipped white space.
    private mutating func mustacheToken() -> HandlebarsToken? {
        guard index < scalars.count else { return .end }
        let scalar = scalars[index]
        if scalar == "(" { return advance(1, .openSubexpression) }
        if scalar == ")" { return advance(1, .closeSubexpression) }
        if hasPrefix("{{{{", at: index) || hasPrefix("}}}}", at: index) { return .unsupported("raw blocks ({{{{...}}}})") }
        if hasPrefix("{{", at: index) { return openToken() }
        if scalar == "=" { return advance(1, .equals) }
        if hasPrefix("..", at: index) { return advance(2, .id("..", literal: false)) }
        if scalar == ".", isLookahead(index + 1) { return advance(1, .id(".", literal: false)) }
        if scalar == "." || scalar == "/" { return advance(1, .separator(String(scalar))) }
        if JavaScript.isWhitespace(scalar) {
            while index < scalars.count, JavaScript.isWhitespace(scalars[index]) { index += 1 }
            return nil
        }
        if hasPrefix("}}}", at: index) { return advance(3, .closeUnescaped("}}}")) }
        if hasPrefix("}~}}", at: index) { return advance(4, .closeUnescaped("}~}}")) }
        if hasPrefix("}}", at: index) { return advance(2, .close("}}")) }
        if hasPrefix("~}}", at: index) { return advance(3, .close("~}}")) }
        if scalar == "\"" || scalar == "'", let literal = stringLiteral(quote: scalar) { return advance(literal.length, .string(literal.value)) }
        if scalar == "@" { return advance(1, .data) }
        for (word, token) in [("true", HandlebarsToken.boolean(true)), ("false", .boolean(false)), ("undefined", .undefined), ("null", .null)]
        where hasPrefix(word, at: index) && isLiteralLookahead(index + word.unicodeScalars.count) {
            return advance(word.unicodeScalars.count, token)
        }
        if let length = numberLength() { return advance(length, .number(text(index..<(index + length), unchecked: ()))) }
        if hasPrefix("as", at: index) {
            var after = index + 2
            let spaces = after
            while after < scalars.count, JavaScript.isWhitespace(scalars[after]) { after += 1 }
            if after > spaces, after < scalars.count, scalars[after] == "|" { return .unsupported("block parameters (as |x|)") }
        }
        if scalar == "|" { return .unsupported("block parameters (as |x|)") }
        var end = index
        while end < scalars.count, Self.isIDScalar(scalars[end]) { end += 1 }
        if end > index, isLookahead(end) {
            let name = text(index..<end, unchecked: ())
            return advance(end - index, .id(name, literal: false))
        }
        if scalar == "[", let segment = segmentLiteral() { return advance(segment.length, .id(segment.name, literal: true)) }
        return .invalid(String(scalar))
    }

    /// The rules starting with `{{` inside a mustache: blocks, partials, `else`, comments, openers.
    private mutating func openToken() -> HandlebarsToken {
        var after = index + 2
        let strip = after < scalars.count && scalars[after] == "~"
        if strip { after += 1 }
        let next = after < scalars.count ? scalars[after] : nil
        switch next {
        case ">": return .unsupported("partials ({{> ...}})")
        case "#": return .unsupported(hasPrefix("#>", at: after) ? "partial blocks ({{#> ...}})" : "block helpers ({{#...}})")
        case "/": return .unsupported("block helpers ({{/...}})")
        case "^": return .unsupported("inverse sections ({{^...}})")
        default: break
        }
        var word = after
        while word < scalars.count, JavaScript.isWhitespace(scalars[word]) { word += 1 }
        if hasPrefix("else", at: word) { return .unsupported("{{else}}") }
        let opener = text(index..<after, unchecked: ())
        switch next {
        case "{": return advance(after + 1 - index, .openUnescaped(opener + "{"))
        case "&": return advance(after + 1 - index, .open(opener + "&"))
        case "!":
            if hasPrefix("!--", at: after) {
                // `{{!--` comments run to the first `--}}` (or `--~}}`), counted from the opening braces.
                var search = index
                while search < scalars.count {
                    if hasPrefix("--}}", at: search) { return comment(upTo: search + 4) }
                    if hasPrefix("--~}}", at: search) { return comment(upTo: search + 5) }
                    search += 1
                }
                return .invalid("{{!--")
            }
            guard let close = find("}}", from: after + 1) else { return .invalid("{{!") }
            return comment(upTo: close + 2)
        case "*": return .unsupported("decorators ({{* ...}})")
        default: return advance(after - index, .open(opener))
        }
    }

    private mutating func comment(upTo end: Int) -> HandlebarsToken {
        let body = text(index..<end, unchecked: ())
        index = end
        return .comment(body)
    }

    /// `"..."` or `'...'` with `\"` (or `\'`) for the quote; returns the unescaped value and the length.
    private func stringLiteral(quote: Unicode.Scalar) -> (value: String, length: Int)? {
        var cursor = index + 1
        var lastEscapedQuote: Int?
        while cursor < scalars.count {
            if scalars[cursor] == "\\", cursor + 1 < scalars.count, scalars[cursor + 1] == quote {
                lastEscapedQuote = cursor + 1
                cursor += 2
                continue
            }
            if scalars[cursor] == quote { break }
            cursor += 1
        }
        // Without a closing quote, the regular expression backtracks to the last escaped one.
        if cursor >= scalars.count {
            guard let last = lastEscapedQuote else { return nil }
            cursor = last
        }
        let body = text((index + 1)..<cursor, unchecked: ())
        let escapedQuote = "\\" + String(quote)
        return (body.replacing(escapedQuote, with: String(quote)), cursor + 1 - index)
    }

    /// `[name]` with `\]` and `\\` escapes; returns the name as the parser keeps it (brackets included).
    private func segmentLiteral() -> (name: String, length: Int)? {
        var cursor = index + 1
        var lastEscapedBracket: Int?
        while cursor < scalars.count {
            if scalars[cursor] == "\\", cursor + 1 < scalars.count, scalars[cursor + 1] == "]" {
                lastEscapedBracket = cursor + 1
                cursor += 2
                continue
            }
            if scalars[cursor] == "]" { break }
            cursor += 1
        }
        if cursor >= scalars.count {
            guard let last = lastEscapedBracket else { return nil }
            cursor = last
        }
        var name = ""
        var body = scalars[index...cursor].makeIterator()
        while let scalar = body.next() {
            if scalar == "\\" {
                // `replace(/\\([\\\]])/g, '$1')`.
                if let following = body.next() {
                    if following == "\\" || following == "]" {
                        name.unicodeScalars.append(following)
                    } else {
                        name.unicodeScalars.append(scalar)
                        name.unicodeScalars.append(following)
                    }
                } else {
                    name.unicodeScalars.append(scalar)
                }
                continue
            }
            name.unicodeScalars.append(scalar)
        }
        return (name, cursor + 1 - index)
    }

    /// `-?[0-9]+(\.[0-9]+)?` followed by `~`, `}`, white space or `)`.
    private func numberLength() -> Int? {
        var cursor = index
        if cursor < scalars.count, scalars[cursor] == "-" { cursor += 1 }
        let digitsStart = cursor
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) { cursor += 1 }
        guard cursor > digitsStart else { return nil }
        let integerEnd = cursor
        if cursor < scalars.count, scalars[cursor] == "." {
            var fraction = cursor + 1
            while fraction < scalars.count, ("0"..."9").contains(scalars[fraction]) { fraction += 1 }
            if fraction > cursor + 1, isLiteralLookahead(fraction) { return fraction - index }
        }
        return isLiteralLookahead(integerEnd) ? integerEnd - index : nil
    }

    // MARK: - Helpers

    /// `[^\s!"#%-,\.\/;->@\[-\^`\{-~]`: the characters of a name.
    private static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        if JavaScript.isWhitespace(scalar) { return false }
        switch scalar {
        case "!", "\"", "#", "%"...",", ".", "/", ";"..."@", "["..."^", "`", "{"..."~": return false
        default: return true
        }
    }

    /// `[=~}\s\/.)|]` after a name (the end of the template does not count).
    private func isLookahead(_ position: Int) -> Bool {
        guard position < scalars.count else { return false }
        let scalar = scalars[position]
        return "=~}/.)|".unicodeScalars.contains(scalar) || JavaScript.isWhitespace(scalar)
    }

    /// `[~}\s)]` after a literal.
    private func isLiteralLookahead(_ position: Int) -> Bool {
        guard position < scalars.count else { return false }
        let scalar = scalars[position]
        return "~})".unicodeScalars.contains(scalar) || JavaScript.isWhitespace(scalar)
    }

    private func hasPrefix(_ prefix: String, at position: Int) -> Bool {
        guard position >= 0 else { return false }
        var cursor = position
        for scalar in prefix.unicodeScalars {
            guard cursor < scalars.count, scalars[cursor] == scalar else { return false }
            cursor += 1
        }
        return true
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        var cursor = start
        while cursor < scalars.count {
            if hasPrefix(needle, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }

    /// Text outside mustaches, which may not hold a NUL character (the lexer stops at one).
    private func text(_ range: Range<Int>) throws(Failure) -> String {
        guard !scalars[range].contains("\0") else { throw .message("a template may not contain a NUL character") }
        return text(range, unchecked: ())
    }

    private func text(_ range: Range<Int>, unchecked: Void) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[range])
        return result
    }

    private mutating func advance(_ length: Int, _ token: HandlebarsToken) -> HandlebarsToken {
        index += length
        return token
    }
}
