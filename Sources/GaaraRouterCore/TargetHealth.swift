/// The life of one upstream target: it is added, becomes healthy after enough good checks, may
/// turn unhealthy (active checks) or be ejected for a while (passive: consecutive upstream errors),
/// drains when it leaves, and is removed. Only a healthy, non-ejected target gets new requests.
public struct TargetHealth: Sendable, Equatable {
    /// Where a target is in its life.
    public enum State: String, Sendable, Codable {
        case adding, healthy, unhealthy, draining, removed
    }

    /// Thresholds for active and passive checks.
    public struct Settings: Sendable, Equatable, Codable {
        /// Good checks in a row that make a target healthy.
        public var healthyThreshold = 2
        /// Failed checks in a row that make it unhealthy.
        public var unhealthyThreshold = 3
        /// Upstream errors in a row (connect failures, resets, 502/503/504) that eject it.
        public var ejectAfterErrors = 5
        /// How long an ejected target gets no traffic (seconds).
        public var ejectFor = 10.0

        /// Defaults: 2 good, 3 bad, eject after 5 errors for 10 s.
        public init() {}
    }

    /// The state.
    public private(set) var state: State = .adding
    private var goodInARow = 0
    private var badInARow = 0
    /// Upstream errors since the last good answer.
    public private(set) var errorsInARow = 0
    /// Until when (seconds, monotonic) the target is ejected.
    public private(set) var ejectedUntil: Double?
    /// The state it had when it started draining (``revive()`` goes back to it).
    private var drainedFrom: State?

    /// A new target, not yet healthy.
    public init() {}

    /// Whether new requests may go to it at `now`.
    public func isEligible(at now: Double) -> Bool {
        state == .healthy && (ejectedUntil.map { now >= $0 } ?? true)
    }

    /// Takes an active health check result; returns the new state when it changed.
    @discardableResult
    public mutating func checked(ok: Bool, settings: Settings) -> State? {
        guard state != .draining, state != .removed else { return nil }
        if ok {
            goodInARow += 1
            badInARow = 0
            if state != .healthy, goodInARow >= settings.healthyThreshold {
                state = .healthy
                return state
            }
        } else {
            badInARow += 1
            goodInARow = 0
            if state == .healthy, badInARow >= settings.unhealthyThreshold {
                state = .unhealthy
                return state
            }
        }
        return nil
    }

    /// Takes the outcome of a proxied request; returns true when it ejected the target.
    @discardableResult
    public mutating func served(ok: Bool, at now: Double, settings: Settings) -> Bool {
        if ok {
            errorsInARow = 0
            return false
        }
        errorsInARow += 1
        guard errorsInARow >= settings.ejectAfterErrors, ejectedUntil.map({ now >= $0 }) ?? true else { return false }
        ejectedUntil = now + settings.ejectFor
        errorsInARow = 0
        return true
    }

    /// Makes a target healthy at once (services without active health checks).
    public mutating func markHealthy() {
        if state == .adding || state == .unhealthy { state = .healthy }
    }

    /// Starts draining: no new requests, in-flight ones finish.
    public mutating func drain() {
        guard state != .removed, state != .draining else { return }
        drainedFrom = state
        state = .draining
    }

    /// Takes a draining target back (it was listed again before its last request finished) with
    /// the health it had: a healthy target stays healthy instead of waiting for new checks while
    /// requests find no target. Returns false when it was not draining.
    @discardableResult
    public mutating func revive() -> Bool {
        guard state == .draining, let from = drainedFrom else { return false }
        state = from
        drainedFrom = nil
        return true
    }

    /// Marks it removed.
    public mutating func remove() {
        state = .removed
    }
}
