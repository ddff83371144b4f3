import GaaraRouterCore

#if canImport(Glibc)
    import Glibc
#endif

/// How the router treats its clients, set when it starts (`gaara router --trusted-proxy`,
/// `gaara serve --router-trusted-proxy`).
public struct ProxySettings: Sendable {
    /// The proxies in front of the router (a load balancer, a CDN's edge): from these clients the
    /// `X-Forwarded-For`, `X-Forwarded-Host`, `X-Forwarded-Proto` and `Forwarded` headers are kept
    /// (the router appends its own hop). From any other client they are replaced by what the router
    /// saw, so that a client cannot pass itself off as another address, host or scheme.
    public var trustedProxies: [AddressRange]

    /// The settings, by default: no trusted proxy.
    public init(trustedProxies: [AddressRange] = []) {
        self.trustedProxies = trustedProxies
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
