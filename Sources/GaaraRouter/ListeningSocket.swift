import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The router's listening socket, made by hand so that a restart hands over
/// without resetting a connection: see ``steerNewConnectionsToTheNewest(_:)``.
enum ListeningSocket {
    /// A socket bound to `host:port` with `SO_REUSEADDR` and `SO_REUSEPORT`.
    static func open(host: String, port: Int) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let descriptor = socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var one: CInt = 1
        let size = socklen_t(MemoryLayout<CInt>.size)
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, size) == 0,
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, size) == 0,
            address.withSockAddr({ bind(descriptor, $0, socklen_t($1)) }) == 0
        else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind \(host):\(port)")
        }
        return descriptor
    }

    /// Listens (non-blocking, as every loop accepts on it) and steers new connections (the socket
    /// group exists only from `listen` on).
    static func listening(_ descriptor: CInt, backlog: CInt) throws {
        let flags = fcntl(descriptor, F_GETFL)
        guard listen(descriptor, backlog) == 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "listen")
        }
        steerNewConnectionsToTheNewest(descriptor)
    }

    /// The port a socket is bound to.
    static func port(of descriptor: CInt) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard found == 0 else { return 0 }
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Two routers listen on one port during a restart (`SO_REUSEPORT`), and the kernel spreads new
    /// connections between them by hash; when the old one closes its socket, the connections still
    /// queued on it are reset. This attaches a classic BPF program to the port's socket group that
    /// sends every new connection to the group's second socket — the one a restart adds — so the
    /// old router's queue stays empty. Alone in the group (or once the old socket closed and the new
    /// one moved to the first place), the index is out of range and the kernel picks by hash among
    /// the sockets there are. Best effort: without it, restarts work as before.
    static func steerNewConnectionsToTheNewest(_ descriptor: CInt) {
        // One instruction: BPF_RET | BPF_K (0x06), return 1.
        var program = [BPFInstruction(code: 0x06, jt: 0, jf: 0, k: 1)]
        program.withUnsafeMutableBufferPointer { instructions in
            var filter = BPFProgram(length: 1, instructions: instructions.baseAddress)
            let attachReuseportCBPF: CInt = 51  // SO_ATTACH_REUSEPORT_CBPF
            _ = setsockopt(descriptor, SOL_SOCKET, attachReuseportCBPF, &filter, socklen_t(MemoryLayout<BPFProgram>.size))
        }
    }

    /// `struct sock_filter` of linux/filter.h.
    struct BPFInstruction {
        var code: UInt16
        var jt: UInt8
        var jf: UInt8
        var k: UInt32
    }

    /// `struct sock_fprog` of linux/filter.h.
    struct BPFProgram {
        var length: UInt16
        var instructions: UnsafeMutablePointer<BPFInstruction>?
    }
}
