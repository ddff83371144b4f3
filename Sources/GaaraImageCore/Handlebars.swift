/// A Handlebars template, parsed as handlebars 4.7 parses it, limited to what the action's templates need:
/// text, comments and mustaches (`{{name}}`, `{{{name}}}`, `{{helper 'arg' key='value'}}`, `~` white-space
/// control). Blocks, partials, decorators and `else` are refused with an error rather than rendered otherwise.
struct HandlebarsTemplate: Equatable {
    /// A statement of the template's body.
    enum Statement: Equatable {
        /// Text.
        case content(String)
        /// A comment; its strip flags still act on neighbouring text.
        case comment(Strip)
        /// A mustache.
        case mustache(Mustache)
    }

    /// `~` on the opening (`{{~`) and closing (`~}}`) delimiter.
    struct Strip: Equatable {
        /// `{{~`: strips the white space before.
        var open: Bool
        /// `~}}`: strips the white space after.
        var close: Bool
    }

    /// `{{path param... key=value...}}`.
    struct Mustache: Equatable {
        /// What is called or looked up.
        var path: Expression
        /// Positional arguments.
        var params: [Expression]
        /// Named arguments, in order; nil when there are none.
        var hash: [HashPair]?
        /// `{{...}}` escapes HTML; `{{{...}}}` and `{{&...}}` do not.
        var escaped: Bool
        /// White-space control.
        var strip: Strip
    }

    /// `key=value` in a mustache.
    struct HashPair: Equatable {
        /// The key.
        var key: String
        /// The value.
        var value: Expression
    }

    /// A path, a literal or a subexpression.
    indirect enum Expression: Equatable {
        /// `name`, `a.b`, `this.name`, `../name`, `@name`.
        case path(Path)
        /// `'text'`.
        case string(String)
        /// `1.5`, with the text as written.
        case number(String)
        /// `true`, `false`.
        case boolean(Bool)
        /// `undefined`.
        case undefined
        /// `null`.
        case null
        /// `(helper ...)`.
        case subexpression(Mustache)
    }

    /// A path as `preparePath` leaves it: `this` and `.` dropped, `..` counted.
    struct Path: Equatable {
        /// `@` data variable.
        var data: Bool
        /// How many `..` it climbs.
        var depth: Int
        /// The names to look up, in order.
        var parts: [String]
        /// The path as written.
        var original: String
    }

    /// The statements, in order.
    var body: [Statement]

    /// Parses a template. `unsupported` describes the first construct outside the subset; a syntax error throws.
    static func parse(_ template: String) throws(Failure) -> Result<HandlebarsTemplate, Unsupported> {
        var lexer = HandlebarsLexer(template)
        var parser = HandlebarsParser(tokens: try lexer.tokens())
        return try parser.template()
    }

    /// A construct outside the subset.
    struct Unsupported: Error, Equatable {
        /// What it is, for the message.
        var construct: String
    }

    /// `Meta.isRawStatement`: whether the template is exactly one mustache whose path is `raw` (then a
    /// prerelease keeps the pattern rather than `{{version}}`). Anything that does not parse is not.
    static func isRawStatement(_ template: String) -> Bool {
        guard case .success(let parsed)? = try? parse(template), parsed.body.count == 1, case .mustache(let mustache) = parsed.body[0],
            case .path(let path) = mustache.path
        else { return false }
        return path.parts == ["raw"]
    }

    /// The body after Handlebars' white-space control: `~` strips all white space on its side, and a comment
    /// alone on its line takes the line's indentation and line break with it.
    var strippedContent: [Statement] {
        var statements = body
        var stripped: [Int: (left: Bool, right: Bool)] = [:]
        for index in statements.indices {
            let strip: Strip
            let standalone: Bool
            switch statements[index] {
            case .content: continue
            case .comment(let flags):
                strip = flags
                standalone = true
            case .mustache(let mustache):
                strip = mustache.strip
                standalone = false
            }
            let isRoot = true
            let prevWhitespace = Self.isPreviousWhitespace(body, index, isRoot: isRoot)
            let nextWhitespace = Self.isNextWhitespace(body, index, isRoot: isRoot)
            if strip.close { Self.omitRight(&statements, index, multiple: true, &stripped) }
            if strip.open { Self.omitLeft(&statements, index, multiple: true, &stripped) }
            if standalone, prevWhitespace, nextWhitespace {
                Self.omitRight(&statements, index, multiple: false, &stripped)
                Self.omitLeft(&statements, index, multiple: false, &stripped)
            }
        }
        return statements
    }

    private static func isPreviousWhitespace(_ body: [Statement], _ index: Int, isRoot: Bool) -> Bool {
        guard index > 0 else { return isRoot }
        guard case .content(let text) = body[index - 1] else { return false }
        let sibling = index >= 2
        // `/\r?\n\s*?$/`, or at the very start `/(^|\r?\n)\s*?$/`.
        let trailing = text.unicodeScalars.reversed().prefix { JavaScript.isWhitespace($0) && $0 != "\n" }
        let beforeTrailing = text.unicodeScalars.dropLast(trailing.count)
        if beforeTrailing.last == "\n" { return true }
        return !(sibling || !isRoot) && beforeTrailing.isEmpty
    }

    private static func isNextWhitespace(_ body: [Statement], _ index: Int, isRoot: Bool) -> Bool {
        guard index + 1 < body.count else { return isRoot }
        guard case .content(let text) = body[index + 1] else { return false }
        let sibling = index + 2 < body.count
        // `/^\s*?\r?\n/`, or at the very end `/^\s*?(\r?\n|$)/`.
        let leading = text.unicodeScalars.prefix { JavaScript.isWhitespace($0) && $0 != "\n" }
        let afterLeading = text.unicodeScalars.dropFirst(leading.count)
        if afterLeading.first == "\n" { return true }
        return !(sibling || !isRoot) && afterLeading.isEmpty
    }

    /// Strips the start of the text after `index`: all white space (`multiple`) or spaces and one line break.
    private static func omitRight(_ body: inout [Statement], _ index: Int, multiple: Bool, _ stripped: inout [Int: (left: Bool, right: Bool)]) {
        let target = index + 1
        guard target < body.count, case .content(let text) = body[target], multiple || !(stripped[target]?.right ?? false) else { return }
        var scalars = Substring(text).unicodeScalars[...]
        if multiple {
            scalars = scalars.drop { JavaScript.isWhitespace($0) }
        } else {
            // `/^[ \t]*\r?\n?/`.
            scalars = scalars.drop { $0 == " " || $0 == "\t" }
            if scalars.first == "\r" { scalars = scalars.dropFirst() }
            if scalars.first == "\n" { scalars = scalars.dropFirst() }
        }
        let result = String(scalars)
        stripped[target, default: (false, false)].right = result != text
        body[target] = .content(result)
    }

    /// Strips the end of the text before `index`: all white space (`multiple`) or trailing spaces and tabs.
    private static func omitLeft(_ body: inout [Statement], _ index: Int, multiple: Bool, _ stripped: inout [Int: (left: Bool, right: Bool)]) {
        let target = index - 1
        guard target >= 0, case .content(let text) = body[target], multiple || !(stripped[target]?.left ?? false) else { return }
        var scalars = Substring(text).unicodeScalars[...]
        while let last = scalars.last, multiple ? JavaScript.isWhitespace(last) : (last == " " || last == "\t") { scalars = scalars.dropLast() }
        let result = String(scalars)
        stripped[target, default: (false, false)].left = result != text
        body[target] = .content(result)
    }
}

/// A recursive-descent reading of Handlebars' grammar (handlebars.yy) for mustache statements.
struct HandlebarsParser {
    private let tokens: [HandlebarsToken]
    private var index = 0

    /// Reads these tokens.
    init(tokens: [HandlebarsToken]) { self.tokens = tokens }

    /// `root: program EOF`.
    mutating func template() throws(Failure) -> Result<HandlebarsTemplate, HandlebarsTemplate.Unsupported> {
        var body: [HandlebarsTemplate.Statement] = []
        while true {
            switch next() {
            case .end: return .success(HandlebarsTemplate(body: body))
            case .content(let text): body.append(.content(text))
            case .comment(let text):
                let scalars = Array(text.unicodeScalars)
                let open = scalars.count > 2 && scalars[2] == "~"
                let close = scalars.count >= 3 && scalars[scalars.count - 3] == "~"
                body.append(.comment(.init(open: open, close: close)))
            case .open(let opener):
                body.append(.mustache(try mustache(opener: opener, unescaped: false)))
            case .openUnescaped(let opener):
                body.append(.mustache(try mustache(opener: opener, unescaped: true)))
            case .unsupported(let construct): return .failure(.init(construct: construct))
            case let token: throw Self.error(token)
            }
        }
    }

    /// `OPEN helperName param* hash? CLOSE`, `OPEN_UNESCAPED ... CLOSE_UNESCAPED`.
    private mutating func mustache(opener: String, unescaped: Bool) throws(Failure) -> HandlebarsTemplate.Mustache {
        let scalars = Array(opener.unicodeScalars)
        let flag = scalars.count > 3 ? scalars[3] : scalars.count > 2 ? scalars[2] : nil
        var mustache = try call()
        mustache.escaped = flag != "{" && flag != "&"
        mustache.strip.open = scalars.count > 2 && scalars[2] == "~"
        switch next() {
        case .close(let closer) where !unescaped:
            mustache.strip.close = closer.hasPrefix("~")
        case .closeUnescaped(let closer) where unescaped:
            mustache.strip.close = closer == "}~}}"
        case let token: throw Self.error(token)
        }
        return mustache
    }

    /// `helperName param* hash?`.
    private mutating func call() throws(Failure) -> HandlebarsTemplate.Mustache {
        let path = try helperName(next())
        var params: [HandlebarsTemplate.Expression] = []
        var hash: [HandlebarsTemplate.HashPair]?
        while true {
            if case .id(let key, let literal) = peek(0), case .equals = peek(1) {
                index += 2
                let name = literal ? String(key.dropFirst().dropLast()) : key
                hash = (hash ?? []) + [HandlebarsTemplate.HashPair(key: name, value: try param())]
                continue
            }
            guard hash == nil, let expression = try optionalParam() else { break }
            params.append(expression)
        }
        return HandlebarsTemplate.Mustache(path: path, params: params, hash: hash, escaped: true, strip: .init(open: false, close: false))
    }

    private mutating func param() throws(Failure) -> HandlebarsTemplate.Expression {
        guard let expression = try optionalParam() else { throw Self.error(peek(0)) }
        return expression
    }

    /// `helperName | sexpr`, or nil when the next token starts neither.
    private mutating func optionalParam() throws(Failure) -> HandlebarsTemplate.Expression? {
        switch peek(0) {
        case .openSubexpression:
            index += 1
            let inner = try call()
            guard case .closeSubexpression = next() else { throw Self.error(tokens[index - 1]) }
            return .subexpression(inner)
        case .id, .data, .string, .number, .boolean, .undefined, .null:
            return try helperName(next())
        default:
            return nil
        }
    }

    /// `path | dataName | STRING | NUMBER | BOOLEAN | UNDEFINED | NULL`.
    private mutating func helperName(_ token: HandlebarsToken) throws(Failure) -> HandlebarsTemplate.Expression {
        switch token {
        case .string(let value): return .string(value)
        case .number(let text): return .number(text)
        case .boolean(let value): return .boolean(value)
        case .undefined: return .undefined
        case .null: return .null
        case .data:
            guard case .id(let name, let literal) = next() else { throw Self.error(tokens[index - 1]) }
            return .path(try path(first: (name, literal), data: true))
        case .id(let name, let literal): return .path(try path(first: (name, literal), data: false))
        default: throw Self.error(token)
        }
    }

    /// `pathSegments: ID (SEP ID)*`, then `preparePath`.
    private mutating func path(first: (String, Bool), data: Bool) throws(Failure) -> HandlebarsTemplate.Path {
        var segments: [(part: String, original: String, separator: String)] = [(Self.part(first.0, first.1), first.0, "")]
        while case .separator(let separator) = peek(0) {
            index += 1
            guard case .id(let name, let literal) = next() else { throw Self.error(tokens[index - 1]) }
            segments.append((Self.part(name, literal), name, separator))
        }
        var original = data ? "@" : ""
        var parts: [String] = []
        var depth = 0
        for segment in segments {
            original += segment.separator + segment.part
            let isLiteral = segment.original != segment.part
            if !isLiteral, segment.part == ".." || segment.part == "." || segment.part == "this" {
                guard parts.isEmpty else { throw .message("Invalid path: \(original)") }
                if segment.part == ".." { depth += 1 }
            } else {
                parts.append(segment.part)
            }
        }
        return HandlebarsTemplate.Path(data: data, depth: depth, parts: parts, original: original)
    }

    /// `yy.id`: a `[segment]` without its brackets.
    private static func part(_ name: String, _ literal: Bool) -> String {
        literal ? String(name.dropFirst().dropLast()) : name
    }

    private mutating func next() -> HandlebarsToken {
        let token = peek(0)
        index += 1
        return token
    }

    private func peek(_ offset: Int) -> HandlebarsToken {
        index + offset < tokens.count ? tokens[index + offset] : .end
    }

    private static func error(_ token: HandlebarsToken) -> Failure {
        .message("Handlebars parse error: unexpected \(describe(token))")
    }

    private static func describe(_ token: HandlebarsToken) -> String {
        switch token {
        case .end: "end of template"
        case .content(let text): "text '\(text)'"
        case .comment: "comment"
        case .open(let text), .openUnescaped(let text), .close(let text), .closeUnescaped(let text): "'\(text)'"
        case .openSubexpression: "'('"
        case .closeSubexpression: "')'"
        case .id(let name, _): "'\(name)'"
        case .separator(let text): "'\(text)'"
        case .equals: "'='"
        case .data: "'@'"
        case .string(let text): "string '\(text)'"
        case .number(let text): "number \(text)"
        case .boolean(let value): "\(value)"
        case .undefined: "undefined"
        case .null: "null"
        case .unsupported(let construct): construct
        case .invalid(let text): "'\(text)'"
        }
    }
}
