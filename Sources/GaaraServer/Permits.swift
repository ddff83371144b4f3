/// A bound on how many callers do something at once (a counting semaphore for tasks): the others
/// wait their turn in order. Used to bound the memory of request bodies read before they are
/// verified.
actor Permits {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A bound of `count` at once.
    init(_ count: Int) {
        available = count
    }

    /// Waits for a permit; give it back with ``release()``.
    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Gives a permit back.
    func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
