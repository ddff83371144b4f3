/// An alert of a repository as the server last evaluated it (`GET /api/repos/{repo}/alerts`).
public struct AlertJSON: Codable, Sendable, Equatable {
    /// The rule's name (`alertname`).
    public var name: String
    /// `pending` or `firing`.
    public var state: String
    /// Its labels.
    public var labels: [String: String]
    /// Its annotations, rendered with the latest value.
    public var annotations: [String: String]
    /// The latest value.
    public var value: Double
    /// Since when its condition holds (ISO 8601).
    public var activeAt: String
    /// Since when it fires (ISO 8601), if it does.
    public var firedAt: String?
    /// Whether a silence or an inhibition mutes it.
    public var muted: Bool

    /// Creates a value.
    public init(
        name: String, state: String, labels: [String: String], annotations: [String: String], value: Double, activeAt: String, firedAt: String?,
        muted: Bool
    ) {
        self.name = name
        self.state = state
        self.labels = labels
        self.annotations = annotations
        self.value = value
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.muted = muted
    }
}

/// A silence (`GET /api/repos/{repo}/silences`).
public struct SilenceJSON: Codable, Sendable, Equatable {
    /// Its id.
    public var id: String
    /// Its matchers (`alertname="HighCPU"`).
    public var matchers: [String]
    /// When it starts and ends (ISO 8601).
    public var startsAt: String
    /// See ``startsAt``.
    public var endsAt: String
    /// `active`, `pending` or `ended`.
    public var state: String
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a value.
    public init(id: String, matchers: [String], startsAt: String, endsAt: String, state: String, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.state = state
        self.createdBy = createdBy
        self.comment = comment
    }
}

/// What `POST /api/repos/{repo}/silences` takes.
public struct CreateSilenceBody: Codable, Sendable, Equatable {
    /// Label matchers, all of which must match (`alertname=HighCPU`, `host=~"web-.*"`).
    public var matchers: [String]
    /// How long: a duration (`2h`, `30m`).
    public var duration: String
    /// Why.
    public var comment: String?

    /// Creates a body.
    public init(matchers: [String], duration: String, comment: String? = nil) {
        self.matchers = matchers
        self.duration = duration
        self.comment = comment
    }
}
