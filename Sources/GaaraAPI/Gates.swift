import GaaraReports

/// One gate of a quality gate verdict.
public struct GateJSON: Codable, Sendable, Equatable {
    /// Its commit-status context.
    public var context: String
    /// Its name.
    public var name: String
    /// `passed`, `failed` or `skipped`.
    public var status: String
    /// What was measured.
    public var measured: String
    /// The threshold.
    public var threshold: String
    /// Why, line by line.
    public var details: [String]

    /// Creates a value.
    public init(context: String, name: String, status: String, measured: String, threshold: String, details: [String]) {
        self.context = context
        self.name = name
        self.status = status
        self.measured = measured
        self.threshold = threshold
        self.details = details
    }
}

/// A commit status a verdict asks for.
public struct GateStatusJSON: Codable, Sendable, Equatable {
    /// The status context.
    public var context: String
    /// `success` or `failure`.
    public var state: String
    /// A short description.
    public var description: String

    /// Creates a value.
    public init(context: String, state: String, description: String) {
        self.context = context
        self.state = state
        self.description = description
    }
}

/// The output of `gaara gate --format json`, which the server reads back after the run. Written
/// and read with plain `JSONEncoder`/`JSONDecoder` (its keys are single words, and the reports'
/// summaries keep their own snake_case names).
public struct GateVerdictJSON: Codable, Sendable, Equatable {
    /// Whether every gate passed.
    public var passed: Bool
    /// Each gate.
    public var gates: [GateJSON]
    /// The commit statuses to set.
    public var statuses: [GateStatusJSON]
    /// Warnings (a report that could not be read, ...).
    public var warnings: [String]
    /// The reports read (their summaries).
    public var reports: [ReportSummary]

    /// Creates a value.
    public init(passed: Bool, gates: [GateJSON], statuses: [GateStatusJSON], warnings: [String], reports: [ReportSummary]) {
        self.passed = passed
        self.gates = gates
        self.statuses = statuses
        self.warnings = warnings
        self.reports = reports
    }
}
