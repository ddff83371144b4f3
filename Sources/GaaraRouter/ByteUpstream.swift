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

    let descriptor: CInt
    let generation: UInt32
    let address: TargetAddress
    var state = State.connecting
    /// The client connection whose request it carries.
    var owner: ByteConnection?
    /// Bytes may be waiting to be read (the socket had an edge and was not drained since).
    var readable = false
    /// The target's side ended (or broke): the socket stays readable until a read sees it.
    var hungUp = false
    /// Request bytes not written yet (the socket's buffer was full).
    var pending: ByteBuffer?
    /// Whether its writable edges are watched (while connecting, or while request bytes wait).
    var watchingWritable = true
    /// When a connection still connecting gives up.
    var connectDeadline = 0.0

    init(descriptor: CInt, generation: UInt32, address: TargetAddress) {
        self.descriptor = descriptor
        self.generation = generation
        self.address = address
    }
}
