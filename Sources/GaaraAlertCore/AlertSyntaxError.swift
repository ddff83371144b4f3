/// A condition, matcher or template that could not be read, with where in its text the problem is,
/// so that a configuration loader can point at the exact column.
public struct AlertSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what to write instead.
    public let message: String
    /// Where in the text, in Unicode scalars from its start.
    public let offset: Int

    /// Creates an error.
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message.
    public var description: String { message }
}
