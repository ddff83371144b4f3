/// A workflow command printed by a step: `::name key=value,key=value::message`.
public struct WorkflowCommand: Sendable, Equatable {
    /// The command name, e.g. `add-mask`, `error`, `group`.
    public let name: String
    /// Properties, unescaped.
    public let properties: [String: String]
    /// The message, unescaped.
    public let message: String

    /// Creates a command.
    public init(name: String, properties: [String: String], message: String) {
        self.name = name
        self.properties = properties
        self.message = message
    }

    /// Parses one output line; nil when the line is not a command.
    public static func parse(_ line: Substring) -> WorkflowCommand? {
        guard line.hasPrefix("::") else { return nil }
        let body = line.dropFirst(2)
        guard let end = body.range(of: "::") else { return nil }
        let header = body[..<end.lowerBound]
        let message = body[end.upperBound...]
        let nameEnd = header.firstIndex(of: " ") ?? header.endIndex
        let name = String(header[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var properties: [String: String] = [:]
        if nameEnd < header.endIndex {
            for pair in header[header.index(after: nameEnd)...].split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = pair[..<equals].trimmingCharacters(in: " ")
                properties[String(key)] = unescapeProperty(pair[pair.index(after: equals)...])
            }
        }
        return WorkflowCommand(name: name, properties: properties, message: unescapeData(message))
    }

    /// Undoes `%25`, `%0D`, `%0A` in messages.
    static func unescapeData(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        return String(text).replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%25", with: "%")
    }

    /// Undoes `%25`, `%0D`, `%0A`, `%3A`, `%2C` in properties.
    static func unescapeProperty(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        return String(text).replacing("%0D", with: "\r").replacing("%0A", with: "\n").replacing("%3A", with: ":")
            .replacing("%2C", with: ",").replacing("%25", with: "%")
    }
}

/// Severity of an annotation command.
public enum AnnotationLevel: String, Sendable, Codable {
    case error, warning, notice, debug
}

/// An `::error`, `::warning` or `::notice` annotation with its location.
public struct Annotation: Sendable, Equatable, Codable {
    /// The level.
    public let level: AnnotationLevel
    /// The message.
    public let message: String
    /// `file=`.
    public let file: String?
    /// `line=`.
    public let line: Int?
    /// `col=`.
    public let column: Int?
    /// `title=`.
    public let title: String?

    /// Builds an annotation from a command, nil for other commands.
    public init?(_ command: WorkflowCommand) {
        guard let level = AnnotationLevel(rawValue: command.name), level != .debug else { return nil }
        self.level = level
        message = command.message
        file = command.properties["file"]
        line = command.properties["line"].flatMap { Int($0) }
        column = command.properties["col"].flatMap { Int($0) }
        title = command.properties["title"]
    }
}
