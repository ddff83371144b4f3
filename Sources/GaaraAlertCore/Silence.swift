/// A silence: alerts its matchers match are not notified while it is active.
public struct Silence: Sendable, Equatable, Codable {
    /// Its id (to expire or update it).
    public var id: String
    /// What it mutes: every matcher must match.
    public var matchers: [LabelMatcher]
    /// When it starts muting (seconds since the epoch).
    public var startsAt: Double
    /// When it stops muting.
    public var endsAt: Double
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a silence.
    public init(id: String, matchers: [LabelMatcher], startsAt: Double, endsAt: Double, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether it mutes at `now`: from `startsAt` up to, not including, `endsAt`.
    public func isActive(at now: Double) -> Bool {
        startsAt <= now && now < endsAt
    }

    /// Whether it mutes an alert with `labels` at `now`.
    public func mutes(_ labels: AlertLabels, at now: Double) -> Bool {
        isActive(at: now) && !matchers.isEmpty && matchers.matches(labels)
    }

    /// Why it cannot be added, or nil: like Alertmanager, a silence needs a matcher that does not
    /// match the empty string (so that it cannot mute every alert by accident) and an end after
    /// its start.
    public var problem: String? {
        if id.isEmpty { return "a silence needs an id" }
        if matchers.isEmpty || matchers.allSatisfy({ $0.matches([:]) }) {
            return "a silence needs at least one matcher that does not match an empty value (service=\"api\", not service=~\".*\")"
        }
        if endsAt <= startsAt { return "a silence must end after it starts" }
        return nil
    }
}

/// A silence that could not be added, with why.
public struct SilenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// The message.
    public var description: String { message }
}
