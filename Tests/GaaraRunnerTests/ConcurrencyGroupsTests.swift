import Synchronization
import Testing

@testable import GaaraRunner

/// The concurrency-group registry: who holds, who waits, who is cancelled, whatever order the
/// holders' tasks reach it in.
@Suite struct ConcurrencyGroupsTests {
    /// Counts the cancel calls a holder receives.
    final class Cancels: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func cancel() { count.withLock { $0 += 1 } }
    }

    @Test func anOlderHolderArrivingLateIsSupersededAndTheNewerKeepsTheGroup() async {
        let groups = ConcurrencyGroups()
        let newer = Cancels()
        let older = Cancels()
        // The job started second reaches the group first (its task ran first).
        let newerID = await groups.acquire("job:shared", order: .init(run: 7, sequence: 2), cancelInProgress: true, cancel: newer.cancel)
        let olderID = await groups.acquire("job:shared", order: .init(run: 7, sequence: 1), cancelInProgress: true, cancel: older.cancel)
        #expect(newerID != nil)
        #expect(olderID == nil)
        #expect(newer.value == 0)
    }

    @Test func withoutCancelInProgressAnOlderHolderArrivingLateWaitsItsTurn() async {
        let groups = ConcurrencyGroups()
        let newer = Cancels()
        // The job declared second reaches the group first; the first one must wait, not be
        // cancelled, and must not cancel the newer one.
        let newerID = await groups.acquire("job:deploy", order: .init(run: 4, sequence: 2), cancelInProgress: false, cancel: newer.cancel)
        let older = Task {
            await groups.acquire("job:deploy", order: .init(run: 4, sequence: 1), cancelInProgress: false, cancel: {})
        }
        while await !groups.hasPending("job:deploy") { await Task.yield() }
        #expect(newer.value == 0)
        await groups.release("job:deploy", id: newerID!)
        #expect(await older.value != nil)
    }

    @Test func aNewerHolderWithCancelInProgressCancelsTheRunningOneAndGetsTheGroupOnRelease() async {
        let groups = ConcurrencyGroups()
        let older = Cancels()
        let olderID = await groups.acquire("workflow:deploy", order: .init(run: 1, sequence: 0), cancelInProgress: true, cancel: older.cancel)
        #expect(olderID != nil)
        let waiting = Task {
            await groups.acquire("workflow:deploy", order: .init(run: 2, sequence: 0), cancelInProgress: true, cancel: {})
        }
        while older.value == 0 { await Task.yield() }
        await groups.release("workflow:deploy", id: olderID!)
        #expect(await waiting.value != nil)
    }

    @Test func withoutCancelInProgressANewerPendingHolderReplacesTheOlderPendingOne() async {
        let groups = ConcurrencyGroups()
        let running = Cancels()
        let firstPending = Cancels()
        let holderID = await groups.acquire("job:g", order: .init(run: 1, sequence: 1), cancelInProgress: false, cancel: running.cancel)
        let first = Task { await groups.acquire("job:g", order: .init(run: 2, sequence: 1), cancelInProgress: false, cancel: firstPending.cancel) }
        // Wait until the first pending holder is parked before the second arrives.
        while await !groups.hasPending("job:g") { await Task.yield() }
        let second = Task { await groups.acquire("job:g", order: .init(run: 3, sequence: 1), cancelInProgress: false, cancel: {}) }
        #expect(await first.value == nil)
        #expect(firstPending.value == 1)
        #expect(running.value == 0)
        await groups.release("job:g", id: holderID!)
        #expect(await second.value != nil)
    }
}
