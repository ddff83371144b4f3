/// A syntax error in an expression, with the offset of the offending token.
public struct ExpressionSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, without position.
    public let message: String
    /// Zero-based offset in the expression text, in Unicode scalars.
    public let offset: Int

    /// Creates an error.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message with a one-based position.
    public var description: String { "\(message) (at position \(offset + 1))" }
}

/// An error raised while evaluating an expression, such as a bad `format` string or invalid JSON.
public struct ExpressionEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
