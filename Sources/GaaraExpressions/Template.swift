/// A string value that may hold `${{ expression }}` parts.
public struct Template: Sendable {
    /// One piece of a template.
    public enum Segment: Sendable {
        /// Text copied as is.
        case literal(String)
        /// An embedded expression; `offset` is where its text starts in the template (after `${{`
        /// and any spaces), in Unicode scalars.
        case expression(ExpressionSyntax, text: String, offset: Int)
    }

    /// The pieces in order.
    public let segments: [Segment]

    /// A template holding only literal text (no `${{` is interpreted).
    public init(literal text: String) {
        segments = text.isEmpty ? [] : [.literal(text)]
    }

    init(segments: [Segment]) {
        self.segments = segments
    }

    /// True when the template holds at least one expression.
    public var hasExpressions: Bool {
        segments.contains { if case .expression = $0 { true } else { false } }
    }

    /// The literal text of the template (the whole text when it holds no expression).
    public var literalText: String {
        var text = ""
        for case .literal(let part) in segments { text += part }
        return text
    }

    /// The expression when the whole template is exactly one `${{ }}` (its value keeps its type).
    public var soleExpression: ExpressionSyntax? {
        if segments.count == 1, case .expression(let syntax, _, _) = segments[0] { return syntax }
        return nil
    }

    /// Every expression with the offset of its text.
    public var expressions: [(syntax: ExpressionSyntax, text: String, offset: Int)] {
        segments.compactMap {
            if case .expression(let syntax, let text, let offset) = $0 { return (syntax, text, offset) }
            return nil
        }
    }

    /// Splits `text` into literal and expression segments. Errors carry the offset in `text`.
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> Template {
        guard text.contains("${{") else { return Template(segments: text.isEmpty ? [] : [.literal(text)]) }
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 2 < scalars.count, scalars[index + 1] == "{", scalars[index + 2] == "{" {
                let open = index
                var cursor = index + 3
                var inString = false
                var close: Int?
                while cursor < scalars.count {
                    let scalar = scalars[cursor]
                    if scalar == "'" {
                        inString.toggle()
                    } else if !inString, scalar == "}", cursor + 1 < scalars.count, scalars[cursor + 1] == "}" {
                        close = cursor
                        break
                    }
                    cursor += 1
                }
                guard let close else {
                    throw ExpressionSyntaxError(message: "the expression is not closed: '}}' is missing", offset: open)
                }
                var start = open + 3
                while start < close, scalars[start].properties.isWhitespace { start += 1 }
                var end = close
                while end > start, scalars[end - 1].properties.isWhitespace { end -= 1 }
                let inner = String(String.UnicodeScalarView(scalars[start..<end]))
                if !literal.isEmpty {
                    segments.append(.literal(String(literal)))
                    literal = String.UnicodeScalarView()
                }
                if inner.isEmpty {
                    throw ExpressionSyntaxError(message: "empty expression: '${{ }}' needs an expression inside", offset: open)
                }
                do {
                    let syntax = try ExpressionParser.parse(inner)
                    segments.append(.expression(syntax, text: inner, offset: start))
                } catch {
                    throw ExpressionSyntaxError(message: error.message, offset: start + error.offset)
                }
                index = close + 2
            } else {
                literal.append(scalars[index])
                index += 1
            }
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        return Template(segments: segments)
    }

    /// Evaluates the template: the sole expression's value as is, otherwise the concatenated string.
    public func evaluate(in context: EvaluationContext) throws(ExpressionEvaluationError) -> ExpressionValue {
        if let sole = soleExpression { return try ExpressionEvaluator.evaluate(sole, in: context) }
        return .string(try evaluateString(in: context))
    }

    /// Evaluates the template to a string.
    public func evaluateString(in context: EvaluationContext) throws(ExpressionEvaluationError) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .literal(let text): output += text
            case .expression(let syntax, _, _): output += try ExpressionEvaluator.evaluate(syntax, in: context).coercedString
            }
        }
        return output
    }
}
