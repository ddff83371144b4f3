import GaaraExpressions

/// Shared state and helpers of a decode: the file, the diagnostics found so far, and what the
/// current job allows (whether it has a matrix).
struct DecodingSession {
    let file: SourceFile
    var diagnostics: [Diagnostic] = []
    /// Whether the job being decoded has `strategy.matrix` (for the `matrix` context check).
    var jobHasMatrix = true
    /// The kind of document, for messages ("workflow" or "action").
    var documentKind = "workflow"

    init(file: SourceFile) {
        self.file = file
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    /// Reports a key that is not allowed, suggesting the closest allowed one.
    mutating func unknownKey(_ key: YAMLNode, allowed: [String], in owner: String) {
        let name = key.scalarText ?? key.kindDescription
        error("unknown key '\(name)' in \(owner)\(Suggestion.hint(for: name, in: allowed))", at: key.location)
    }

    /// The mapping entries of `node`; reports an error and returns nil for other kinds. Null reads as empty when `allowNull`.
    mutating func mapping(_ node: YAMLNode, _ what: String, allowNull: Bool = false) -> [YAMLNode.Pair]? {
        if let pairs = node.pairs { return pairs }
        if allowNull, node.scalarType == .null { return [] }
        error("\(what) must be a mapping, found \(node.kindDescription)", at: node.location)
        return nil
    }

    /// The key of a pair as text; non-scalar keys are reported.
    mutating func keyText(_ pair: YAMLNode.Pair, in owner: String) -> String? {
        guard let text = pair.key.scalarText else {
            error("keys in \(owner) must be strings, found \(pair.key.kindDescription)", at: pair.key.location)
            return nil
        }
        return text
    }

    /// A scalar's text (numbers and booleans as written); reports collections.
    mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let text = node.scalarText else {
            error("\(what) must be a string, found \(node.kindDescription)", at: node.location)
            return nil
        }
        return text
    }

    /// A string or a sequence of strings, each with its location.
    mutating func stringList(_ node: YAMLNode, _ what: String) -> [(String, SourceLocation)]? {
        if let items = node.items {
            var result: [(String, SourceLocation)] = []
            for item in items {
                if let text = string(item, "each item of \(what)") { result.append((text, item.location)) }
            }
            return result
        }
        if let text = node.scalarText { return [(text, node.location)] }
        error("\(what) must be a string or a sequence of strings, found \(node.kindDescription)", at: node.location)
        return nil
    }

    /// A boolean; reports other values.
    mutating func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        if case .bool(let value) = node.scalarType { return value }
        error("\(what) must be true or false, found \(node.kindDescription)", at: node.location)
        return nil
    }

    /// A string that may hold expressions, checked against the contexts of `place`.
    mutating func template(_ node: YAMLNode, _ what: String, place: ExpressionPlace?) -> WorkflowString? {
        guard let text = node.scalarText, let style = node.scalarStyle else {
            error("\(what) must be a string, found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard let place else {
            return WorkflowString(literal: text, location: node.location)
        }
        do {
            let template = try Template.parse(text)
            for expression in template.expressions {
                let file = self.file
                check(expression.syntax, place: place) { offset in
                    file.location(ofOffset: expression.offset + offset, inValue: text, startingAt: node.location, style: style)
                }
            }
            return WorkflowString(raw: text, template: template, location: node.location)
        } catch {
            let location = file.location(ofOffset: error.offset, inValue: text, startingAt: node.location, style: style)
            self.error("invalid expression: \(error.message)", at: location)
            return nil
        }
    }

    /// A value that is either literal (decoded by `literal`) or a whole-value `${{ }}` expression.
    mutating func dynamic<Value>(
        _ node: YAMLNode, _ what: String, place: ExpressionPlace, literal: (inout DecodingSession, YAMLNode) -> Value?
    ) -> Dynamic<Value>? {
        if case .string(let text) = node.scalarType, text.contains("${{") {
            guard let value = template(node, what, place: place) else { return nil }
            if value.template.soleExpression == nil {
                error("\(what) must be a single '${{ }}' expression or a literal value", at: node.location)
                return nil
            }
            return .expression(value)
        }
        return literal(&self, node).map { .value($0) }
    }

    /// A boolean or an expression.
    mutating func dynamicBool(_ node: YAMLNode, _ what: String, place: ExpressionPlace) -> Dynamic<Bool>? {
        dynamic(node, what, place: place) { session, node in session.bool(node, what) }
    }

    /// A number or an expression.
    mutating func dynamicNumber(_ node: YAMLNode, _ what: String, place: ExpressionPlace) -> Dynamic<Double>? {
        dynamic(node, what, place: place) { session, node in
            switch node.scalarType {
            case .int(let value): return Double(value)
            case .float(let value): return value
            default:
                session.error("\(what) must be a number, found \(node.kindDescription)", at: node.location)
                return nil
            }
        }
    }

    /// A mapping of names to strings (numbers and booleans taken as written), or one expression.
    mutating func valueMap(_ node: YAMLNode, _ what: String, place: ExpressionPlace?) -> ValueMap {
        if let place, case .string(let text) = node.scalarType, text.contains("${{") {
            if let value = template(node, what, place: place), value.template.soleExpression != nil {
                return ValueMap(expression: value)
            }
            error("\(what) must be a mapping or a single '${{ }}' expression", at: node.location)
            return ValueMap()
        }
        guard let pairs = mapping(node, what, allowNull: true) else { return ValueMap() }
        var entries: [NamedValue] = []
        for pair in pairs {
            guard let name = keyText(pair, in: what) else { continue }
            if pair.value.scalarText == nil {
                error("the value of '\(name)' in \(what) must be a string, found \(pair.value.kindDescription)", at: pair.value.location)
                continue
            }
            if let value = template(pair.value, "'\(name)'", place: place) {
                entries.append(NamedValue(name: name, nameLocation: pair.key.location, value: value))
            }
        }
        return ValueMap(entries: entries)
    }

    /// An `if:` condition: a bare expression, one wrapped in `${{ }}`, or a template string.
    mutating func condition(_ node: YAMLNode, place: ExpressionPlace) -> Condition? {
        guard let text = node.scalarText, let style = node.scalarStyle else {
            error("'if' must be a string, found \(node.kindDescription)", at: node.location)
            return nil
        }
        if text.contains("${{") {
            guard let value = template(node, "'if'", place: place) else { return nil }
            if let sole = value.template.soleExpression {
                return Condition(raw: text, form: .expression(sole), location: node.location)
            }
            warning(
                "this condition mixes text and '${{ }}', so it is a string and always true when non-empty; write the whole condition as one expression",
                at: node.location)
            return Condition(raw: text, form: .template(value.template), location: node.location)
        }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            return Condition(raw: text, form: .expression(try! ExpressionParser.parse("success()")), location: node.location)
        }
        do {
            let syntax = try ExpressionParser.parse(text)
            let file = self.file
            check(syntax, place: place) { offset in
                file.location(ofOffset: offset, inValue: text, startingAt: node.location, style: style)
            }
            return Condition(raw: text, form: .expression(syntax), location: node.location)
        } catch {
            let location = file.location(ofOffset: error.offset, inValue: text, startingAt: node.location, style: style)
            self.error("invalid expression: \(error.message)", at: location)
            return nil
        }
    }

    /// Checks which contexts and functions an expression uses against what `place` allows.
    mutating func check(_ syntax: ExpressionSyntax, place: ExpressionPlace, locate: (Int) -> SourceLocation) {
        for reference in syntax.contextReferences {
            let name = reference.name.lowercased()
            if !ExpressionPlace.knownContexts.contains(name) {
                let hint = Suggestion.hint(for: reference.name, in: ExpressionPlace.knownContexts.sorted())
                error("unrecognized named-value '\(reference.name)'\(hint)", at: locate(reference.offset))
            } else if !place.contexts.contains(name) {
                let available = place.contexts.sorted().joined(separator: ", ")
                error("context '\(name)' is not available in \(place.name); available: \(available)", at: locate(reference.offset))
            } else if name == "matrix", !jobHasMatrix {
                warning("context 'matrix' is empty in a job without strategy.matrix, so this reads null", at: locate(reference.offset))
            }
        }
        for call in syntax.functionCalls {
            if call.function.isStatusFunction, !place.allowsStatusFunctions {
                error("\(call.function.rawValue)() is only available in 'if' conditions", at: locate(call.offset))
            } else if call.function == .hashFiles, !place.allowsHashFiles {
                error("hashFiles() is not available in \(place.name); it is available in steps", at: locate(call.offset))
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> Substring {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[start...end])
    }
}
