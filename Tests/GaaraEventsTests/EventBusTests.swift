import GaaraEvents
import Synchronization
import Testing

/// A consumer that takes its time with every event (to show it delays no one else).
private final class SlowConsumer: EventConsumer {
    let name = "slow"
    let seen = Mutex<[String]>([])

    func consume(_ event: LifecycleEvent) async {
        try? await Task.sleep(for: .milliseconds(20))
        seen.withLock { $0.append(event.name) }
    }
}

/// A consumer of commit statuses only.
private final class StatusOnly: EventConsumer {
    let name = "statuses"
    let seen = Mutex<[String]>([])

    func wants(_ event: LifecycleEvent) -> Bool {
        if case .commitStatus = event.kind { return true }
        return false
    }

    func consume(_ event: LifecycleEvent) async {
        if case .commitStatus(let change) = event.kind { seen.withLock { $0.append(change.state) } }
    }
}

private let run = RunReference(id: 7, repository: "app", workflow: "CI", number: 3, sha: "abc", ref: "refs/heads/main", url: "http://x/runs/7")

private func status(_ state: String) -> LifecycleEvent {
    LifecycleEvent(
        .commitStatus(
            CommitStatusChange(
                repository: "app", upstream: "o/app", sha: "abc", context: "gaara/CI", state: state, description: "", targetURL: "", runID: 7)))
}

@Suite struct EventBusTests {
    @Test func everyConsumerGetsWhatItWantsInOrder() async {
        let recorder = RecordingConsumer()
        let statuses = StatusOnly()
        let bus = EventBus(consumers: [recorder, statuses])
        let published: [LifecycleEvent] = [
            LifecycleEvent(.runStarted(run)), status("pending"), LifecycleEvent(.jobStarted(run, job: "build")),
            LifecycleEvent(.jobFinished(run, job: "build", conclusion: "success")), status("success"),
            LifecycleEvent(.runFinished(run, conclusion: "success")),
        ]
        for event in published { bus.publish(event) }
        bus.finish()
        await bus.run()
        #expect(recorder.events == published)
        #expect(statuses.seen.withLock { $0 } == ["pending", "success"])
    }

    @Test func publishingNeverWaitsForASlowConsumer() async {
        let slow = SlowConsumer()
        let bus = EventBus(consumers: [slow])
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<50 { bus.publish(LifecycleEvent(.runStarted(run))) }
        // 50 events at 20 ms each take a second to consume; publishing them takes no part of that.
        #expect(clock.now - started < .milliseconds(500))
        bus.finish()
        await bus.run()
        #expect(slow.seen.withLock { $0.count } == 50)
    }

    @Test func eventsQueuedBeforeFinishAreStillConsumed() async {
        let recorder = RecordingConsumer()
        let bus = EventBus(consumers: [recorder])
        let running = Task { await bus.run() }
        bus.publish(LifecycleEvent(.runStarted(run)))
        bus.publish(LifecycleEvent(.runFinished(run, conclusion: "failure")))
        bus.finish()
        await running.value
        #expect(recorder.events.map(\.name) == ["run.started", "run.finished"])
    }

    @Test(arguments: [
        (LifecycleEvent.Kind.runQueued(run), "run.queued"), (.gatesEvaluated(run, passed: false, failed: ["gaara/coverage"]), "gates.evaluated"),
        (.targetHealth(TargetHealthChange(target: "127.0.0.1:9001", from: "healthy", to: "unhealthy")), "target.health"),
    ])
    func eventNames(kind: LifecycleEvent.Kind, name: String) {
        #expect(LifecycleEvent(kind).name == name)
    }
}
