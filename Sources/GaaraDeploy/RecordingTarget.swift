import Foundation
import Synchronization

/// A ``DeployTarget`` for tests: records every call, keeps the set of running releases, and answers
/// with scripted failures.
public final class RecordingTarget: DeployTarget {
    /// A call the target received.
    public enum Call: Sendable, Equatable {
        case start(String)
        case stop(String)
        case remove(String)
    }

    private struct State {
        var calls: [Call] = []
        var running: [String: TargetEndpoint] = [:]
        var nextPort = 20_000
    }

    private let state = Mutex(State())
    /// The error message a start of this release id fails with, if any.
    public let failStart: @Sendable (String) -> String?
    /// The output `logTail` answers with.
    public let log: String

    /// A target; `failStart` scripts failures.
    public init(failStart: @escaping @Sendable (String) -> String? = { _ in nil }, log: String = "") {
        self.failStart = failStart
        self.log = log
    }

    /// The calls so far.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Starts (or adopts) the release; see ``DeployTarget``.
    public func start(_ release: ReleaseSpec) async throws -> TargetEndpoint {
        try state.withLock { state in
            state.calls.append(.start(release.release))
            if let message = failStart(release.release) { throw DeployTargetError(message) }
            if let endpoint = state.running[release.release] { return endpoint }
            state.nextPort += 1
            let endpoint = TargetEndpoint(host: "127.0.0.1", port: state.nextPort)
            state.running[release.release] = endpoint
            return endpoint
        }
    }

    /// Stops the release; see ``DeployTarget``.
    public func stop(_ release: ReleaseSpec) async throws {
        state.withLock { state in
            state.calls.append(.stop(release.release))
            state.running[release.release] = nil
        }
    }

    /// The releases of `service` running here.
    public func running(service: String) async throws -> [String] {
        state.withLock { $0.running.keys.filter { $0.hasPrefix(service + "-") }.sorted() }
    }

    /// The last lines of the release's output.
    public func logTail(_ release: ReleaseSpec, lines: Int) async -> String { log }

    /// Records the removal.
    public func remove(_ release: ReleaseSpec) async throws {
        state.withLock { $0.calls.append(.remove(release.release)) }
    }
}
