/// The built-in functions of the expression language.
enum BuiltinFunctions {
    static func call(_ function: ExpressionFunction, _ arguments: [ExpressionSyntax], _ context: EvaluationContext) throws(ExpressionEvaluationError)
        -> ExpressionValue
    {
        func argument(_ position: Int) throws(ExpressionEvaluationError) -> ExpressionValue {
            try ExpressionEvaluator.evaluate(arguments[position], in: context)
        }
        switch function {
        case .success: return .bool(context.status == .success)
        case .failure: return .bool(context.status == .failure)
        case .cancelled: return .bool(context.status == .cancelled)
        case .always: return .bool(true)
        case .contains: return .bool(contains(try argument(0), try argument(1)))
        case .startsWith:
            let (text, prefix) = (try argument(0), try argument(1))
            guard text.isPrimitive, prefix.isPrimitive else { return .bool(false) }
            return .bool(hasPrefixIgnoringCase(text.coercedString, prefix.coercedString))
        case .endsWith:
            let (text, suffix) = (try argument(0), try argument(1))
            guard text.isPrimitive, suffix.isPrimitive else { return .bool(false) }
            return .bool(hasSuffixIgnoringCase(text.coercedString, suffix.coercedString))
        case .format:
            let template = try argument(0).coercedString
            var values: [ExpressionValue] = []
            for position in 1..<arguments.count { values.append(try argument(position)) }
            return .string(try format(template, values))
        case .join:
            let items = try argument(0)
            var separator = ","
            if arguments.count > 1 {
                let value = try argument(1)
                if value.isPrimitive { separator = value.coercedString }
            }
            switch items {
            case .array(let array):
                return .string(array.elements.map { $0.isPrimitive ? $0.coercedString : "" }.joined(separator: separator))
            default:
                return .string(items.isPrimitive ? items.coercedString : "")
            }
        case .toJSON:
            return .string(ExpressionJSON.serialize(try argument(0)))
        case .fromJSON:
            let text = try argument(0).coercedString
            if text.trimmingWhitespace().isEmpty { throw ExpressionEvaluationError("fromJSON: empty input is not JSON") }
            do {
                return try ExpressionJSON.parse(text)
            } catch {
                throw ExpressionEvaluationError("fromJSON: \(error.message)")
            }
        case .hashFiles:
            var patterns: [String] = []
            for position in 0..<arguments.count { patterns.append(try argument(position).coercedString) }
            guard let hasher = context.fileHasher else {
                throw ExpressionEvaluationError("hashFiles() is not available here")
            }
            do {
                return .string(try hasher.hashFiles(patterns))
            } catch let error as ExpressionEvaluationError {
                throw error
            } catch {
                throw ExpressionEvaluationError("hashFiles: \(error)")
            }
        }
    }

    /// `contains`: element membership (loose equality) for arrays, case-insensitive substring for primitives.
    static func contains(_ search: ExpressionValue, _ item: ExpressionValue) -> Bool {
        switch search {
        case .array(let array): return array.elements.contains { $0.looselyEquals(item) }
        case .object: return false
        default:
            guard item.isPrimitive else { return false }
            let needle = item.coercedString.uppercased()
            if needle.isEmpty { return true }
            return search.coercedString.uppercased().contains(needle)
        }
    }

    static func hasPrefixIgnoringCase(_ text: String, _ prefix: String) -> Bool {
        text.uppercased().utf16.starts(with: prefix.uppercased().utf16)
    }

    static func hasSuffixIgnoringCase(_ text: String, _ suffix: String) -> Bool {
        text.uppercased().utf16.reversed().starts(with: suffix.uppercased().utf16.reversed())
    }

    /// `format`: `{N}` placeholders, `{{` and `}}` escapes; a bad placeholder or index is an error.
    static func format(_ template: String, _ values: [ExpressionValue]) throws(ExpressionEvaluationError) -> String {
        let characters = Array(template.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        func invalid() -> ExpressionEvaluationError {
            ExpressionEvaluationError("the format string is invalid: \(template)")
        }
        while index < characters.count {
            let character = characters[index]
            if character == "{" {
                if index + 1 < characters.count, characters[index + 1] == "{" {
                    output.append("{")
                    index += 2
                    continue
                }
                var cursor = index + 1
                var digits = ""
                while cursor < characters.count, ("0"..."9").contains(characters[cursor]) {
                    digits.unicodeScalars.append(characters[cursor])
                    cursor += 1
                }
                guard !digits.isEmpty, cursor < characters.count, characters[cursor] == "}", let argument = UInt8(digits) else {
                    throw invalid()
                }
                guard Int(argument) < values.count else {
                    throw ExpressionEvaluationError(
                        "the format string references argument {\(argument)} but only \(values.count) were given: \(template)")
                }
                output.append(contentsOf: values[Int(argument)].coercedString.unicodeScalars)
                index = cursor + 1
            } else if character == "}" {
                guard index + 1 < characters.count, characters[index + 1] == "}" else { throw invalid() }
                output.append("}")
                index += 2
            } else {
                output.append(character)
                index += 1
            }
        }
        return String(output)
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
