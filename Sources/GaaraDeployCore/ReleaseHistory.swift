import Foundation

/// One release: a service's artifact deployed to an environment, numbered per environment and service.
public struct Release: Sendable, Equatable, Codable {
    /// Where a release stands.
    public enum State: String, Sendable, Equatable, Codable {
        /// Being rolled out.
        case deploying
        /// Serving the service's traffic.
        case live
        /// Replaced, still running or ready to start again for `gaara rollback`.
        case kept
        /// Replaced and beyond the environment's `keep`: stopped, not offered for rollback.
        case retired
        /// Its rollout was aborted (failed checks, smoke tests or an operator's abort).
        case failed
    }

    /// One entry of the release's history.
    public struct Event: Sendable, Equatable, Codable {
        /// When.
        public var time: Date
        /// What happened (`rolled out with blue-green`, `aborted: …`, `rolled back to`).
        public var text: String

        /// Creates an event.
        public init(time: Date, text: String) {
            self.time = time
            self.text = text
        }
    }

    /// Its number (1, 2, …) within the environment and service.
    public var number: Int
    /// The service.
    public var service: String
    /// The environment.
    public var environment: String
    /// What runs: `image@sha256:…` or `dir:sha256:…` (the release directory's content hash).
    public var artifact: String
    /// The release directory its copy is made from (command services).
    public var directory: String?
    /// The commit it was built from, when known.
    public var commit: String?
    /// Who deployed it.
    public var creator: String
    /// When it was created.
    public var created: Date
    /// Its state now.
    public var state: State
    /// Its history, oldest first.
    public var events: [Event]
    /// A replaced release left running for a quick rollback: when it is to be stopped (`scale-down-delay`).
    public var stopAfter: Date? = nil
    /// While it is `deploying` as a rollback's destination: the number of the live release it replaces.
    public var rollbackFrom: Int? = nil
    /// When its own rollout made it live (not a later rollback to it): a deployment, for DORA.
    public var deployedAt: Date? = nil
    /// When its own rollout was aborted: a failed deployment.
    public var failedAt: Date? = nil
    /// When traffic was rolled back to it from a newer release (each time).
    public var rolledBackTo: [Date]? = nil

    /// `backend-7`: the name of its target group in the router and its folder on targets.
    public var id: String { "\(service)-\(number)" }
}

/// Why a release operation cannot go ahead.
public struct ReleaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The releases of one environment and the rules that move them between states: a pure value, saved as
/// JSON by the local deployer (and as rows by the server later).
public struct ReleaseHistory: Sendable, Equatable, Codable {
    /// The environment.
    public var environment: String
    /// Every release, oldest first.
    public private(set) var releases: [Release] = []

    /// An empty history.
    public init(environment: String) {
        self.environment = environment
    }

    /// The release serving `service` now.
    public func live(_ service: String) -> Release? {
        releases.last { $0.service == service && $0.state == .live }
    }

    /// The release of `service` being rolled out (or whose rollout was interrupted), if any.
    public func deploying(_ service: String) -> Release? {
        releases.last { $0.service == service && $0.state == .deploying }
    }

    /// The release numbered `number` of `service`.
    public func release(_ service: String, number: Int) -> Release? {
        releases.first { $0.service == service && $0.number == number }
    }

    /// The releases of `service`, newest first.
    public func history(_ service: String) -> [Release] {
        releases.filter { $0.service == service }.reversed()
    }

    /// Records a new release of `service` as deploying and returns it. Refused while another release
    /// of the service is deploying (one rollout at a time).
    public mutating func begin(
        service: String, artifact: String, directory: String?, commit: String?, creator: String, now: Date
    ) throws(ReleaseError) -> Release {
        if let running = releases.last(where: { $0.service == service && $0.state == .deploying }) {
            throw ReleaseError("\(running.id) is still being rolled out to \(environment); wait for it or abort it first")
        }
        let number = (releases.filter { $0.service == service }.map(\.number).max() ?? 0) + 1
        let release = Release(
            number: number, service: service, environment: environment, artifact: artifact, directory: directory, commit: commit,
            creator: creator, created: now, state: .deploying, events: [Release.Event(time: now, text: "created by \(creator)")])
        releases.append(release)
        return release
    }

    /// The rollout of `number` succeeded: it is live, the release it replaced is kept, and releases
    /// beyond the newest `keep` kept ones are retired. Returns the retired ones (to stop on their targets).
    public mutating func succeeded(_ service: String, number: Int, keep: Int, now: Date, note: String) -> [Release] {
        for index in releases.indices where releases[index].service == service {
            if releases[index].number == number {
                if releases[index].rollbackFrom != nil {
                    releases[index].rolledBackTo = (releases[index].rolledBackTo ?? []) + [now]
                } else if releases[index].deployedAt == nil {
                    releases[index].deployedAt = now
                }
                releases[index].state = .live
                releases[index].rollbackFrom = nil
                releases[index].events.append(.init(time: now, text: note))
            } else if releases[index].state == .live {
                releases[index].state = .kept
                releases[index].stopAfter = nil
                releases[index].events.append(.init(time: now, text: "replaced by \(service)-\(number)"))
            }
        }
        let kept = releases.indices.filter { releases[$0].service == service && releases[$0].state == .kept }.sorted {
            releases[$0].number > releases[$1].number
        }
        var retired: [Release] = []
        for index in kept.dropFirst(max(0, keep)) {
            releases[index].state = .retired
            releases[index].stopAfter = nil
            releases[index].events.append(.init(time: now, text: "retired (more than \(keep) kept)"))
            retired.append(releases[index])
        }
        return retired
    }

    /// The rollout of `number` ended without it taking the traffic: a new release has failed; a
    /// rollback's destination goes back to kept (it may be tried again).
    public mutating func failed(_ service: String, number: Int, reason: String, now: Date) {
        guard let index = releases.firstIndex(where: { $0.service == service && $0.number == number }) else { return }
        if releases[index].rollbackFrom != nil {
            releases[index].state = .kept
            releases[index].rollbackFrom = nil
            releases[index].events.append(.init(time: now, text: "rollback aborted: \(reason)"))
        } else if releases[index].state == .deploying {
            releases[index].state = .failed
            releases[index].failedAt = now
            releases[index].events.append(.init(time: now, text: "aborted: \(reason)"))
        }
    }

    /// The release a rollback of `service` goes to: `number`, or the newest kept one. It must be kept
    /// (a live, failed or retired release is refused with the reason).
    public func rollbackTarget(_ service: String, to number: Int?) throws(ReleaseError) -> Release {
        guard let live = live(service) else { throw ReleaseError("\(service) has no live release in \(environment) to roll back from") }
        if let number {
            guard let release = release(service, number: number) else {
                throw ReleaseError("\(environment) has no release \(service)-\(number)")
            }
            switch release.state {
            case .kept: return release
            case .live: throw ReleaseError("\(release.id) is already live in \(environment)")
            case .retired: throw ReleaseError("\(release.id) was retired (beyond the environment's 'keep'); deploy it again instead")
            case .failed, .deploying:
                throw ReleaseError("\(release.id) never served traffic (\(release.state.rawValue)); it cannot be rolled back to")
            }
        }
        guard
            let previous = releases.last(where: { $0.service == service && $0.state == .kept && $0.number < live.number })
                ?? releases.last(where: { $0.service == service && $0.state == .kept })
        else {
            throw ReleaseError("\(service) has no kept release in \(environment) to roll back to")
        }
        return previous
    }

    /// Leaves the replaced release `number` running until `time` (the scale-down delay).
    public mutating func keepRunning(_ service: String, number: Int, until time: Date) {
        guard let index = releases.firstIndex(where: { $0.service == service && $0.number == number }) else { return }
        releases[index].stopAfter = time
    }

    /// Kept releases whose scale-down time has come (to stop now); their times are cleared.
    public mutating func dueForScaleDown(now: Date) -> [Release] {
        var due: [Release] = []
        for index in releases.indices where releases[index].stopAfter.map({ $0 <= now }) ?? false {
            releases[index].stopAfter = nil
            releases[index].events.append(.init(time: now, text: "stopped after its scale-down delay"))
            due.append(releases[index])
        }
        return due
    }

    /// Marks `to` as deploying for a rollback from `from` (the live release).
    public mutating func beginRollback(_ service: String, from: Int, to: Int, creator: String, now: Date) {
        guard let index = releases.firstIndex(where: { $0.service == service && $0.number == to }) else { return }
        releases[index].state = .deploying
        releases[index].rollbackFrom = from
        releases[index].events.append(.init(time: now, text: "rollback from \(service)-\(from) started by \(creator)"))
    }
}
