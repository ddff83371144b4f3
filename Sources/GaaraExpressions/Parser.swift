/// Parses expression text into an ``ExpressionSyntax`` tree.
///
/// Precedence, from loosest to tightest: `||`, `&&`, `== !=`, `< <= > >=`, `!`, then property
/// access, indexing and calls. Function names are case-insensitive; unknown functions and wrong
/// argument counts are syntax errors, as they are on GitHub. Context names are not checked here:
/// which contexts a place allows is the workflow validator's business.
public enum ExpressionParser {
    /// GitHub's limit on the length of one expression.
    public static let maximumLength = 21_000
    /// GitHub's limit on nesting depth.
    public static let maximumDepth = 50

    /// Parses `text` (the part between `${{` and `}}`, or a bare `if` condition).
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        let length = text.unicodeScalars.count
        if length > maximumLength {
            throw ExpressionSyntaxError(message: "exceeded max expression length \(maximumLength)", offset: 0)
        }
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while let token = lexer.next() {
            if token.kind == .unexpected {
                throw ExpressionSyntaxError(message: unexpectedMessage(token), offset: token.offset)
            }
            tokens.append(token)
        }
        var state = ParserState(tokens: tokens, endOffset: length)
        guard !tokens.isEmpty else {
            throw ExpressionSyntaxError(message: "expected an expression", offset: 0)
        }
        let node = try state.parseOr(depth: 0)
        if let extra = state.peek {
            throw ExpressionSyntaxError(message: unexpectedMessage(extra), offset: extra.offset)
        }
        return node
    }

    static func unexpectedMessage(_ token: Token) -> String {
        switch token.raw {
        case "=": return "unexpected symbol '=' (did you mean '=='?)"
        case "&": return "unexpected symbol '&' (did you mean '&&'?)"
        case "|": return "unexpected symbol '|' (did you mean '||'?)"
        default:
            if token.raw.hasPrefix("\"") { return "unexpected symbol '\(token.raw)' (strings use single quotes)" }
            if token.raw.hasPrefix("'") { return "unterminated string \(token.raw)" }
            return "unexpected symbol '\(token.raw)'"
        }
    }
}

private struct ParserState {
    let tokens: [Token]
    let endOffset: Int
    var position = 0

    init(tokens: [Token], endOffset: Int) {
        self.tokens = tokens
        self.endOffset = endOffset
    }

    var peek: Token? { position < tokens.count ? tokens[position] : nil }

    mutating func advance() -> Token? {
        defer { position += 1 }
        return peek
    }

    func endError() -> ExpressionSyntaxError {
        ExpressionSyntaxError(message: "unexpected end of expression", offset: endOffset)
    }

    func unexpected(_ token: Token) -> ExpressionSyntaxError {
        ExpressionSyntaxError(message: ExpressionParser.unexpectedMessage(token), offset: token.offset)
    }

    func checkDepth(_ depth: Int, at offset: Int) throws(ExpressionSyntaxError) {
        if depth > ExpressionParser.maximumDepth {
            throw ExpressionSyntaxError(message: "exceeded max expression depth \(ExpressionParser.maximumDepth)", offset: offset)
        }
    }

    mutating func parseOr(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        var left = try parseAnd(depth: depth)
        while let token = peek, token.kind == .or {
            position += 1
            let right = try parseAnd(depth: depth + 1)
            left = ExpressionSyntax(.or(left, right), offset: left.offset)
        }
        return left
    }

    mutating func parseAnd(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        var left = try parseEquality(depth: depth)
        while let token = peek, token.kind == .and {
            position += 1
            let right = try parseEquality(depth: depth + 1)
            left = ExpressionSyntax(.and(left, right), offset: left.offset)
        }
        return left
    }

    mutating func parseEquality(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        var left = try parseComparison(depth: depth)
        while let token = peek {
            let op: ExpressionSyntax.Comparison
            switch token.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default: return left
            }
            position += 1
            let right = try parseComparison(depth: depth + 1)
            left = ExpressionSyntax(.comparison(op, left, right), offset: left.offset)
        }
        return left
    }

    mutating func parseComparison(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        var left = try parseUnary(depth: depth)
        while let token = peek {
            let op: ExpressionSyntax.Comparison
            switch token.kind {
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            default: return left
            }
            position += 1
            let right = try parseUnary(depth: depth + 1)
            left = ExpressionSyntax(.comparison(op, left, right), offset: left.offset)
        }
        return left
    }

    mutating func parseUnary(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        guard let token = peek else { throw endError() }
        try checkDepth(depth, at: token.offset)
        if token.kind == .not {
            position += 1
            let operand = try parseUnary(depth: depth + 1)
            return ExpressionSyntax(.not(operand), offset: token.offset)
        }
        return try parsePostfix(depth: depth)
    }

    mutating func parsePostfix(depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        guard let token = advance() else { throw endError() }
        var node: ExpressionSyntax
        var accessible = true
        switch token.kind {
        case .null:
            node = ExpressionSyntax(.literal(.null), offset: token.offset)
            accessible = false
        case .boolean(let value):
            node = ExpressionSyntax(.literal(.bool(value)), offset: token.offset)
            accessible = false
        case .number(let value):
            node = ExpressionSyntax(.literal(.number(value)), offset: token.offset)
            accessible = false
        case .string(let value):
            node = ExpressionSyntax(.literal(.string(value)), offset: token.offset)
            accessible = false
        case .identifier(let name):
            if let next = peek, next.kind == .startGroup {
                node = try parseCall(name: name, token: token, depth: depth)
            } else {
                node = ExpressionSyntax(.context(name), offset: token.offset)
            }
        case .startGroup:
            let inner = try parseOr(depth: depth + 1)
            guard let close = advance() else { throw endError() }
            guard close.kind == .endGroup else { throw unexpected(close) }
            node = inner
        default:
            throw unexpected(token)
        }
        while let next = peek {
            switch next.kind {
            case .dereference:
                guard accessible else { throw unexpected(next) }
                position += 1
                guard let name = advance() else { throw endError() }
                switch name.kind {
                case .propertyName(let property): node = ExpressionSyntax(.property(node, property), offset: node.offset)
                case .wildcard: node = ExpressionSyntax(.wildcard(node), offset: node.offset)
                default: throw unexpected(name)
                }
            case .startIndex:
                guard accessible else { throw unexpected(next) }
                position += 1
                if let star = peek, star.kind == .wildcard {
                    position += 1
                    node = ExpressionSyntax(.wildcard(node), offset: node.offset)
                } else {
                    let index = try parseOr(depth: depth + 1)
                    node = ExpressionSyntax(.index(node, index), offset: node.offset)
                }
                guard let close = advance() else { throw endError() }
                guard close.kind == .endIndex else { throw unexpected(close) }
            default:
                return node
            }
        }
        return node
    }

    mutating func parseCall(name: String, token: Token, depth: Int) throws(ExpressionSyntaxError) -> ExpressionSyntax {
        guard let function = ExpressionFunction(name: name) else {
            throw ExpressionSyntaxError(message: "unrecognized function '\(name)'", offset: token.offset)
        }
        position += 1  // "("
        var arguments: [ExpressionSyntax] = []
        if let close = peek, close.kind == .endGroup {
            position += 1
        } else {
            while true {
                arguments.append(try parseOr(depth: depth + 1))
                guard let next = advance() else { throw endError() }
                if next.kind == .endGroup { break }
                guard next.kind == .separator else { throw unexpected(next) }
            }
        }
        if arguments.count < function.arity.lowerBound {
            throw ExpressionSyntaxError(message: "too few arguments for \(function.rawValue)()", offset: token.offset)
        }
        if arguments.count > function.arity.upperBound {
            throw ExpressionSyntaxError(message: "too many arguments for \(function.rawValue)()", offset: token.offset)
        }
        return ExpressionSyntax(.call(function, arguments), offset: token.offset)
    }
}
