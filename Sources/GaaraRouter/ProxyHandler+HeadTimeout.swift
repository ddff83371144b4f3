import NIOCore
import NIOHTTP1

/// Request heads that take too long (`--header-timeout`): the timer a connection keeps while a head is awaited.
extension ProxyHandler {

    /// Waits for a request head from `since` on (`idle`: after an answer, nothing of the head read yet).
    func awaitHead(since: NIODeadline, idle: Bool) {
        let deadline = since + headerTimeout
        headDeadline = deadline
        headIdle = idle
        if headTimer == nil { scheduleHeadTimer(at: deadline) }
    }

    /// A head came (or the connection became a tunnel): no head is awaited until the next answer is done.
    func stopWaitingForHead() {
        headDeadline = nil
        headIdle = false
    }

    /// Fires at `deadline`, or re-arms for a later one when a head started meanwhile.
    func scheduleHeadTimer(at deadline: NIODeadline) {
        guard let context else { return }
        headTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            headTimer = nil
            guard let deadline = headDeadline, self.context != nil else { return }
            if NIODeadline.now() < deadline { return scheduleHeadTimer(at: deadline) }
            headTimedOut()
        }
    }

    /// The head did not come in time: `408` if part of it came (counted as the router's own
    /// answer), then the connection closes; an idle connection just closes.
    func headTimedOut() {
        guard let context else { return }
        let idle = headIdle
        stopWaitingForHead()
        if idle { return context.close(promise: nil) }
        table.countUnrouted(status: 408)
        let seconds = Double(headerTimeout.nanoseconds) / 1e9
        reject(
            HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"), status: .requestTimeout,
            reason: "the request head did not come within \(seconds) s", requestID: newRequestID(), closeAfter: true)
    }

}
