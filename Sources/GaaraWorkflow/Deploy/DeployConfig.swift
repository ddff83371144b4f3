import GaaraDeployCore

/// `.gaara/deploy.yml`: what runs (services) and where and how it is rolled out (environments).
/// Kamal's `config/deploy.yml` is the anchor for how little a user writes: a service needs an image
/// or a command and a port; an environment needs hosts; everything else has a default.
public struct DeployConfig: Sendable, Equatable {
    /// The file it was read from.
    public var path: String
    /// Services by name, in file order.
    public var services: [DeployService]
    /// Environments by name, in file order.
    public var environments: [DeployEnvironment]

    /// The service named `name`.
    public func service(_ name: String) -> DeployService? { services.first { $0.name == name } }
    /// The environment named `name`.
    public func environment(_ name: String) -> DeployEnvironment? { environments.first { $0.name == name } }
}

/// One thing that runs: a container image or a command in a release directory.
public struct DeployService: Sendable, Equatable {
    /// What a release of the service runs.
    public enum Artifact: Sendable, Equatable {
        /// A container image repository (`127.0.0.1:5000/app/backend`); a release pins a digest.
        case image(String)
        /// A command run in the release directory (a copy of `directory` per release), for teams without Docker.
        /// `$PORT` in it is the port the release must listen on.
        case command(String, directory: String)
    }

    /// The name (`backend`).
    public var name: String
    /// What it runs.
    public var artifact: Artifact
    /// The port it listens on (inside the container for images).
    public var port: Int
    /// Environment variables.
    public var env: [String: String]
    /// Names of the environment's secrets passed as variables.
    public var secrets: [String]
    /// Its health check.
    public var health: HealthCheckConfig
    /// Seconds between the stop signal and a kill.
    public var stopGrace: Double
    /// The host names the router sends to it (`proxy.host`; empty: any host).
    public var proxyHosts: [String] = []
    /// The path prefix the router sends to it (`proxy.path-prefix`, default `/`).
    public var pathPrefix: String = "/"
    /// Where the name is written.
    public var location: SourceLocation
}

/// How a release's health is checked (Gaara's router checks it the same way).
public struct HealthCheckConfig: Sendable, Equatable {
    /// The path asked with GET (`/up`).
    public var path: String = "/up"
    /// Seconds between checks.
    public var interval: Double = 1
    /// Seconds before a check counts as failed.
    public var timeout: Double = 2
    /// Passed checks in a row that make a target healthy.
    public var healthyThreshold: Int = 2
    /// Failed checks in a row that make a target unhealthy.
    public var unhealthyThreshold: Int = 3
    /// Seconds a new release has to become healthy before the deploy fails.
    public var deadline: Double = 60
}

/// Where and how releases are rolled out.
public struct DeployEnvironment: Sendable, Equatable {
    /// The name (`staging`, `production`), also the environment of protection rules and secrets.
    public var name: String
    /// `local`, or SSH destinations `[user@]host[:port]`.
    public var hosts: [String]
    /// The router's listening address traffic comes in through (`127.0.0.1:8000`); nil: Gaara picks one.
    public var router: String?
    /// How a new release replaces the old one.
    public var strategy: RolloutStrategy
    /// A command run against the new release before it gets traffic (`$GAARA_RELEASE_URL` is its address).
    public var smokeTests: String?
    /// How many previous releases stay ready for `gaara rollback`.
    public var keep: Int
    /// Where the name is written.
    public var location: SourceLocation
    /// How a canary's pauses judge it (nil: they only wait).
    public var analysis: CanaryAnalysisSettings? = nil
    /// Seconds the new release is watched with all the traffic, the old one ready (0: none).
    public var bake: Double = 0
    /// Where deploy notifications go.
    public var notify = NotifySettings()
    /// A command run before a rollback moves traffic back (a down-migration); its failure is a warning.
    public var preRollback: String? = nil
}
