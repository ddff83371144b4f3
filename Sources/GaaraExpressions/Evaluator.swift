/// Evaluates parsed expressions against an ``EvaluationContext``.
public enum ExpressionEvaluator {
    /// Evaluates `syntax` and returns its value.
    public static func evaluate(_ syntax: ExpressionSyntax, in context: EvaluationContext) throws(ExpressionEvaluationError) -> ExpressionValue {
        try evaluateNode(syntax, context).value
    }

    /// Evaluates an `if` condition: when it calls no status function it is read as
    /// `success() && (condition)`, as GitHub does.
    public static func evaluateCondition(_ syntax: ExpressionSyntax, in context: EvaluationContext) throws(ExpressionEvaluationError) -> Bool {
        if !syntax.callsStatusFunction, context.status != .success { return false }
        return try evaluate(syntax, in: context).isTruthy
    }

    /// Parses and evaluates expression text.
    public static func evaluate(_ text: String, in context: EvaluationContext) throws -> ExpressionValue {
        try evaluate(try ExpressionParser.parse(text), in: context)
    }

    /// A value, or the result of a `*` filter, which later property accesses apply to element-wise.
    enum Intermediate {
        case plain(ExpressionValue)
        case filtered([ExpressionValue])

        var value: ExpressionValue {
            switch self {
            case .plain(let value): value
            case .filtered(let elements): .array(elements)
            }
        }
    }

    static func evaluateNode(_ node: ExpressionSyntax, _ context: EvaluationContext) throws(ExpressionEvaluationError) -> Intermediate {
        switch node.kind {
        case .literal(let value):
            return .plain(value)
        case .context(let name):
            return .plain(context[context: name] ?? .null)
        case .property(let base, let name):
            return access(try evaluateNode(base, context), key: .string(name))
        case .index(let base, let indexNode):
            let base = try evaluateNode(base, context)
            return access(base, key: try evaluate(indexNode, in: context))
        case .wildcard(let base):
            return access(try evaluateNode(base, context), key: nil)
        case .not(let operand):
            return .plain(.bool(!(try evaluate(operand, in: context).isTruthy)))
        case .comparison(let op, let leftNode, let rightNode):
            let left = try evaluate(leftNode, in: context)
            let right = try evaluate(rightNode, in: context)
            return .plain(.bool(compare(op, left, right)))
        case .and(let leftNode, let rightNode):
            let left = try evaluateNode(leftNode, context)
            if !left.value.isTruthy { return left }
            return try evaluateNode(rightNode, context)
        case .or(let leftNode, let rightNode):
            let left = try evaluateNode(leftNode, context)
            if left.value.isTruthy { return left }
            return try evaluateNode(rightNode, context)
        case .call(let function, let arguments):
            return .plain(try BuiltinFunctions.call(function, arguments, context))
        }
    }

    static func compare(_ op: ExpressionSyntax.Comparison, _ left: ExpressionValue, _ right: ExpressionValue) -> Bool {
        switch op {
        case .equal: return left.looselyEquals(right)
        case .notEqual: return !left.looselyEquals(right)
        case .less: return left.compare(right).map { $0 < 0 } ?? false
        case .greater: return left.compare(right).map { $0 > 0 } ?? false
        case .lessOrEqual: return left.looselyEquals(right) || (left.compare(right).map { $0 < 0 } ?? false)
        case .greaterOrEqual: return left.looselyEquals(right) || (left.compare(right).map { $0 > 0 } ?? false)
        }
    }

    /// Applies a property, index or wildcard (`key == nil`) to a value, element-wise on filtered arrays.
    static func access(_ base: Intermediate, key: ExpressionValue?) -> Intermediate {
        switch base {
        case .filtered(let items):
            var result: [ExpressionValue] = []
            for item in items {
                switch item {
                case .object(let object):
                    if let key {
                        if key.isPrimitive, let value = object[key.coercedString] { result.append(value) }
                    } else {
                        result.append(contentsOf: object.values)
                    }
                case .array(let array):
                    if let key {
                        if let position = integerIndex(key), position < array.elements.count { result.append(array.elements[position]) }
                    } else {
                        result.append(contentsOf: array.elements)
                    }
                default: break
                }
            }
            return .filtered(result)
        case .plain(let value):
            switch value {
            case .object(let object):
                guard let key else { return .filtered(object.values) }
                guard key.isPrimitive else { return .plain(.null) }
                return .plain(object[key.coercedString] ?? .null)
            case .array(let array):
                guard let key else { return .filtered(array.elements) }
                if let position = integerIndex(key), position < array.elements.count { return .plain(array.elements[position]) }
                return .plain(.null)
            default:
                return key == nil ? .filtered([]) : .plain(.null)
            }
        }
    }

    /// An array index: the number value floored, when it is non-negative and finite.
    static func integerIndex(_ key: ExpressionValue) -> Int? {
        let number = key.numberValue
        guard !number.isNaN, number >= 0 else { return nil }
        let floored = number.rounded(.down)
        guard floored <= Double(Int32.max) else { return nil }
        return Int(floored)
    }
}
