import Foundation
import NIOCore
import Synchronization

/// One reader of a run's logs shared by every live subscriber: it follows the step logs once,
/// encodes each new piece as a server-sent `log` event once, and keeps the encoded events so each
/// subscriber only writes the same buffers to its socket. Fifty subscribers cost little more than
/// one, so watching a run does not slow the run.
///
/// Events stay in memory while anybody subscribes, up to ``retainedBytes``; past that, events every
/// subscriber has sent are dropped, and a newcomer who would need them reads the files itself.
final class LogFeed: Sendable {
    private struct State {
        var events: [ByteBuffer] = []
        /// Index of `events[0]` in the whole sequence.
        var base = 0
        var bytes = 0
        var finished = false
        /// Next index of each subscriber.
        var positions: [Int: Int] = [:]
        var nextSubscriber = 0
        /// Each waiting subscriber's continuation.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    /// How many encoded bytes are kept for subscribers that joined late.
    static let retainedBytes = 64 * 1024 * 1024

    let runID: Int64
    private let state = Mutex(State())

    init(runID: Int64) {
        self.runID = runID
    }

    /// Adds a subscriber starting at the first event; nil when the first events were already dropped.
    func subscribe() -> Int? {
        state.withLock { state in
            guard state.base == 0 else { return nil }
            state.nextSubscriber += 1
            state.positions[state.nextSubscriber] = 0
            return state.nextSubscriber
        }
    }

    /// How many subscribers the feed has.
    var subscribers: Int {
        state.withLock { $0.positions.count }
    }

    /// Whether a subscriber is waiting in ``wait(_:timeout:)`` now.
    func isWaiting(_ id: Int) -> Bool {
        state.withLock { $0.waiters[id] != nil }
    }

    /// Removes a subscriber; returns how many remain.
    func unsubscribe(_ id: Int) -> Int {
        state.withLock { state in
            state.positions[id] = nil
            return state.positions.count
        }
    }

    /// The events a subscriber has not sent yet, about `limit` bytes of them at most (at least one),
    /// marking them sent; `finished` when the feed is over and the subscriber has everything.
    func take(_ id: Int, limit: Int = .max) -> (events: [ByteBuffer], finished: Bool) {
        state.withLock { state in
            let position = max(state.positions[id] ?? state.base, state.base)
            var end = position - state.base
            var bytes = 0
            while end < state.events.count, bytes < limit {
                bytes += state.events[end].readableBytes
                end += 1
            }
            let events = Array(state.events[(position - state.base)..<end])
            state.positions[id] = state.base + end
            trim(&state)
            return (events, state.finished && end == state.events.count)
        }
    }

    /// Waits until events arrive past what `id` has taken, the feed ends, or `timeout` passes.
    func wait(_ id: Int, timeout: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.finished || (state.positions[id] ?? 0) < state.base + state.events.count { return true }
                state.waiters[id]?.resume()
                state.waiters[id] = continuation
                return false
            }
            if ready {
                continuation.resume()
            } else {
                // Only this subscriber's wait times out (waking everybody on each timeout made
                // fifty idle subscribers wake each other thousands of times a second).
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                    state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
                }
            }
        }
    }

    /// Bytes encoded but not yet taken by the fastest subscriber: the producer stays at most about
    /// a megabyte ahead, so throttled subscribers do not make it read and encode the log early.
    var backlog: Int {
        state.withLock { state in
            let fastest = state.positions.values.max() ?? state.base
            let start = max(fastest - state.base, 0)
            return state.events[start...].reduce(0) { $0 + $1.readableBytes }
        }
    }

    /// Appends encoded events (the producer).
    func append(_ events: [ByteBuffer]) {
        guard !events.isEmpty else { return }
        state.withLock { state in
            state.events += events
            state.bytes += events.reduce(0) { $0 + $1.readableBytes }
            trim(&state)
        }
        wakeAll()
    }

    /// Marks the end of the logs (the producer).
    func finish() {
        state.withLock { $0.finished = true }
        wakeAll()
    }

    private func wakeAll() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Drops the oldest events past the retention size once every subscriber has sent them.
    private func trim(_ state: inout State) {
        let slowest = state.positions.values.min() ?? (state.base + state.events.count)
        var dropped = 0
        while state.bytes > Self.retainedBytes, dropped < state.events.count, state.base + dropped < slowest {
            state.bytes -= state.events[dropped].readableBytes
            dropped += 1
        }
        if dropped > 0 {
            state.events.removeFirst(dropped)
            state.base += dropped
        }
    }
}

/// The live ``LogFeed`` of each watched run, with the task that produces it.
final class LogFeeds: Sendable {
    private let feeds = Mutex<[Int64: LogFeed]>([:])

    /// Joins the run's feed, starting its producer when it is the first subscriber. Returns nil
    /// when a feed runs but its beginning is gone (the caller reads the files itself).
    func join(_ runID: Int64, start: (LogFeed) -> Void) -> (LogFeed, Int)? {
        let (feed, created) = feeds.withLock { feeds -> (LogFeed, Bool) in
            if let feed = feeds[runID] { return (feed, false) }
            let feed = LogFeed(runID: runID)
            feeds[runID] = feed
            return (feed, true)
        }
        guard let id = feed.subscribe() else { return nil }
        if created { start(feed) }
        return (feed, id)
    }

    /// Leaves a feed; the last subscriber out removes it (its producer then stops).
    func leave(_ feed: LogFeed, _ id: Int) {
        feeds.withLock { feeds in
            if feed.unsubscribe(id) == 0, feeds[feed.runID] === feed { feeds[feed.runID] = nil }
        }
    }

    /// Removes a finished feed so later subscribers start a fresh one.
    func remove(_ feed: LogFeed) {
        feeds.withLock { feeds in
            if feeds[feed.runID] === feed { feeds[feed.runID] = nil }
        }
    }

    /// Whether the run's feed is still registered.
    func isActive(_ feed: LogFeed) -> Bool {
        feeds.withLock { $0[feed.runID] === feed }
    }
}
