import Foundation
import GaaraEngine

/// A job instance asking to deploy to an environment (`environment:` on the job).
public struct EnvironmentRequest: Sendable {
    /// The job instance.
    public let job: JobLabel
    /// The environment's name, evaluated.
    public let environment: String

    /// Creates a request.
    public init(job: JobLabel, environment: String) {
        self.job = job
        self.environment = environment
    }
}

/// What an environment gives a job once its protection rules passed: the environment's secrets
/// and variables, merged over the run's (an environment's value wins, as on GitHub).
public struct EnvironmentRelease: Sendable, Equatable {
    /// Secrets by name.
    public var secrets: [String: String]
    /// Variables by name.
    public var variables: [String: String]
    /// The gate's handle on the deployment record it made, passed back to
    /// ``EnvironmentGate/finished(_:deployment:result:url:)``.
    public var deployment: String?

    /// Creates a release.
    public init(secrets: [String: String] = [:], variables: [String: String] = [:], deployment: String? = nil) {
        self.secrets = secrets
        self.variables = variables
        self.deployment = deployment
    }
}

/// Whether a job may deploy to its environment.
public enum EnvironmentAdmission: Sendable, Equatable {
    /// It may; with what the environment releases to it.
    case proceed(EnvironmentRelease)
    /// It may not: the job fails with this message and none of its steps runs.
    case refused(String)
}

/// Decides whether a job that names an environment may run, and releases the environment's
/// secrets to it only then. The server's gate applies the environment's protection rules
/// (reviewers, wait timer, branch policy) and keeps deployment records; `gaara run`'s stands in
/// for a reviewer with `--approve` or a prompt.
///
/// Call order, per job instance that names an environment: ``admit(_:waiting:)`` once, before the
/// job takes a job slot (a job waiting for approval holds none); then, if it was admitted,
/// ``finished(_:deployment:result:url:)`` once after the job ended. Calls for different jobs
/// come concurrently. `admit` may take as long as a review does; the runner cancels its task
/// when the run is cancelled, and the gate must then return promptly (with a refusal).
public protocol EnvironmentGate: Sendable {
    /// Returns when the job may run or must not. Calls `waiting` (with a line for the log) each
    /// time the job starts waiting for something (a review, a timer).
    func admit(_ request: EnvironmentRequest, waiting: @escaping @Sendable (String) -> Void) async -> EnvironmentAdmission
    /// The admitted job ended with `result`; `url` is its evaluated `environment.url`, if any.
    func finished(_ request: EnvironmentRequest, deployment: String?, result: JobResult, url: String?) async
}
