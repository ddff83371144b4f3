import CGaaraSystem
import Foundation
import GaaraRouterCore
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One thread of the byte-forwarding path: an edge-triggered epoll loop that owns its client
/// connections (``ByteConnection``) and its pool of upstream connections (``ByteUpstream``). No
/// channels, pipelines or futures: a plain request costs two reads, two writes and its share of
/// one `epoll_wait`, as in nginx. Every socket is registered once, edge triggered (see ``EdgeSocket``).
final class ByteLoop: @unchecked Sendable {
    /// What a file descriptor of this loop is.
    enum Slot {
        case none
        case client(ByteConnection)
        case upstream(ByteUpstream)
    }

    /// Work other threads hand a loop (through ``send(_:)``).
    enum Command {
        /// Take over an accepted client connection (`trusted`: from a trusted proxy).
        case adopt(CInt, address: String, trusted: Bool)
        /// Stop accepting new connections.
        case stopListening
        /// The router stops: answer what is in flight with `Connection: close`, close idle connections.
        case drain
        /// Close everything and end the thread.
        case stop
    }

    static let listenToken = UInt64.max
    static let wakeToken = UInt64.max - 1
    /// How often connect and read timeouts are checked while requests are in flight.
    static let sweepInterval = 0.05
    static let readSize = 64 * 1024

    unowned let server: ProxyServer
    /// The routing snapshot as this loop last read it.
    var snapshotCache = RoutingTable.SnapshotCache()
    let epoll: CInt
    private let wake: CInt
    private let commands = Mutex<[Command]>([])
    private var slots: [Slot] = []
    private var generation: UInt32 = 0
    private var idle: [TargetAddress: [ByteUpstream]] = [:]
    private var addresses: [TargetAddress: SocketAddress] = [:]
    private var running = true
    private var listening = true
    private(set) var draining = false
    private var nextSweep = 0.0
    /// Requests in flight, connections waiting for a request head and connections waiting for a
    /// timed close: while any, the loop sweeps.
    var timed = 0
    /// Monotonic seconds when `epoll_wait` last returned: the time stamp of what the loop handles
    /// now (one clock read per wake-up, not one per request).
    private(set) var clock = 0.0
    /// Seconds a client has to send a request head (``ProxySettings/headerTimeout``).
    let headerTimeout: Double
    /// The buffer upstream answers are read into (its bytes are copied out before the next read).
    var scratch: ByteBuffer
    let allocator = ByteBufferAllocator()

    init(server: ProxyServer) throws {
        self.server = server
        headerTimeout = server.settings.headerTimeout
        epoll = gaara_epoll_create()
        guard epoll >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        wake = gaara_eventfd()
        guard wake >= 0 else { throw IOError(errnoCode: errno, reason: "eventfd") }
        scratch = allocator.buffer(capacity: Self.readSize)
        _ = gaara_epoll_ctl(epoll, 1, wake, Poll.input, Self.wakeToken)
    }

    /// Starts accepting on the shared listening socket (each loop wakes alone for a new connection).
    func listen(on descriptor: CInt) {
        _ = gaara_epoll_ctl(epoll, 1, descriptor, Poll.input | Poll.exclusive, Self.listenToken)
    }

    /// Hands the loop a command from another thread.
    func send(_ command: Command) {
        commands.withLock { $0.append(command) }
        var one: UInt64 = 1
        _ = write(wake, &one, 8)
    }

    /// Runs until a ``Command/stop``.
    func run() {
        var events = [gaara_poll_event](repeating: gaara_poll_event(), count: 256)
        while running {
            let timeout: CInt = timed > 0 ? CInt(Self.sweepInterval * 1000) : -1
            let ready = events.withUnsafeMutableBufferPointer { gaara_epoll_wait(epoll, $0.baseAddress, CInt($0.count), timeout) }
            clock = Self.now()
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<Int(ready) { dispatch(events[index]) }
            if timed > 0, clock >= nextSweep {
                nextSweep = clock + Self.sweepInterval
                sweep(now: clock)
            }
        }
        for slot in slots {
            switch slot {
            case .client(let connection): connection.close()
            case .upstream(let upstream): closeUpstream(upstream)
            case .none: break
            }
        }
        Glibc.close(epoll)
        Glibc.close(wake)
    }

    /// Monotonic seconds.
    static func now() -> Double {
        ProxyHandler.monotonicSeconds()
    }

    private func dispatch(_ event: gaara_poll_event) {
        switch event.data {
        case Self.listenToken: return accept()
        case Self.wakeToken: return runCommands()
        default: break
        }
        let descriptor = Int(event.data & 0xffff_ffff)
        let generation = UInt32(truncatingIfNeeded: event.data >> 32)
        guard descriptor < slots.count else { return }
        switch slots[descriptor] {
        case .client(let connection) where connection.generation == generation: connection.handle(event.events)
        case .upstream(let upstream) where upstream.socket.generation == generation: handle(upstream, event.events)
        default: break
        }
    }

    private func runCommands() {
        var count: UInt64 = 0
        _ = read(wake, &count, 8)
        for command in commands.withLock({ commands in
            defer { commands = [] }
            return commands
        }) {
            switch command {
            case .adopt(let descriptor, let address, let trusted): adopt(descriptor, address: address, trusted: trusted)
            case .stopListening:
                if listening {
                    listening = false
                    server.stoppedListening(self)
                }
            case .drain:
                draining = true
                let closeAt = Self.now() + 0.5
                for case .client(let connection) in slots { connection.drain(closeAt: closeAt) }
            case .stop: running = false
            }
        }
    }

    // MARK: Client connections

    private func accept() {
        guard listening else { return }
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = gaara_accept(server.listeningSocket, &storage, &length)
            guard descriptor >= 0 else { return }  // EAGAIN: another loop took it, or none left
            let address = Self.ipAddress(storage)
            let trusted = server.settings.trusts(storage)
            let owner = server.nextLoop()
            if owner === self {
                adopt(descriptor, address: address, trusted: trusted)
            } else {
                owner.send(.adopt(descriptor, address: address, trusted: trusted))
            }
        }
    }

    private func adopt(_ descriptor: CInt, address: String, trusted: Bool) {
        guard running else {
            Glibc.close(descriptor)
            return
        }
        let connection = ByteConnection(loop: self, descriptor: descriptor, generation: nextGeneration(), address: address, trusted: trusted)
        server.openConnections.add(1, ordering: .relaxed)
        register(descriptor, .client(connection), generation: connection.generation, writable: false)
        if draining { connection.drain(closeAt: Self.now() + 0.5) }
    }

    /// Forgets a client connection that closed or moved to the full pipeline.
    func remove(_ connection: ByteConnection) {
        clear(connection.descriptor)
        server.openConnections.subtract(1, ordering: .relaxed)
    }

    private func nextGeneration() -> UInt32 {
        generation &+= 1
        return generation
    }

    /// Watches a new socket for reading, and for writing only when `writable` (a connection being
    /// made): a socket's writable edges come with every acknowledgement, so they are watched only
    /// while something waits for them (see ``watch(_:generation:writable:)``).
    private func register(_ descriptor: CInt, _ slot: Slot, generation: UInt32, writable: Bool) {
        let index = Int(descriptor)
        if index >= slots.count { slots += Array(repeating: .none, count: max(index + 1 - slots.count, slots.count)) }
        slots[index] = slot
        _ = gaara_epoll_ctl(epoll, 1, descriptor, Self.events(writable: writable), Self.token(descriptor, generation))
    }

    /// Starts or stops watching a socket's writable edges (while bytes wait for room in its buffer).
    func watch(_ descriptor: CInt, generation: UInt32, writable: Bool) {
        _ = gaara_epoll_ctl(epoll, 3, descriptor, Self.events(writable: writable), Self.token(descriptor, generation))
    }

    private static func events(writable: Bool) -> UInt32 {
        Poll.input | Poll.readHangUp | Poll.edgeTriggered | (writable ? Poll.output : 0)
    }

    private static func token(_ descriptor: CInt, _ generation: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: descriptor)) | UInt64(generation) << 32
    }

    /// Stops watching a descriptor (before it is closed or handed over).
    func clear(_ descriptor: CInt) {
        _ = gaara_epoll_ctl(epoll, 2, descriptor, 0, 0)
        if Int(descriptor) < slots.count { slots[Int(descriptor)] = .none }
    }

    private func sweep(now: Double) {
        for case .client(let connection) in slots { connection.sweep(now: now) }
    }

    // MARK: Upstream connections

    private func handle(_ upstream: ByteUpstream, _ events: UInt32) {
        switch upstream.state {
        case .idle, .closed:
            // An idle connection that became readable was closed by the target (or sent bytes
            // nobody asked for): it cannot carry another request.
            if events & Poll.readable != 0 {
                closeUpstream(upstream)
            }
        case .connecting:
            if events & (Poll.output | Poll.hangUp | Poll.error) != 0 { upstream.owner?.upstreamConnected() }
        case .busy:
            upstream.socket.note(events)
            if events & Poll.output != 0 { upstream.owner?.upstreamWritable() }
            if upstream.socket.readable, upstream.state == .busy { upstream.owner?.upstreamReadable() }
        }
    }

    /// An idle, open connection to `address` (the most recently used first).
    func takeIdle(_ address: TargetAddress) -> ByteUpstream? {
        while let upstream = idle[address]?.popLast() {
            if upstream.state == .idle {
                upstream.state = .busy
                return upstream
            }
        }
        return nil
    }

    /// Keeps a connection whose answer is complete for the next request to its target.
    func giveIdle(_ upstream: ByteUpstream) {
        upstream.owner = nil
        guard !upstream.socket.readable, (idle[upstream.address]?.count ?? 0) < 1024, running else { return closeUpstream(upstream) }
        upstream.state = .idle
        idle[upstream.address, default: []].append(upstream)
    }

    /// Starts a non-blocking connection to `address`; its owner hears ``ByteConnection/upstreamConnected()``.
    func connect(_ address: TargetAddress, timeout: Double) -> Result<ByteUpstream, IOError> {
        let resolved: SocketAddress
        if let known = addresses[address] {
            resolved = known
        } else {
            do {
                resolved = try SocketAddress.resolving(address)
            } catch {
                return .failure(error)
            }
            addresses[address] = resolved
        }
        let descriptor = gaara_tcp_socket(resolved.protocol == .inet6 ? AF_INET6 : AF_INET)
        guard descriptor >= 0 else { return .failure(IOError(errnoCode: errno, reason: "socket")) }
        let started = resolved.withSockAddr { Glibc.connect(descriptor, $0, socklen_t($1)) }
        if started != 0, errno != EINPROGRESS {
            let code = errno
            Glibc.close(descriptor)
            return .failure(IOError(errnoCode: code, reason: "connect"))
        }
        let generation = nextGeneration()
        let upstream = ByteUpstream(descriptor: descriptor, generation: generation, address: address)
        upstream.connectDeadline = Self.now() + timeout
        register(descriptor, .upstream(upstream), generation: generation, writable: true)
        return .success(upstream)
    }

    /// Closes an upstream connection.
    func closeUpstream(_ upstream: ByteUpstream) {
        guard upstream.state != .closed else { return }
        upstream.state = .closed
        upstream.owner = nil
        clear(upstream.socket.descriptor)
        Glibc.close(upstream.socket.descriptor)
    }

    /// The text form of a peer's IP address (NIO's `SocketAddress.ipAddress`, as the full path gives it).
    static func ipAddress(_ storage: sockaddr_storage) -> String {
        withUnsafeBytes(of: storage) { raw -> SocketAddress? in
            switch CInt(storage.ss_family) {
            case AF_INET: SocketAddress(raw.load(as: sockaddr_in.self), host: "")
            case AF_INET6: SocketAddress(raw.load(as: sockaddr_in6.self), host: "")
            default: nil
            }
        }?.ipAddress ?? ""
    }
}

/// epoll's event bits (sys/epoll.h is not in Swift's Glibc module).
enum Poll {
    static let input: UInt32 = 0x001
    static let output: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
    static let readHangUp: UInt32 = 0x2000
    static let exclusive: UInt32 = 1 << 28
    static let edgeTriggered: UInt32 = 1 << 31
    /// Anything that a read must look at: data, the end of the stream, an error.
    static let readable = input | readHangUp | hangUp | error
    /// The peer's side ended or the connection broke.
    static let ended = readHangUp | hangUp | error
}

extension SocketAddress {
    /// The address a target's host resolves to, IPv4 first (for names such as `localhost`: upstreams
    /// usually listen there). The loops call it once per target and keep the answer.
    static func resolving(_ target: TargetAddress) throws(IOError) -> SocketAddress {
        if let address = try? SocketAddress(ipAddress: target.host, port: target.port) { return address }
        var hints = addrinfo()
        hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &list) == 0, let list else {
            throw IOError(errnoCode: EHOSTUNREACH, reason: "cannot resolve \(target.host)")
        }
        defer { freeaddrinfo(list) }
        var first: SocketAddress?
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry, let raw = current.pointee.ai_addr {
            entry = current.pointee.ai_next
            switch current.pointee.ai_family {
            case AF_INET: return SocketAddress(raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }, host: target.host)
            case AF_INET6: first = first ?? SocketAddress(raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }, host: target.host)
            default: break
            }
        }
        guard let first else { throw IOError(errnoCode: EHOSTUNREACH, reason: "no address for \(target.host)") }
        return first
    }
}
