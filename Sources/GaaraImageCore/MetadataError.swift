/// Why docker/metadata-action's outputs could not be computed: the input at fault (`tags`, `flavor`, `images`,
/// `labels`, `annotations`, `context`, or one of the `DOCKER_METADATA_*` variables), its offending value and what
/// is wrong with it. The action fails its step on the same values, except where the message says that Gaara does
/// not support something the action accepts: Gaara refuses those rather than compute something else.
public struct MetadataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input's name as the workflow spells it (`tags`), or the environment variable's.
    public let input: String
    /// The entry or value of that input at fault.
    public let value: String
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(input: String, value: String, message: String) {
        self.input = input
        self.value = value
        self.message = message
    }

    /// `tags: 'type=semver': Missing pattern attribute for type=semver`.
    public var description: String { "\(input): '\(value)': \(message)" }
}

/// A failure deep inside a computation (a template, a regular expression, a CSV line) that does not know which
/// input it serves: the caller names the input with ``MetadataError/init(_:input:value:)``.
enum Failure: Error, Equatable {
    /// What is wrong, to be attributed to an input by the caller.
    case message(String)
    /// An error that already names its input (a `DOCKER_METADATA_*` variable read while rendering a template).
    case metadata(MetadataError)
}

extension MetadataError {
    /// Attributes a failure to an input and value (a failure that names its own input keeps it).
    init(_ failure: Failure, input: String, value: String) {
        switch failure {
        case .message(let message): self.init(input: input, value: value, message: message)
        case .metadata(let error): self = error
        }
    }
}

/// Runs `body`, attributing its failure to `input` and `value`.
func attributing<T>(input: String, value: String, _ body: () throws(Failure) -> T) throws(MetadataError) -> T {
    do {
        return try body()
    } catch {
        throw MetadataError(error, input: input, value: value)
    }
}
