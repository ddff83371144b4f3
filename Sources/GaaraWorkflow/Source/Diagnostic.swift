/// A problem found in a source file.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// GitHub would reject the file, or Gaara cannot run it.
        case error
        /// Valid, but Gaara does not act on it (yet), or it is very likely a mistake.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// What is wrong and, where possible, what to do.
    public var message: String
    /// Where it is.
    public var location: SourceLocation

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ message: String, at location: SourceLocation) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    /// Creates an error.
    public static func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    /// Creates a warning.
    public static func warning(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    /// `line:col: severity: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
