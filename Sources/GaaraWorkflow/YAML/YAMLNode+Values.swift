import GaaraExpressions

extension YAMLNode {
    /// The node as an expression value, scalars typed by the core schema and strings kept as written.
    public var literalValue: ExpressionValue {
        switch content {
        case .scalar:
            switch scalarType {
            case .null, nil: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .number(Double(value))
            case .float(let value): return .number(value)
            case .string(let text): return .string(text)
            }
        case .sequence(let items): return .array(items.map(\.literalValue))
        case .mapping(let pairs): return .object(pairs.map { ($0.key.scalarText ?? "", $0.value.literalValue) })
        }
    }

    /// Evaluates the node: every string is a template; a string that is exactly one expression
    /// keeps the expression's value (so `${{ fromJSON(...) }}` can produce arrays and objects).
    public func evaluate(in context: EvaluationContext) throws -> ExpressionValue {
        switch content {
        case .scalar:
            if case .string(let text) = scalarType, text.contains("${{") {
                return try Template.parse(text).evaluate(in: context)
            }
            return literalValue
        case .sequence(let items): return .array(try items.map { try $0.evaluate(in: context) })
        case .mapping(let pairs): return .object(try pairs.map { ($0.key.scalarText ?? "", try $0.value.evaluate(in: context)) })
        }
    }
}
