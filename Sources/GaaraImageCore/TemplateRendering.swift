/// A value a template sees, as JavaScript has it: the action hands Handlebars objects of strings, numbers,
/// arrays and functions (`{{branch}}` calls one).
enum TemplateValue: Sendable {
    /// `undefined`.
    case undefined
    /// `null`.
    case null
    /// A string.
    case string(String)
    /// A number.
    case number(Double)
    /// A boolean.
    case boolean(Bool)
    /// An array.
    case array([TemplateValue])
    /// A plain object: its own properties.
    case object([String: TemplateValue])
    /// A function of the action's.
    case function(TemplateFunction)

    /// JavaScript truthiness.
    var isTruthy: Bool {
        switch self {
        case .undefined, .null: false
        case .string(let text): !text.isEmpty
        case .number(let value): value != 0 && !value.isNaN
        case .boolean(let value): value
        case .array, .object, .function: true
        }
    }

    /// `'' + value`, as Handlebars appends it (`undefined` and `null` print nothing).
    func text() throws(Failure) -> String {
        switch self {
        case .undefined, .null: return ""
        case .string(let text): return text
        case .number(let value): return JavaScript.string(value)
        case .boolean(let value): return value ? "true" : "false"
        case .array(let elements):
            var parts: [String] = []
            for element in elements { parts.append(try element.text()) }
            return parts.joined(separator: ",")
        case .object: return "[object Object]"
        case .function(let function): throw .message("{{\(function.name)}} is a function and cannot be printed")
        }
    }
}

/// A function the action puts in a template's context, and how it reads its arguments.
struct TemplateFunction: Sendable {
    /// Its property name (`date`), for messages.
    var name: String
    /// Called with the positional arguments and, when called as a helper (`{{date 'YYYY'}}`, `{{branch}}`),
    /// the hash arguments; called as a plain value (`{{this.branch}}`) it gets no arguments at all (nil).
    var body: @Sendable (_ params: [TemplateValue], _ hash: [(key: String, value: TemplateValue)]?) throws(Failure) -> TemplateValue
}

/// Renders templates against a context object, following what handlebars 4.7's compiled code does for the
/// statements it supports.
enum TemplateRenderer {
    /// The helpers Handlebars registers; the action's templates never need them, so Gaara refuses them.
    private static let builtInHelpers: Set<String> = ["helperMissing", "blockHelperMissing", "each", "if", "unless", "with", "log", "lookup"]

    /// Renders `template` with `context` as its `this`.
    static func render(_ template: String, context: [String: TemplateValue]) throws(Failure) -> String {
        let parsed: HandlebarsTemplate
        switch try HandlebarsTemplate.parse(template) {
        case .success(let template): parsed = template
        case .failure(let unsupported): throw .message("Handlebars \(unsupported.construct) are not supported by Gaara")
        }
        var output = ""
        for statement in parsed.strippedContent {
            switch statement {
            case .content(let text): output += text
            case .comment: break
            case .mustache(let mustache):
                let value = try evaluate(mustache, context: context)
                output += mustache.escaped ? escape(try value.text()) : try value.text()
            }
        }
        return output
    }

    /// A mustache's value: a helper call, an ambiguous name (function called, value printed) or a plain path.
    private static func evaluate(_ mustache: HandlebarsTemplate.Mustache, context: [String: TemplateValue]) throws(Failure) -> TemplateValue {
        let path: HandlebarsTemplate.Path
        switch mustache.path {
        case .path(let written): path = written
        case .subexpression: throw .message("Handlebars subexpressions are not supported by Gaara")
        // A literal in the name's place names a property (`{{'raw'}}` is `{{raw}}`).
        case .string(let text): path = .init(data: false, depth: 0, parts: [text], original: text)
        case .number(let text): path = .init(data: false, depth: 0, parts: [JavaScript.string(JavaScript.number(text))], original: text)
        case .boolean(let value): path = .init(data: false, depth: 0, parts: [value ? "true" : "false"], original: "\(value)")
        case .undefined: path = .init(data: false, depth: 0, parts: ["undefined"], original: "undefined")
        case .null: path = .init(data: false, depth: 0, parts: ["null"], original: "null")
        }
        let scoped = path.original.hasPrefix(".") || containsThisWord(path.original)
        let isSimple = path.parts.count == 1 && !scoped && path.depth == 0 && !path.data
        let isHelper = !mustache.params.isEmpty || mustache.hash != nil || (isSimple && builtInHelpers.contains(path.parts[0]))
        if (isHelper || isSimple) && builtInHelpers.contains(path.parts.first ?? "") {
            throw .message("the Handlebars helper '\(path.parts[0])' is not supported by Gaara")
        }
        let value = try lookup(path, in: context)
        if isHelper {
            var params: [TemplateValue] = []
            for parameter in mustache.params { params.append(try argument(parameter, context: context)) }
            var hash: [(key: String, value: TemplateValue)] = []
            for pair in mustache.hash ?? [] { hash.append((pair.key, try argument(pair.value, context: context))) }
            if case .function(let function) = value { return try function.body(params, hash) }
            guard !value.isTruthy else { throw .message("'\(path.original)' is not a function and cannot take arguments") }
            // Handlebars' helperMissing: a name with only hash arguments prints nothing, one with arguments throws.
            guard params.isEmpty else { throw .message("Missing helper: \"\(path.original)\"") }
            return .undefined
        }
        if case .function(let function) = value { return try function.body([], isSimple ? [] : nil) }
        return value
    }

    /// A parameter's value: literals as they are, paths looked up (functions passed, not called).
    private static func argument(_ expression: HandlebarsTemplate.Expression, context: [String: TemplateValue]) throws(Failure) -> TemplateValue {
        switch expression {
        case .path(let path): return try lookup(path, in: context)
        case .string(let text): return .string(text)
        case .number(let text): return .number(JavaScript.number(text))
        case .boolean(let value): return .boolean(value)
        case .undefined: return .undefined
        case .null: return .null
        case .subexpression: throw .message("Handlebars subexpressions are not supported by Gaara")
        }
    }

    /// Looks a path up from the context object, property by property (own properties only, as Handlebars'
    /// prototype-access rules allow); a missing one is `undefined` and stays so.
    private static func lookup(_ path: HandlebarsTemplate.Path, in context: [String: TemplateValue]) throws(Failure) -> TemplateValue {
        guard !path.data else { throw .message("Handlebars data variables (@\(path.parts.joined(separator: "."))) are not supported by Gaara") }
        guard path.depth == 0 else { throw .message("Handlebars parent paths (../) are not supported by Gaara") }
        var current = TemplateValue.object(context)
        for part in path.parts {
            switch current {
            case .undefined, .null: return current
            case .object(let properties): current = properties[part] ?? .undefined
            case .array(let elements):
                if part == "length" {
                    current = .number(Double(elements.count))
                } else if let index = JavaScript.arrayIndex(part), index < elements.count {
                    current = elements[index]
                } else {
                    current = .undefined
                }
            case .string(let text):
                let units = Array(text.utf16)
                if part == "length" {
                    current = .number(Double(units.count))
                } else if let index = JavaScript.arrayIndex(part), index < units.count {
                    current = .string(String(decoding: [units[index]], as: UTF16.self))
                } else {
                    current = .undefined
                }
            case .number, .boolean: current = .undefined
            case .function(let function): throw .message("properties of {{\(function.name)}} are not supported by Gaara")
            }
        }
        return current
    }

    /// `/this\b/`: the word `this` anywhere in the path as written.
    private static func containsThisWord(_ original: String) -> Bool {
        let scalars = Array(original.unicodeScalars)
        var index = 0
        while index + 4 <= scalars.count {
            if String(String.UnicodeScalarView(scalars[index..<(index + 4)])) == "this" {
                let next = index + 4 < scalars.count ? scalars[index + 4] : nil
                if next.map({ !isWordScalar($0) }) ?? true { return true }
            }
            index += 1
        }
        return false
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// Handlebars' `escapeExpression`: `& < > " ' \` =` as HTML entities.
    static func escape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#x27;"
            case "`": output += "&#x60;"
            case "=": output += "&#x3D;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
