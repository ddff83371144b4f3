/// `concurrency:` groups: at most one running and one pending holder per group. A new holder
/// with `cancel-in-progress` cancels the running one; a new pending holder replaces (cancels) the
/// older pending one, as GitHub does.
public actor ConcurrencyGroups {
    /// A holder's place in time: its run, then its place among the run's starts. Jobs of one run
    /// that start together reach the group in whatever order their tasks run; the order the
    /// scheduler started them in decides instead, so the later-declared job is the newer one.
    struct Order: Comparable, Sendable {
        let run: Int
        let sequence: Int

        static func < (lhs: Order, rhs: Order) -> Bool { (lhs.run, lhs.sequence) < (rhs.run, rhs.sequence) }
    }

    private struct Waiter {
        let id: Int
        let order: Order
        let cancelInProgress: Bool
        let cancel: @Sendable () -> Void
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Group {
        var holder: (id: Int, order: Order, cancelInProgress: Bool, cancel: @Sendable () -> Void)?
        var pending: Waiter?
    }

    private var groups: [String: Group] = [:]
    private var nextID = 0

    /// Creates an empty registry.
    public init() {}

    /// Waits for the group; returns an id to release it with, or nil when this holder was
    /// superseded while pending (it must then end as cancelled). `order` is the holder's place in
    /// time (nil: arrival order). A holder that arrives after a newer one is treated as if it had
    /// come first: it is superseded when the newer one waits (it would have replaced it) or holds
    /// with `cancel-in-progress` (it would have cancelled it); otherwise it waits its turn, and
    /// never cancels the newer one.
    func acquire(_ name: String, order: Order? = nil, cancelInProgress: Bool, cancel: @escaping @Sendable () -> Void) async -> Int? {
        nextID += 1
        let id = nextID
        let order = order ?? Order(run: Int.max, sequence: id)
        var group = groups[name] ?? Group()
        guard let holder = group.holder else {
            group.holder = (id, order, cancelInProgress, cancel)
            groups[name] = group
            return id
        }
        // Newer holders already came: this one was superseded before it arrived.
        if group.pending.map({ $0.order > order }) ?? false { return nil }
        let arrivedLate = holder.order > order
        if arrivedLate && holder.cancelInProgress { return nil }
        if cancelInProgress && !arrivedLate { group.holder?.cancel() }
        if let older = group.pending {
            older.cancel()
            older.continuation.resume(returning: false)
            group.pending = nil
        }
        groups[name] = group
        let granted = await withCheckedContinuation { continuation in
            groups[name]?.pending = Waiter(
                id: id, order: order, cancelInProgress: cancelInProgress, cancel: cancel, continuation: continuation)
        }
        return granted ? id : nil
    }

    /// Releases the group held by `id` and hands it to the pending holder.
    func release(_ name: String, id: Int) {
        guard var group = groups[name], group.holder?.id == id else { return }
        if let pending = group.pending {
            group.holder = (pending.id, pending.order, pending.cancelInProgress, pending.cancel)
            group.pending = nil
            groups[name] = group
            pending.continuation.resume(returning: true)
        } else {
            groups[name] = nil
        }
    }

    /// Whether a holder waits for the group (for tests that must order arrivals).
    func hasPending(_ name: String) -> Bool { groups[name]?.pending != nil }
}
