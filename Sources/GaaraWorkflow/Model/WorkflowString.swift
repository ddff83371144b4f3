import GaaraExpressions

/// A string from a workflow that may hold `${{ }}` expressions, with where it was written.
public struct WorkflowString: Sendable, CustomStringConvertible {
    /// The text as written (after YAML unquoting).
    public let raw: String
    /// The parsed template.
    public let template: Template
    /// Where the value starts in the file.
    public let location: SourceLocation

    /// Creates a workflow string from already-parsed parts.
    public init(raw: String, template: Template, location: SourceLocation) {
        self.raw = raw
        self.template = template
        self.location = location
    }

    /// Creates a workflow string for literal text (no expressions are parsed).
    public init(literal: String, location: SourceLocation = .start) {
        raw = literal
        template = Template(literal: literal)
        self.location = location
    }

    /// The raw text.
    public var description: String { raw }
}

/// A named string value, such as an `env` entry, an output or a `with` input.
public struct NamedValue: Sendable {
    /// The key.
    public let name: String
    /// Where the key is written.
    public let nameLocation: SourceLocation
    /// The value.
    public let value: WorkflowString

    /// Creates a named value.
    public init(name: String, nameLocation: SourceLocation, value: WorkflowString) {
        self.name = name
        self.nameLocation = nameLocation
        self.value = value
    }
}

/// A value given directly or computed by a whole-value `${{ }}` expression.
public enum Dynamic<Value: Sendable>: Sendable {
    /// Written as a literal.
    case value(Value)
    /// Computed at run time.
    case expression(WorkflowString)
}

/// An `if:` condition.
public struct Condition: Sendable {
    /// How the condition was written.
    public enum Form: Sendable {
        /// A bare expression, or one wrapped whole in `${{ }}`.
        case expression(ExpressionSyntax)
        /// Text mixing literal parts and `${{ }}`: its string value decides (non-empty is true).
        case template(Template)
    }

    /// The condition text as written.
    public let raw: String
    /// Parsed form.
    public let form: Form
    /// Where it is written.
    public let location: SourceLocation

    /// Creates a condition.
    public init(raw: String, form: Form, location: SourceLocation) {
        self.raw = raw
        self.form = form
        self.location = location
    }
}

/// A mapping of string values (`env`, `with`, `secrets`), or one expression computing the mapping.
public struct ValueMap: Sendable {
    /// The entries in file order.
    public var entries: [NamedValue]
    /// Set when the whole mapping is one `${{ }}` expression.
    public var expression: WorkflowString?

    /// Creates a map.
    public init(entries: [NamedValue] = [], expression: WorkflowString? = nil) {
        self.entries = entries
        self.expression = expression
    }

    /// The entry named `name` (exact match).
    public subscript(name: String) -> WorkflowString? {
        entries.last { $0.name == name }?.value
    }

    /// True when nothing is set.
    public var isEmpty: Bool { entries.isEmpty && expression == nil }
}
