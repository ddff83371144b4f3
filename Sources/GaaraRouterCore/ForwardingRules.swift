/// What the router does with the headers that say where a request came from — `X-Forwarded-For`,
/// `-Proto`, `-Host`, the other `X-Forwarded-*`, `Forwarded` and `X-Request-Id` — on both of its
/// paths: the byte-forwarding path (over the head's bytes) and the NIO path (over `HTTPHeaders`).
///
/// A client can write any of these, so by default they are the router's own: what the client sent
/// is dropped and replaced by what the router saw (the client's address, its `Host`, `http`).
/// Only a trusted proxy's `X-Forwarded-For`, `-Proto`, `-Host` and `Forwarded` are kept: their
/// values merge into the router's headers (this hop appended to the lists). Other `X-Forwarded-*`
/// headers are always dropped (no one downstream can tell a spoofed one), and a client's
/// `X-Request-Id` becomes the request's id when it is short, but is never passed on as a line.
public enum ForwardingRules {
    /// A request header as the forwarding rules see it.
    public enum Header: Sendable, Equatable {
        /// Any header these rules leave alone.
        case other
        /// `X-Forwarded-For`: a list of addresses, this hop's appended.
        case forwardedFor
        /// `X-Forwarded-Proto`: the scheme the client used.
        case forwardedProto
        /// `X-Forwarded-Host`: the host the client asked for.
        case forwardedHost
        /// `X-Forwarded-` followed by anything else.
        case forwardedOther
        /// `Forwarded` (RFC 7239): a list of elements, this hop's appended.
        case forwarded
        /// `X-Request-Id`.
        case requestID
    }

    /// What happens to a client's header line.
    public enum Treatment: Sendable, Equatable {
        /// It goes upstream as it came.
        case pass
        /// It is left out; the router's own header of that name (if any) replaces it.
        case drop
        /// It is left out as a line, but its value goes into the router's header of that name:
        /// before this hop in the `X-Forwarded-For` and `Forwarded` lists, instead of the router's
        /// value for `X-Forwarded-Proto` and `X-Forwarded-Host` (the first one only).
        case merge
    }

    /// The longest client `X-Request-Id` the router takes as the request's id (a longer one is
    /// replaced by a new id, so logs and answers stay small).
    public static let maximumRequestIDLength = 200

    /// The header named by `bytes[start..<end]` (ASCII case ignored); no allocation.
    @inlinable
    public static func header(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Header {
        guard end > start else { return .other }
        switch bytes[start] | 0x20 {
        case UInt8(ascii: "f"):
            return HeadScan.equals(bytes, start, end, "forwarded") ? .forwarded : .other
        case UInt8(ascii: "x"):
            if HeadScan.equals(bytes, start, end, "x-request-id") { return .requestID }
            guard end - start >= 12, HeadScan.equals(bytes, start, start + 12, "x-forwarded-") else { return .other }
            if HeadScan.equals(bytes, start, end, "x-forwarded-for") { return .forwardedFor }
            if HeadScan.equals(bytes, start, end, "x-forwarded-proto") { return .forwardedProto }
            if HeadScan.equals(bytes, start, end, "x-forwarded-host") { return .forwardedHost }
            return .forwardedOther
        default:
            return .other
        }
    }

    /// The header called `name` (ASCII case ignored); no allocation for a native string.
    @inlinable
    public static func header(named name: some StringProtocol) -> Header {
        if let found = name.utf8.withContiguousStorageIfAvailable({ header(UnsafeRawBufferPointer($0), 0, $0.count) }) { return found }
        return Array(name.utf8).withUnsafeBytes { header($0, 0, $0.count) }
    }

    /// What happens to a client's `header`, from a trusted proxy or not.
    @inlinable
    public static func treatment(of header: Header, trusted: Bool) -> Treatment {
        switch header {
        case .other: .pass
        case .forwardedFor, .forwardedProto, .forwardedHost, .forwarded: trusted ? .merge : .drop
        case .forwardedOther, .requestID: .drop
        }
    }

    /// Whether a client's `X-Request-Id` of `length` bytes becomes the request's id.
    @inlinable
    public static func keepsRequestID(length: Int) -> Bool {
        length <= maximumRequestIDLength
    }

    /// One piece of a list header (`X-Forwarded-For`, `Forwarded`) as ``hops(kept:belong:isEmpty:hasOwn:_:)`` writes it.
    public enum Piece<Kept> {
        /// A value kept from the client (a trusted proxy's).
        case kept(Kept)
        /// `, ` between two values.
        case separator
        /// This hop's own value: the client's address, or the router's `Forwarded` element.
        case own
    }

    /// Writes a list header through `write`, piece by piece: the values that `belong` to it and
    /// are not empty, then this hop's own value when there is one, separated by `, `. Both paths
    /// write their lists through it: the byte path picks its fields out of the head's (every
    /// closure here is non-escaping, so nothing is allocated), the NIO path builds a string
    /// (``list(kept:own:)``).
    @inlinable
    public static func hops<Values: Sequence>(
        kept: Values, belong: (Values.Element) -> Bool = { _ in true }, isEmpty: (Values.Element) -> Bool, hasOwn: Bool,
        _ write: (Piece<Values.Element>) -> Void
    ) {
        var first = true
        for value in kept where belong(value) && !isEmpty(value) {
            if !first { write(.separator) }
            write(.kept(value))
            first = false
        }
        guard hasOwn else { return }
        if !first { write(.separator) }
        write(.own)
    }

    /// The value of a list header: `kept` values (empty ones left out), then `own` (when not empty).
    public static func list(kept: [String], own: String) -> String {
        var value = ""
        hops(kept: kept, isEmpty: \.isEmpty, hasOwn: !own.isEmpty) { piece in
            switch piece {
            case .kept(let kept): value += kept
            case .separator: value += ", "
            case .own: value += own
            }
        }
        return value
    }

    /// The `for=` node of this hop's `Forwarded` element for the client's `address` (RFC 7239 §6:
    /// an IPv6 address in brackets and quotes).
    public static func forwardedNode(_ address: String) -> String {
        "for=" + (address.contains(":") ? "\"[\(address)]\"" : address)
    }

    /// This hop's `Forwarded` element after its ``forwardedNode(_:)``: the `Host` it was asked for
    /// (quoted; nil leaves it out) and the scheme, always `http` at the router.
    public static func forwardedElement(node: String, host: String?) -> String {
        node + (host.map { ";host=\"\($0)\"" } ?? "") + ";proto=http"
    }
}
