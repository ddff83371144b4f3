import NIOCore
import NIOHTTP1

/// One request on its way through a ``ProxyHandler`` (a class: it is updated as parts pass, never copied).
final class ProxyExchange {
    var head: HTTPRequestHead
    var service: ServiceRuntime
    var group: String
    var target: TargetRuntime
    var requestID: String
    var assignCookie: String?
    /// The hash of the client's sticky key, for the active-users count (0: none).
    var client: UInt64
    var started: NIODeadline
    var bytesIn: UInt64 = 0
    var bytesOut: UInt64 = 0
    var status: Int?
    var requestDone = false
    var responseDone = false
    var responseKeepAlive = true
    /// The head sent upstream, the body parts (while under 64 KiB) and whether the end went too.
    var sentHead: HTTPRequestHead?
    var replayBodies: [ByteBuffer] = []
    var replayable = true
    var sentEnd: HTTPHeaders??
    var replayBytes = 0
    var retried = false
    /// A protocol upgrade (WebSocket) was asked for: a `101` answer turns the connection into a tunnel.
    var upgrade = false
    /// The target's `101` head, held until its end arrives.
    var switching: HTTPResponseHead?

    init(
        head: HTTPRequestHead, service: ServiceRuntime, group: String, target: TargetRuntime, requestID: String, assignCookie: String?,
        client: UInt64, started: NIODeadline, upgrade: Bool
    ) {
        self.head = head
        self.service = service
        self.group = group
        self.target = target
        self.requestID = requestID
        self.assignCookie = assignCookie
        self.client = client
        self.started = started
        self.upgrade = upgrade
    }
}

/// Where a client connection's current request stands.
enum ProxyPhase {
    case idle
    /// Waiting for a paused service (parts buffered).
    case paused
    case connecting
    case forwarding
    /// Answered by the router; the rest of the request body is discarded.
    case rejected(closeAfter: Bool)
}
