/// A decoded workflow file (`.github/workflows/*.yml`).
public struct Workflow: Sendable {
    /// The file's path as loaded.
    public var path: String
    /// `name:`, or nil.
    public var name: String?
    /// `run-name:`, or nil.
    public var runName: WorkflowString?
    /// `on:`: the events that start the workflow.
    public var triggers: Triggers
    /// Workflow-level `env:`.
    public var env: ValueMap
    /// `defaults.run`.
    public var defaults: RunDefaults?
    /// `permissions:`.
    public var permissions: Permissions?
    /// Workflow-level `concurrency:`.
    public var concurrency: Concurrency?
    /// The jobs in file order.
    public var jobs: [Job]

    /// Creates an empty workflow for `path`.
    public init(path: String) {
        self.path = path
        triggers = Triggers(events: [])
        env = ValueMap()
        jobs = []
    }

    /// The job with this id.
    public func job(_ id: String) -> Job? {
        jobs.first { $0.id == id }
    }
}

/// `defaults.run`: shell and working directory for `run` steps.
public struct RunDefaults: Sendable {
    /// `shell:`.
    public var shell: WorkflowString?
    /// `working-directory:`.
    public var workingDirectory: WorkflowString?

    /// Creates defaults.
    public init(shell: WorkflowString? = nil, workingDirectory: WorkflowString? = nil) {
        self.shell = shell
        self.workingDirectory = workingDirectory
    }
}

/// `permissions:` for the `GITHUB_TOKEN`.
public enum Permissions: Sendable {
    /// `read-all`, `write-all` or `{}` written as a string.
    case all(String)
    /// Scope → `read`, `write` or `none`.
    case scopes([String: String])
}

/// `concurrency:`: a group with at most one running and one pending run.
public struct Concurrency: Sendable {
    /// The group name (may use expressions).
    public var group: WorkflowString
    /// `cancel-in-progress:`.
    public var cancelInProgress: Dynamic<Bool>?
    /// Where it is written.
    public var location: SourceLocation

    /// Creates a concurrency setting.
    public init(group: WorkflowString, cancelInProgress: Dynamic<Bool>?, location: SourceLocation) {
        self.group = group
        self.cancelInProgress = cancelInProgress
        self.location = location
    }
}
