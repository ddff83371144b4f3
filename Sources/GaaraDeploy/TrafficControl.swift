import Foundation
import GaaraHTTP
import Synchronization

/// A release's targets as the router sees them: one target group.
public struct TrafficGroup: Sendable, Equatable {
    /// The group's name (the release id).
    public var name: String
    /// Where its targets answer.
    public var endpoints: [TargetEndpoint]

    /// Creates a group.
    public init(name: String, endpoints: [TargetEndpoint]) {
        self.name = name
        self.endpoints = endpoints
    }
}

/// A release's answers as the router counted them since it started: what the canary judge takes
/// differences of.
public struct TrafficCounts: Sendable, Equatable {
    /// Requests answered (or failed upstream).
    public var requests: Double
    /// 5xx answers and upstream errors (no answer).
    public var errors: Double
    /// Answers by latency bucket (the router's ``MetricsWindow/latencyBoundsMs``); empty when unknown.
    public var latency: [Double]

    /// Creates counts.
    public init(requests: Double, errors: Double, latency: [Double] = []) {
        self.requests = requests
        self.errors = errors
        self.latency = latency
    }
}

/// Moves a service's traffic between the old and the new release (Gaara's router through its admin
/// API; a recording fake in tests). `route` replaces the service's groups and weights in one change, so
/// no request sees half of it.
public protocol TrafficControl: Sendable {
    /// Sends `weight` percent of `service`'s requests to `candidate` and the rest to `stable` (nil: there
    /// is no old release, and `weight` must be 100 or the candidate takes nothing yet).
    func route(service: String, stable: TrafficGroup?, candidate: TrafficGroup, weight: Int) async throws

    /// Waits (up to `timeout` seconds) until the requests already sent to `endpoints` have been answered:
    /// after a ``route(service:stable:candidate:weight:)`` that took them out, before they are stopped.
    func awaitDrained(service: String, endpoints: [TargetEndpoint], timeout: Double) async

    /// Each target group's (release's) counts of `service` since the router started.
    func counts(service: String) async throws -> [String: TrafficCounts]
}

extension TrafficControl {
    /// Nothing to wait for by default (a fake sends no requests).
    public func awaitDrained(service: String, endpoints: [TargetEndpoint], timeout: Double) async {}

    /// No counts by default: an analysis step over such a control fails and says so.
    public func counts(service: String) async throws -> [String: TrafficCounts] {
        throw DeployTargetError("this traffic control counts no requests: the canary cannot be analysed")
    }
}

/// A ``TrafficControl`` for tests: records each change.
public final class RecordingTraffic: TrafficControl {
    /// One recorded change.
    public struct Change: Sendable, Equatable {
        /// The old release's group.
        public var stable: TrafficGroup?
        /// The new release's group.
        public var candidate: TrafficGroup
        /// The new release's share.
        public var weight: Int
    }

    private let recorded = Mutex<[Change]>([])
    private let counted = Mutex<[String: TrafficCounts]>([:])
    /// What each read of ``counts(service:)`` adds, with the reads so far (nil: the counts set last stay).
    private let growth = Mutex<(perRead: [String: TrafficCounts], reads: Double)?>(nil)
    /// The error message a change to this weight fails with, if any.
    public let fail: @Sendable (Int) -> String?

    /// A fake; `fail` scripts failures by weight.
    public init(fail: @escaping @Sendable (Int) -> String? = { _ in nil }) {
        self.fail = fail
    }

    /// The changes so far.
    public var changes: [Change] { recorded.withLock { $0 } }

    /// Sets what ``counts(service:)`` answers from now on.
    public func setCounts(_ counts: [String: TrafficCounts]) { counted.withLock { $0 = counts } }

    /// Makes the counts grow by `perRead` at each read of ``counts(service:)``: traffic that moves
    /// with the reader, not the wall clock, so a test's verdict does not hang on how often a loaded
    /// machine lets a feeding task run.
    public func grow(perRead: [String: TrafficCounts]) { growth.withLock { $0 = (perRead, 0) } }

    /// The counts set last, or grown by one more read.
    public func counts(service: String) async throws -> [String: TrafficCounts] {
        let grown: [String: TrafficCounts]? = growth.withLock { state in
            guard var current = state else { return nil }
            current.reads += 1
            state = current
            return current.perRead.mapValues {
                TrafficCounts(
                    requests: $0.requests * current.reads, errors: $0.errors * current.reads, latency: $0.latency.map { $0 * current.reads })
            }
        }
        if let grown { setCounts(grown) }
        return counted.withLock { $0 }
    }

    /// Records the change (or fails as scripted).
    public func route(service: String, stable: TrafficGroup?, candidate: TrafficGroup, weight: Int) async throws {
        if let message = fail(weight) { throw DeployTargetError(message) }
        recorded.withLock { $0.append(Change(stable: stable, candidate: candidate, weight: weight)) }
    }
}

/// One health check of a release's endpoint.
public protocol HealthProbe: Sendable {
    /// nil when healthy; else what was seen (`HTTP 503`, `connection refused`).
    func check(_ endpoint: TargetEndpoint, path: String, timeout: Double) async -> String?
}

/// `GET path` through Gaara's one outbound HTTP client: a 2xx or 3xx answer within the timeout is healthy.
public struct HTTPHealthProbe: HealthProbe {
    /// Creates a probe.
    public init() {}

    /// One check.
    public func check(_ endpoint: TargetEndpoint, path: String, timeout: Double) async -> String? {
        let request = OutboundRequest(
            url: "http://\(endpoint)\(path)", headers: [("User-Agent", "gaara-deploy-health"), ("Connection", "close")], timeout: timeout,
            maxResponseBytes: 64 * 1024)
        do {
            let response = try await OutboundHTTP.shared.send(request)
            if (200..<400).contains(response.status) { return nil }
            let body = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "GET \(path): HTTP \(response.status)" + (body.isEmpty ? "" : ": \(body)")
        } catch {
            return "GET \(path): \(error)"
        }
    }
}
