import GaaraRouterCore
import NIOCore

/// One request on the byte-forwarding path.
final class FastExchange {
    let service: ServiceRuntime
    let group: String
    let target: TargetRuntime
    let requestID: String
    let assignCookie: String?
    /// The hash of the client's sticky key, for the active-users count (0: none).
    let client: UInt64
    let started = NIODeadline.now()
    /// The head as sent upstream (kept for one retry on a stale pooled connection).
    let request: ByteBuffer
    let isHead: Bool
    let idempotent: Bool
    /// The client asked to close after this answer (or the router is draining).
    var closeAfter: Bool
    var reused = false
    var retried = false
    /// A partial answer head.
    var responseHead: ByteBuffer?
    /// How the answer's body ends; nil until its head is through.
    var framing: Framing?
    var status: Int?
    var responseKeepAlive = true
    var bytesOut: UInt64 = 0

    enum Framing: Equatable {
        case length(Int)
        case chunked(ChunkedFraming)
        case untilClose
    }

    init(
        service: ServiceRuntime, group: String, target: TargetRuntime, requestID: String, assignCookie: String?, client: UInt64,
        request: ByteBuffer,
        isHead: Bool, idempotent: Bool, closeAfter: Bool
    ) {
        self.service = service
        self.group = group
        self.target = target
        self.requestID = requestID
        self.assignCookie = assignCookie
        self.client = client
        self.request = request
        self.isHead = isHead
        self.idempotent = idempotent
        self.closeAfter = closeAfter
    }
}
