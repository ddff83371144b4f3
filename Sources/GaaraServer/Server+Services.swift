import GaaraEvents
import ServiceLifecycle

/// Runs the ``EventBus`` as a service: its consumers drain their queues until graceful shutdown,
/// which comes last (the service is first in the group), so the events of the runs that the
/// shutdown stopped are consumed too. Consumers get `grace` seconds for that; a receiver that
/// hangs longer does not hold the stop (its deliveries stay pending in the delivery log).
struct EventBusService: ServiceLifecycle.Service {
    let bus: EventBus
    var grace: Double = 5

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await bus.run() }
            group.addTask {
                // Returns at graceful shutdown, or throws at once when the group is cancelled.
                try? await gracefulShutdown()
                bus.finish()
                try? await Task.sleep(for: .milliseconds(Int(grace * 1000)))
            }
            // Whichever ends first (drained, or out of time) ends the other.
            await group.next()
            group.cancelAll()
        }
    }
}

/// Keeps the ``RunQueue`` for the service group: on graceful shutdown (or cancellation) it stops
/// every run and waits until each has recorded its end.
struct RunQueueService: ServiceLifecycle.Service {
    let queue: RunQueue

    func run() async throws {
        try? await gracefulShutdown()
        await queue.stopAll()
    }
}
