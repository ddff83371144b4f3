/// A job of a workflow: steps run on a runner, or a call of a reusable workflow.
public struct Job: Sendable {
    /// The job's id (its key under `jobs:`).
    public var id: String
    /// Where the id is written.
    public var location: SourceLocation
    /// `name:`.
    public var name: WorkflowString?
    /// `needs:`: ids of the jobs this one waits for.
    public var needs: [JobReference]
    /// `if:`.
    public var condition: Condition?
    /// `runs-on:`.
    public var runsOn: RunsOn?
    /// `environment:`.
    public var environment: EnvironmentReference?
    /// `outputs:`.
    public var outputs: [NamedValue]
    /// `env:`.
    public var env: ValueMap
    /// `defaults.run`.
    public var defaults: RunDefaults?
    /// `timeout-minutes:` (GitHub's default is 360).
    public var timeoutMinutes: Dynamic<Double>?
    /// `continue-on-error:`.
    public var continueOnError: Dynamic<Bool>?
    /// `strategy:`.
    public var strategy: Strategy?
    /// `container:`.
    public var container: Container?
    /// `services:` by name.
    public var services: [Service]
    /// `steps:`.
    public var steps: [Step]
    /// Job-level `concurrency:`.
    public var concurrency: Concurrency?
    /// `permissions:`.
    public var permissions: Permissions?
    /// Set when the job calls a reusable workflow (`uses:` at job level).
    public var call: WorkflowCall?

    /// Creates an empty job.
    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
        needs = []
        outputs = []
        env = ValueMap()
        services = []
        steps = []
    }

    /// True when the job has a `strategy.matrix`.
    public var hasMatrix: Bool { strategy?.matrix != nil }
}

/// A reference to another job (from `needs:`).
public struct JobReference: Sendable {
    /// The job id.
    public let id: String
    /// Where it is written.
    public let location: SourceLocation

    /// Creates a reference.
    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// `runs-on:`: which runner takes the job.
public enum RunsOn: Sendable {
    /// One or more labels, every one of which the runner must have.
    case labels([WorkflowString])
    /// A runner group with optional labels.
    case group(WorkflowString?, labels: [WorkflowString])
    /// A whole-value expression.
    case expression(WorkflowString)
}

/// `environment:`: a deployment environment with an optional URL.
public struct EnvironmentReference: Sendable {
    /// The environment's name.
    public var name: WorkflowString
    /// `url:`.
    public var url: WorkflowString?
}

/// `strategy:`.
public struct Strategy: Sendable {
    /// `matrix:` as written: a mapping of dimensions with `include`/`exclude`, or an expression.
    public var matrix: YAMLNode?
    /// `fail-fast:` (default true).
    public var failFast: Dynamic<Bool>?
    /// `max-parallel:`.
    public var maxParallel: Dynamic<Int>?
    /// Where `strategy:` is written.
    public var location: SourceLocation

    /// Creates a strategy.
    public init(location: SourceLocation) {
        self.location = location
    }
}

/// A job container or a service container.
public struct Container: Sendable {
    /// `image:`.
    public var image: WorkflowString
    /// `credentials.username`.
    public var username: WorkflowString?
    /// `credentials.password`.
    public var password: WorkflowString?
    /// `env:`.
    public var env: ValueMap
    /// `ports:`.
    public var ports: [WorkflowString]
    /// `volumes:`.
    public var volumes: [WorkflowString]
    /// `options:` (extra `docker create` flags).
    public var options: WorkflowString?
    /// Set when the whole container is one expression (an image name or a container mapping).
    public var expression: WorkflowString?
    /// Where it is written.
    public var location: SourceLocation

    /// Creates a container for `image`.
    public init(image: WorkflowString, location: SourceLocation) {
        self.image = image
        self.location = location
        env = ValueMap()
        ports = []
        volumes = []
    }
}

/// A service container of a job.
public struct Service: Sendable {
    /// The service's name (its network alias).
    public var name: String
    /// The container.
    public var container: Container
}

/// A job that calls a reusable workflow.
public struct WorkflowCall: Sendable {
    /// `uses:` as written.
    public var uses: String
    /// Where `uses:` is written.
    public var location: SourceLocation
    /// `with:` inputs.
    public var with: ValueMap
    /// `secrets: inherit`.
    public var inheritSecrets: Bool
    /// `secrets:` passed explicitly.
    public var secrets: ValueMap

    /// Creates a call.
    public init(uses: String, location: SourceLocation) {
        self.uses = uses
        self.location = location
        with = ValueMap()
        inheritSecrets = false
        secrets = ValueMap()
    }

    /// True when the called workflow lives in this repository (`./...`).
    public var isLocal: Bool { uses.hasPrefix("./") || uses.hasPrefix("$/") }
}
