import Yams

/// Loads YAML text into a ``YAMLNode`` tree with locations, turning YAML errors into diagnostics.
public enum YAMLLoader {
    /// Parses a single-document YAML text. Returns nil and a diagnostic when the YAML itself is broken.
    public static func load(_ text: String) -> (node: YAMLNode?, diagnostic: Diagnostic?) {
        load(SourceFile(path: "", text: text))
    }

    /// Parses a single-document YAML file.
    public static func load(_ file: SourceFile) -> (node: YAMLNode?, diagnostic: Diagnostic?) {
        let text = file.text
        do {
            guard text.utf8.count <= maximumBytes else {
                return (nil, .error("the file is \(text.utf8.count) bytes; YAML files of more than \(maximumBytes) bytes are not read", at: .start))
            }
            // Types of plain scalars are resolved here (``YAMLNode/scalarType``); Yams' resolver is
            // needed only to tell an explicit `!!str` from a plain scalar. Without any `!` in the
            // text there is no tag, and its rules (seven regular expressions, compiled through ICU
            // on first use: ~2 ms of every `gaara run`) are skipped.
            let tagged = text.utf8.contains(UInt8(ascii: "!"))
            guard let node = try Yams.compose(yaml: text, tagged ? .default : .basic) else {
                return (nil, .error("the file is empty", at: .start))
            }
            var budget = Budget(keepsTags: tagged)
            guard let converted = convert(node, budget: &budget) else {
                let where_ = budget.exceededAt ?? .start
                return (
                    nil,
                    .error(
                        "the YAML expands to more than \(maximumNodes) nodes or \(maximumScalarBytes) bytes of text (aliases repeating aliases?)",
                        at: where_)
                )
            }
            return (converted, nil)
        } catch let error as YamlError {
            return (nil, diagnostic(for: error, in: file))
        } catch {
            return (nil, .error("YAML error: \(error)", at: .start))
        }
    }

    /// The largest file read (bytes).
    public static let maximumBytes = 4 * 1024 * 1024
    /// The most nodes a file may expand to, aliases counted as the nodes they repeat (an alias
    /// bomb of 494 bytes expands to billions; the largest real workflows have a few thousand).
    public static let maximumNodes = 250_000
    /// The most bytes of scalar text a file may expand to.
    public static let maximumScalarBytes = 64 * 1024 * 1024

    /// What converting may still cost, and where it ran out.
    struct Budget {
        var nodes = YAMLLoader.maximumNodes
        var bytes = YAMLLoader.maximumScalarBytes
        var exceededAt: SourceLocation?
        /// Whether scalars keep the tags Yams gave them (false: the text has no tag, and every
        /// scalar's is the basic resolver's `str`).
        var keepsTags = true

        mutating func spend(_ node: Node, bytes scalarBytes: Int, at location: SourceLocation) -> Bool {
            nodes -= 1
            bytes -= scalarBytes
            if nodes < 0 || bytes < 0 {
                if exceededAt == nil { exceededAt = location }
                return false
            }
            return true
        }
    }

    /// Converts a composed node, nil when the budget runs out (Yams shares repeated alias
    /// targets; the converted tree would not).
    static func convert(_ node: Node, budget: inout Budget) -> YAMLNode? {
        let location = node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? .start
        switch node {
        case .scalar(let scalar):
            guard budget.spend(node, bytes: scalar.string.utf8.count, at: location) else { return nil }
            let tagName = budget.keepsTags ? scalar.tag.description : ""
            let tag = tagName.isEmpty || tagName == "!" ? nil : tagName
            return YAMLNode(.scalar(scalar.string, style(scalar.style)), at: location, tag: tag)
        case .sequence(let sequence):
            guard budget.spend(node, bytes: 0, at: location) else { return nil }
            var items: [YAMLNode] = []
            for item in sequence {
                guard let converted = convert(item, budget: &budget) else { return nil }
                items.append(converted)
            }
            return YAMLNode(.sequence(items), at: location)
        case .mapping(let mapping):
            guard budget.spend(node, bytes: 0, at: location) else { return nil }
            var pairs: [YAMLNode.Pair] = []
            for pair in mapping {
                guard let key = convert(pair.key, budget: &budget), let value = convert(pair.value, budget: &budget) else { return nil }
                pairs.append(YAMLNode.Pair(key: key, value: value))
            }
            return YAMLNode(.mapping(pairs), at: location)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one reads as null.
            return YAMLNode(.scalar("", .plain), at: location)
        }
    }

    /// Finds the next line that writes `key:` at the same column as the first occurrence.
    static func repeatedKey(_ key: String, after first: SourceLocation, in file: SourceFile) -> SourceLocation? {
        var line = first.line + 1
        while line <= file.lineCount {
            let scalars = Array(file.line(line).unicodeScalars)
            let column = first.column - 1
            if scalars.count > column {
                let rest = String(String.UnicodeScalarView(scalars[column...]))
                for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate + ":") {
                    if scalars[..<column].allSatisfy({ $0 == " " || $0 == "-" }) { return SourceLocation(line: line, column: first.column) }
                }
            }
            line += 1
        }
        return nil
    }

    static func style(_ style: Node.Scalar.Style) -> YAMLNode.ScalarStyle {
        switch style {
        case .singleQuoted: .singleQuoted
        case .doubleQuoted: .doubleQuoted
        case .literal: .literal
        case .folded: .folded
        default: .plain
        }
    }

    static func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            var location = SourceLocation(line: mark.line, column: mark.column)
            // "Unexpected end of stream" is clearer at the construct that was left open.
            if problem.contains("end of stream"), let context {
                location = SourceLocation(line: context.mark.line, column: context.mark.column)
            }
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .error("invalid YAML: \(detail)", at: location)
        case .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .error("invalid YAML: \(detail)", at: SourceLocation(line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let first = SourceLocation(line: context.mark.line, column: context.mark.column)
            let repeated = duplicates.first.flatMap { repeatedKey($0, after: first, in: file) }
            let message = "duplicate key \(keys) in a mapping" + (repeated != nil ? " (first defined at line \(first.line))" : "")
            return .error(message, at: repeated ?? first)
        case .reader(let problem, _, let offset, _):
            return .error("unreadable YAML: \(problem) at byte \(offset)", at: .start)
        default:
            return .error("invalid YAML: \(error)", at: .start)
        }
    }
}
