import GaaraRouterCore
import NIOCore

/// A connection to a target on the byte-forwarding path, owned by one ``ByteLoop``: it serves
/// one request at a time for its ``owner``, then waits in the loop's idle pool.
final class ByteUpstream {
    enum State {
        /// `connect` is under way.
        case connecting
        /// Carrying a request.
        case busy
        /// In the idle pool.
        case idle
        case closed
    }

    var socket: EdgeSocket
    let address: TargetAddress
    var state = State.connecting
    /// The client connection whose request it carries.
    var owner: ByteConnection?
    /// Request bytes not written yet (the socket's buffer was full).
    var pending: ByteBuffer?
    /// When a connection still connecting gives up.
    var connectDeadline = 0.0

    /// A connection being made (its writable edge says when it is).
    init(descriptor: CInt, generation: UInt32, address: TargetAddress) {
        socket = EdgeSocket(descriptor: descriptor, generation: generation, watchingWritable: true)
        self.address = address
    }
}
