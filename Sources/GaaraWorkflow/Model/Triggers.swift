/// The events of a workflow's `on:` with their filters.
public struct Triggers: Sendable {
    /// Events in file order.
    public var events: [EventTrigger]

    /// Creates triggers.
    public init(events: [EventTrigger]) {
        self.events = events
    }

    /// The configuration for an event name, if the workflow listens to it.
    public subscript(event: String) -> EventTrigger? {
        events.first { $0.name == event }
    }
}

/// A glob pattern from a filter (`branches`, `tags`, `paths`, ...), with its location.
public struct FilterPattern: Sendable {
    /// The pattern text.
    public let pattern: String
    /// Where it is written.
    public let location: SourceLocation

    /// Creates a pattern.
    public init(_ pattern: String, at location: SourceLocation) {
        self.pattern = pattern
        self.location = location
    }
}

/// One event of `on:` and everything configured for it.
public struct EventTrigger: Sendable {
    /// The event name, e.g. `push`.
    public var name: String
    /// Where the event is named.
    public var location: SourceLocation
    /// `branches:` (nil when absent).
    public var branches: [FilterPattern]?
    /// `branches-ignore:`.
    public var branchesIgnore: [FilterPattern]?
    /// `tags:`.
    public var tags: [FilterPattern]?
    /// `tags-ignore:`.
    public var tagsIgnore: [FilterPattern]?
    /// `paths:`.
    public var paths: [FilterPattern]?
    /// `paths-ignore:`.
    public var pathsIgnore: [FilterPattern]?
    /// Activity `types:`.
    public var types: [String]?
    /// `schedule:` entries.
    public var schedules: [CronSchedule]
    /// `workflow_dispatch.inputs` or `workflow_call.inputs`.
    public var inputs: [WorkflowInput]
    /// `workflow_call.outputs`.
    public var outputs: [WorkflowCallOutput]
    /// `workflow_call.secrets`.
    public var secrets: [WorkflowCallSecret]
    /// `workflow_run.workflows`.
    public var workflows: [String]?

    /// Creates a trigger with no configuration.
    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
        schedules = []
        inputs = []
        outputs = []
        secrets = []
    }
}

/// An input of `workflow_dispatch` or `workflow_call`.
public struct WorkflowInput: Sendable {
    /// Input types GitHub knows.
    public enum InputType: String, Sendable, CaseIterable {
        case string, boolean, number, choice, environment
    }

    /// The input's name.
    public var name: String
    /// `description:`.
    public var description: String?
    /// `required:`.
    public var required: Bool
    /// `default:` (a template for `workflow_call`).
    public var defaultValue: WorkflowString?
    /// `type:` (string when absent).
    public var type: InputType
    /// `options:` of a choice input.
    public var options: [String]
    /// Where the input is named.
    public var location: SourceLocation

    /// Creates an input.
    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
        required = false
        type = .string
        options = []
    }
}

/// An output of a reusable workflow (`on.workflow_call.outputs`).
public struct WorkflowCallOutput: Sendable {
    /// The output's name.
    public var name: String
    /// `description:`.
    public var description: String?
    /// `value:`, usually `${{ jobs.x.outputs.y }}`.
    public var value: WorkflowString
}

/// A secret a reusable workflow accepts.
public struct WorkflowCallSecret: Sendable {
    /// The secret's name.
    public var name: String
    /// `required:`.
    public var required: Bool
}

/// A parsed `cron:` entry.
public struct CronSchedule: Sendable {
    /// The expression as written.
    public let expression: String
    /// The parsed schedule.
    public let cron: Cron
    /// Where it is written.
    public let location: SourceLocation
}
