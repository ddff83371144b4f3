/// Something that acts on lifecycle events: the commit-status publisher today; alerts, deploy
/// notifications, metrics and the audit trail next.
///
/// Contract: the ``EventBus`` calls ``consume(_:)`` for one event at a time, in the order the
/// events were published, from one task of the consumer's own. A slow consumer delays only its own
/// later events, never the publisher nor the other consumers. A consumer must not throw away an
/// event silently: a failure is logged, retried or recorded where a person can see it.
public protocol EventConsumer: Sendable {
    /// A short name for logs (`commit-status`).
    var name: String { get }

    /// Whether this consumer wants `event` (cheap; called on the publisher's task).
    func wants(_ event: LifecycleEvent) -> Bool

    /// Acts on one event. Returns when the consumer is done with it.
    func consume(_ event: LifecycleEvent) async
}

extension EventConsumer {
    /// Every event, unless the consumer says otherwise.
    public func wants(_ event: LifecycleEvent) -> Bool { true }
}

/// Where events are published. The ``EventBus`` is one; tests use a ``RecordingConsumer`` behind a
/// bus, or record directly.
public protocol EventSink: Sendable {
    /// Publishes `event`; never blocks on consumers.
    func publish(_ event: LifecycleEvent)
}
