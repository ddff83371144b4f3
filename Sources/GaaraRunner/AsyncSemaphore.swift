import Synchronization

/// A counting semaphore for tasks: `acquire` suspends (without blocking a thread) until one of
/// `limit` places is free; places are handed to waiters in the order they came.
///
/// A job with background steps uses two: its baton (one place), the right to run the job's step
/// logic, and its background slots (GitHub's limit of 10 background steps running at once).
final class AsyncSemaphore: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// A semaphore with `limit` places, all free.
    init(limit: Int) {
        state = Mutex(State(free: limit))
    }

    /// Takes a place if one is free now.
    func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.free > 0 else { return false }
            state.free -= 1
            return true
        }
    }

    /// Takes a place, waiting for one when none is free.
    func acquire() async {
        if tryAcquire() { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Gives a place back: to the first waiter, or to the free ones.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
