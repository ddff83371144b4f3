/// `concurrency:` groups: at most one running and one pending holder per group. A new holder
/// with `cancel-in-progress` cancels the running one; a new pending holder replaces (cancels) the
/// older pending one, as GitHub does.
public actor ConcurrencyGroups {
    private struct Waiter {
        let id: Int
        let cancel: @Sendable () -> Void
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Group {
        var holder: (id: Int, cancel: @Sendable () -> Void)?
        var pending: Waiter?
    }

    private var groups: [String: Group] = [:]
    private var nextID = 0

    /// Creates an empty registry.
    public init() {}

    /// Waits for the group; returns an id to release it with, or nil when this holder was
    /// superseded while pending (it must then end as cancelled).
    func acquire(_ name: String, cancelInProgress: Bool, cancel: @escaping @Sendable () -> Void) async -> Int? {
        nextID += 1
        let id = nextID
        var group = groups[name] ?? Group()
        if group.holder == nil {
            group.holder = (id, cancel)
            groups[name] = group
            return id
        }
        if cancelInProgress { group.holder?.cancel() }
        if let older = group.pending {
            older.cancel()
            older.continuation.resume(returning: false)
            group.pending = nil
        }
        groups[name] = group
        let granted = await withCheckedContinuation { continuation in
            groups[name]?.pending = Waiter(id: id, cancel: cancel, continuation: continuation)
        }
        return granted ? id : nil
    }

    /// Releases the group held by `id` and hands it to the pending holder.
    func release(_ name: String, id: Int) {
        guard var group = groups[name], group.holder?.id == id else { return }
        if let pending = group.pending {
            group.holder = (pending.id, pending.cancel)
            group.pending = nil
            groups[name] = group
            pending.continuation.resume(returning: true)
        } else {
            groups[name] = nil
        }
    }
}
