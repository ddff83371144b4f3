/// A parsed expression: a tree of nodes, each with its offset in the expression text.
public struct ExpressionSyntax: Sendable {
    /// Binary comparison operators.
    public enum Comparison: String, Sendable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    /// The shape of a node.
    public indirect enum Kind: Sendable {
        /// A literal value.
        case literal(ExpressionValue)
        /// A context name such as `github` or `matrix`.
        case context(String)
        /// `base.name`.
        case property(ExpressionSyntax, String)
        /// `base[index]`.
        case index(ExpressionSyntax, ExpressionSyntax)
        /// `base.*` or `base[*]`.
        case wildcard(ExpressionSyntax)
        /// `!operand`.
        case not(ExpressionSyntax)
        /// `left OP right`.
        case comparison(Comparison, ExpressionSyntax, ExpressionSyntax)
        /// `left && right`, returning the first falsy operand or the last one.
        case and(ExpressionSyntax, ExpressionSyntax)
        /// `left || right`, returning the first truthy operand or the last one.
        case or(ExpressionSyntax, ExpressionSyntax)
        /// A call of a known function.
        case call(ExpressionFunction, [ExpressionSyntax])
    }

    /// What this node is.
    public let kind: Kind
    /// Zero-based offset of the node's first character in the expression, in Unicode scalars.
    public let offset: Int

    /// Creates a node.
    public init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}

extension ExpressionSyntax {
    /// Calls `visit` on this node and every node below it, depth first.
    public func walk(_ visit: (ExpressionSyntax) -> Void) {
        visit(self)
        switch kind {
        case .literal, .context: break
        case .property(let base, _), .wildcard(let base), .not(let base): base.walk(visit)
        case .index(let base, let index):
            base.walk(visit)
            index.walk(visit)
        case .comparison(_, let left, let right), .and(let left, let right), .or(let left, let right):
            left.walk(visit)
            right.walk(visit)
        case .call(_, let arguments):
            for argument in arguments { argument.walk(visit) }
        }
    }

    /// Every context name the expression reads, with its offset.
    public var contextReferences: [(name: String, offset: Int)] {
        var result: [(String, Int)] = []
        walk { node in
            if case .context(let name) = node.kind { result.append((name, node.offset)) }
        }
        return result
    }

    /// Every function the expression calls, with its offset.
    public var functionCalls: [(function: ExpressionFunction, offset: Int)] {
        var result: [(ExpressionFunction, Int)] = []
        walk { node in
            if case .call(let function, _) = node.kind { result.append((function, node.offset)) }
        }
        return result
    }

    /// True when the expression calls `success()`, `failure()`, `cancelled()` or `always()`.
    public var callsStatusFunction: Bool {
        functionCalls.contains { $0.function.isStatusFunction }
    }
}
