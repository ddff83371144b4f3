import Foundation

/// One release of one service, as a target runs it.
public struct ReleaseSpec: Sendable, Equatable, Codable {
    /// The service (`backend`).
    public var service: String
    /// The release's id, unique per service (`backend-7`): targets label what they start with it, so a
    /// restarted controller finds (adopts) what a dead one started.
    public var release: String
    /// What runs.
    public var artifact: Artifact
    /// Environment variables of the release (secrets included; targets never log them).
    public var environment: [String: String]
    /// Seconds between the stop signal and a kill.
    public var stopGrace: Double

    /// What a release runs.
    public enum Artifact: Sendable, Equatable, Codable {
        /// A shell command run in a copy of `directory`; `$PORT` is the port it must listen on.
        case command(String, directory: String)
        /// A container image pinned by digest, listening on `port` inside the container.
        case image(String, port: Int)
    }

    /// Creates a spec.
    public init(service: String, release: String, artifact: Artifact, environment: [String: String] = [:], stopGrace: Double = 10) {
        self.service = service
        self.release = release
        self.artifact = artifact
        self.environment = environment
        self.stopGrace = stopGrace
    }
}

/// Where a running release answers (what the router's target group points at).
public struct TargetEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The address (`127.0.0.1`).
    public var host: String
    /// The port.
    public var port: Int

    /// Creates an endpoint.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:8123`.
    public var description: String { "\(host):\(port)" }
}

/// Why a target could not do what it was asked.
public struct DeployTargetError: Error, Sendable, CustomStringConvertible {
    /// What failed, with the target's own words (a command's output, the last log lines).
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A place releases run: a supervised local process, a local container, an SSH host running either.
/// The deploy controller's adapter calls it; ``RecordingTarget`` stands in for it in tests.
///
/// Call order and guarantees:
/// - `start` is idempotent: a release already running under the same labels (started by this target
///   or by an earlier controller that died) is adopted and its endpoint returned, never started twice.
/// - `stop` sends the stop signal, waits up to the release's stop grace, then kills; stopping a release
///   that does not run succeeds.
/// - `remove` deletes what `start` left of a stopped release (its copy of the files, its folder) once
///   it is retired; a release that still runs is left alone, and removing one that is gone succeeds.
/// - Calls for different releases may run concurrently; calls for one release come one at a time.
public protocol DeployTarget: Sendable {
    /// Starts (or adopts) `release`; returns where it answers.
    func start(_ release: ReleaseSpec) async throws -> TargetEndpoint
    /// Stops `release`.
    func stop(_ release: ReleaseSpec) async throws
    /// The releases of `service` running here, by id.
    func running(service: String) async throws -> [String]
    /// The last `lines` lines of the release's output (for "failed to become healthy" errors).
    func logTail(_ release: ReleaseSpec, lines: Int) async -> String
    /// Deletes what is left of the stopped `release` here (it will never be started again).
    func remove(_ release: ReleaseSpec) async throws
}
