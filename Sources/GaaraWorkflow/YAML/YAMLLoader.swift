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
            guard let node = try Yams.compose(yaml: text) else {
                return (nil, .error("the file is empty", at: .start))
            }
            return (convert(node), nil)
        } catch let error as YamlError {
            return (nil, diagnostic(for: error, in: file))
        } catch {
            return (nil, .error("YAML error: \(error)", at: .start))
        }
    }

    static func convert(_ node: Node) -> YAMLNode {
        let location = node.mark.map { SourceLocation(line: $0.line, column: $0.column) } ?? .start
        switch node {
        case .scalar(let scalar):
            let tagName = scalar.tag.description
            let tag = tagName.isEmpty || tagName == "!" ? nil : tagName
            return YAMLNode(.scalar(scalar.string, style(scalar.style)), at: location, tag: tag)
        case .sequence(let sequence):
            return YAMLNode(.sequence(sequence.map(convert)), at: location)
        case .mapping(let mapping):
            return YAMLNode(.mapping(mapping.map { YAMLNode.Pair(key: convert($0.key), value: convert($0.value)) }), at: location)
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
