import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking socket registered edge-triggered with a ``ByteLoop``: what its edges said, and
/// its reads and writes. A read shorter than the buffer drains the socket until its next edge,
/// unless the peer's side ended (then one more read sees the end).
struct EdgeSocket {
    let descriptor: CInt
    /// Tells this socket's epoll events from those of an earlier socket with the same number.
    let generation: UInt32
    /// Bytes (or the end) may be waiting: an edge was seen and the socket not drained since.
    private(set) var readable = false
    /// The peer's side ended or broke.
    private(set) var hungUp = false
    /// Whether writable edges are watched (only while something waits for room).
    private var watchingWritable: Bool

    init(descriptor: CInt, generation: UInt32, watchingWritable: Bool) {
        self.descriptor = descriptor
        self.generation = generation
        self.watchingWritable = watchingWritable
    }

    /// Notes the readiness epoll reported.
    mutating func note(_ events: UInt32) {
        guard events & Poll.readable != 0 else { return }
        readable = true
        if events & Poll.ended != 0 { hungUp = true }
    }

    /// Forgets an edge whose bytes nobody will read (a pooled connection taken for a new request).
    mutating func forgetReadable() {
        readable = false
    }

    /// What a read did.
    enum Read {
        /// Bytes were appended to the buffer.
        case bytes
        /// Nothing to read now.
        case drained
        /// The peer closed its side, or the connection broke.
        case ended
    }

    /// One read into `buffer`'s writable bytes.
    mutating func read(into buffer: inout ByteBuffer) -> Read {
        while true {
            let wanted = buffer.writableBytes
            let count = buffer.withUnsafeMutableWritableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.moveWriterIndex(forwardBy: count)
                if count < wanted { readable = hungUp }
                return .bytes
            }
            if count < 0, errno == EINTR { continue }
            readable = false
            return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? .drained : .ended
        }
    }

    /// What a write did.
    enum Write {
        /// Everything was written.
        case done
        /// The socket's buffer is full: the rest waits for the next writable edge (now watched).
        case full
        /// The connection broke.
        case failed
    }

    /// Writes `buffer`'s readable bytes as far as the socket takes them.
    mutating func write(_ buffer: inout ByteBuffer, loop: ByteLoop) -> Write {
        while buffer.readableBytes > 0 {
            let count = buffer.withUnsafeReadableBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                buffer.moveReaderIndex(forwardBy: count)
            } else if count < 0, errno == EINTR {
                continue
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                watchWritable(true, loop: loop)
                return .full
            } else {
                return .failed
            }
        }
        watchWritable(false, loop: loop)
        return .done
    }

    private mutating func watchWritable(_ watch: Bool, loop: ByteLoop) {
        guard watchingWritable != watch else { return }
        watchingWritable = watch
        loop.watch(descriptor, generation: generation, writable: watch)
    }
}
