import GaaraRouterCore

#if canImport(Glibc)
    import Glibc
#endif

/// How the router treats its clients, set when it starts (`gaara router --trusted-proxy
/// --header-timeout`, `gaara serve --router-trusted-proxy --router-header-timeout`).
public struct ProxySettings: Sendable {
    /// The proxies in front of the router (a load balancer, a CDN's edge): from these clients the
    /// `X-Forwarded-For`, `X-Forwarded-Host`, `X-Forwarded-Proto` and `Forwarded` headers are kept
    /// (the router appends its own hop). From any other client they are replaced by what the router
    /// saw, so that a client cannot pass itself off as another address, host or scheme.
    public var trustedProxies: [AddressRange]
    /// Seconds a client has to send a whole request head: from the connection's accept, or on a
    /// kept-alive connection from the end of the previous answer, and again from the first byte of
    /// the head. A connection still without its head then is closed (with a `408` if part of a head came).
    public var headerTimeout: Double

    /// The settings, by default: no trusted proxy, 10 s for a request head.
    public init(trustedProxies: [AddressRange] = [], headerTimeout: Double = 10) {
        self.trustedProxies = trustedProxies
        self.headerTimeout = headerTimeout
    }

    /// Whether a client at `address` is a trusted proxy.
    func trusts(_ address: IPAddress?) -> Bool {
        guard let address, !trustedProxies.isEmpty else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }

    /// Whether the peer in `storage` (as `accept` filled it) is a trusted proxy.
    func trusts(_ storage: sockaddr_storage) -> Bool {
        guard !trustedProxies.isEmpty else { return false }
        return trusts(IPAddress(storage))
    }
}

extension IPAddress {
    /// The IP address of a socket address (nil for other families).
    init?(_ storage: sockaddr_storage) {
        switch CInt(storage.ss_family) {
        case AF_INET:
            let ipv4 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            self.init(ipv4: UInt32(bigEndian: ipv4.sin_addr.s_addr))
        case AF_INET6:
            let ipv6 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            guard let address = withUnsafeBytes(of: ipv6.sin6_addr, { IPAddress(ipv6: $0) }) else { return nil }
            self = address
        default: return nil
        }
    }
}
