/// The status of the job (or of a job's dependencies, for a job-level `if`) that the status
/// functions `success()`, `failure()` and `cancelled()` report.
public enum JobStatus: String, Sendable {
    /// Nothing has failed and the run was not cancelled.
    case success
    /// A previous step (or a needed job) failed.
    case failure
    /// The run was cancelled.
    case cancelled
    /// A needed job was skipped: `success()`, `failure()` and `cancelled()` are all false.
    case skipped
}

/// Computes `hashFiles(...)`; supplied by the layer that can read files.
public protocol FileHasher: Sendable {
    /// Returns GitHub's hash of the files matching `patterns`, or `""` when none match.
    func hashFiles(_ patterns: [String]) throws -> String
}

/// Everything an expression can read: the contexts, the job status and a file hasher.
public struct EvaluationContext: Sendable {
    /// Contexts by name (`github`, `env`, `matrix`, ...), looked up case-insensitively.
    public private(set) var contexts: [String: ExpressionValue]
    /// What the status functions report.
    public var status: JobStatus
    /// The `hashFiles` implementation; nil where files cannot be read.
    public var fileHasher: (any FileHasher)?

    /// Creates a context.
    public init(contexts: [String: ExpressionValue] = [:], status: JobStatus = .success, fileHasher: (any FileHasher)? = nil) {
        self.contexts = [:]
        self.status = status
        self.fileHasher = fileHasher
        for (name, value) in contexts { self.contexts[name.lowercased()] = value }
    }

    /// Reads a context by name.
    public subscript(context name: String) -> ExpressionValue? {
        get { contexts[name.lowercased()] }
        set { contexts[name.lowercased()] = newValue }
    }
}
