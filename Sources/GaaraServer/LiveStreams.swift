import Synchronization

/// The open streams (`/api/runs/{id}/events`, log downloads) by the token that opened them:
/// revoking a token marks its streams, and each one ends when it next looks (an event stream
/// within about a second, its longest wait, which the revocation also wakes; a download before
/// its next 64 KiB).
final class LiveStreams: Sendable {
    /// One open stream.
    final class Stream: Sendable {
        /// The run it follows.
        let runID: Int64
        /// The token that opened it.
        let tokenID: Int64?
        private let revoked = Atomic(false)

        init(runID: Int64, tokenID: Int64?) {
            self.runID = runID
            self.tokenID = tokenID
        }

        /// Whether its token was revoked: it must send nothing more.
        var isRevoked: Bool { revoked.load(ordering: .acquiring) }

        fileprivate func revoke() { revoked.store(true, ordering: .releasing) }
    }

    private let registered = Mutex<[ObjectIdentifier: Stream]>([:])

    /// Records a stream opened with `tokenID`; ``close(_:)`` it when it ends.
    func open(runID: Int64, tokenID: Int64?) -> Stream {
        let stream = Stream(runID: runID, tokenID: tokenID)
        registered.withLock { $0[ObjectIdentifier(stream)] = stream }
        return stream
    }

    /// Forgets a stream that ended.
    func close(_ stream: Stream) {
        _ = registered.withLock { $0.removeValue(forKey: ObjectIdentifier(stream)) }
    }

    /// How many streams are open.
    var count: Int { registered.withLock { $0.count } }

    /// Marks every stream opened with `tokenID` revoked; returns the runs they follow.
    func revoke(tokenID: Int64) -> Set<Int64> {
        let streams = registered.withLock { $0.values.filter { $0.tokenID == tokenID } }
        for stream in streams { stream.revoke() }
        return Set(streams.map(\.runID))
    }
}
