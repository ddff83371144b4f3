import Foundation
import Synchronization

/// The time as the environment desk sees it: now, and sleeping until a moment. The server uses
/// the wall clock; tests use ``ManualClock`` to run a 10-minute wait timer in milliseconds.
public protocol DeskClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `date` or later; throws `CancellationError` when the task is cancelled.
    func sleep(until date: Date) async throws
}

/// The wall clock.
public struct WallClock: DeskClock {
    /// Creates the clock.
    public init() {}

    /// The current time.
    public func now() -> Date { Date() }

    /// Sleeps in steps of at most a minute, so a changed system time is noticed within one.
    public func sleep(until date: Date) async throws {
        while true {
            let left = date.timeIntervalSinceNow
            if left <= 0 { return }
            try await Task.sleep(for: .seconds(min(left, 60)))
        }
    }
}

/// A clock that moves only when told (``advance(by:)``), for tests of timers.
public final class ManualClock: DeskClock {
    private struct Sleeper {
        let id: UUID
        let until: Date
        let continuation: CheckedContinuation<Void, any Error>
    }
    private let state: Mutex<(now: Date, sleepers: [Sleeper])>

    /// Starts at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex((start, []))
    }

    /// The clock's time.
    public func now() -> Date { state.withLock { $0.now } }

    /// Moves the clock and wakes the sleepers whose time came.
    public func advance(by seconds: TimeInterval) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.until <= now }
            state.sleepers.removeAll { $0.until <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// How many tasks sleep on the clock now.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    /// Returns once the clock has been advanced to `date`.
    public func sleep(until date: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.now >= date { return true }
                    if Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, until: date, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
