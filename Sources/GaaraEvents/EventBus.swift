import Synchronization

/// The one lifecycle event stream: fans each published event out to every consumer that wants it.
///
/// ``publish(_:)`` only appends to each consumer's queue (unbounded: events are small and rare
/// next to log lines), so a run is never delayed by a slow or hung consumer. ``run()`` drains the
/// queues, each consumer on a task of its own, in publication order, until ``finish()``; events
/// already queued are still consumed after it, so a graceful stop loses none.
public final class EventBus: EventSink, Sendable {
    private let consumers: [any EventConsumer]
    private let queues: [(stream: AsyncStream<LifecycleEvent>, continuation: AsyncStream<LifecycleEvent>.Continuation)]

    /// A bus for `consumers`.
    public init(consumers: [any EventConsumer]) {
        self.consumers = consumers
        queues = consumers.map { _ in AsyncStream.makeStream(of: LifecycleEvent.self, bufferingPolicy: .unbounded) }
    }

    /// Queues `event` for every consumer that wants it.
    public func publish(_ event: LifecycleEvent) {
        for (consumer, queue) in zip(consumers, queues) where consumer.wants(event) {
            queue.continuation.yield(event)
        }
    }

    /// Consumes events until ``finish()`` and every queued event was consumed.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for (consumer, queue) in zip(consumers, queues) {
                group.addTask {
                    for await event in queue.stream { await consumer.consume(event) }
                }
            }
        }
    }

    /// Accepts no more events; ``run()`` returns once the queued ones are consumed.
    public func finish() {
        for queue in queues { queue.continuation.finish() }
    }
}

/// A consumer that keeps every event it gets, for tests of the layers that publish.
public final class RecordingConsumer: EventConsumer {
    /// The consumer's name.
    public let name: String
    private let recorded = Mutex<[LifecycleEvent]>([])

    /// A recorder called `name`.
    public init(name: String = "recording") {
        self.name = name
    }

    /// Records `event`.
    public func consume(_ event: LifecycleEvent) async {
        recorded.withLock { $0.append(event) }
    }

    /// The events so far, in order.
    public var events: [LifecycleEvent] { recorded.withLock { $0 } }
}

/// A sink that records what is published without a bus (for the pure layers' tests).
public final class RecordingSink: EventSink {
    private let recorded = Mutex<[LifecycleEvent]>([])

    /// An empty recorder.
    public init() {}

    /// Records `event`.
    public func publish(_ event: LifecycleEvent) {
        recorded.withLock { $0.append(event) }
    }

    /// The events so far, in order.
    public var events: [LifecycleEvent] { recorded.withLock { $0 } }
}
