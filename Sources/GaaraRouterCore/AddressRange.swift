/// An IPv4 or IPv6 address as 128 bits. IPv4 addresses are kept IPv4-mapped (`::ffff:a.b.c.d`),
/// so one range type covers both families and an IPv4 client seen on a dual-stack socket matches
/// its IPv4 range.
public struct IPAddress: Sendable, Hashable {
    /// The first 64 bits.
    public var high: UInt64
    /// The last 64 bits.
    public var low: UInt64

    /// An address from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32 bits (`a.b.c.d` is `a << 24 | b << 16 | c << 8 | d`).
    public init(ipv4: UInt32) {
        high = 0
        low = 0xffff_0000_0000 | UInt64(ipv4)
    }

    /// An IPv6 address from its 16 bytes in network order (fewer or more: nil).
    public init?(ipv6 bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// Parses `a.b.c.d` or an IPv6 address (`::1`, `fe80::1`, `::ffff:10.0.0.1`); nil for anything else.
    public init?(_ text: some StringProtocol) {
        if let ipv4 = Self.ipv4(text) {
            self.init(ipv4: ipv4)
        } else if let groups = Self.ipv6(text) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, group) in groups.enumerated() {
                if index < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
            }
            self.init(high: high, low: low)
        } else {
            return nil
        }
    }

    /// Whether it is an IPv4 address (IPv4-mapped).
    public var isIPv4: Bool { high == 0 && low >> 32 == 0xffff }

    /// `a.b.c.d` as 32 bits, or nil.
    static func ipv4(_ text: some StringProtocol) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            // Decimal only, no leading zeros (`010` is octal to some parsers: refused, not guessed).
            guard (1...3).contains(part.count), part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), part == "0" || part.first != "0",
                let byte = UInt32(part), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...102).contains(byte | 0x20)
    }

    /// The eight 16-bit groups of an IPv6 address (one `::` at most, an IPv4 tail allowed), or nil.
    static func ipv6(_ text: some StringProtocol) -> [UInt16]? {
        func groups(_ part: Substring, last: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if last, index == pieces.count - 1, piece.contains(".") {
                    guard let ipv4 = ipv4(piece) else { return nil }
                    result += [UInt16(ipv4 >> 16), UInt16(ipv4 & 0xffff)]
                } else {
                    guard (1...4).contains(piece.count), piece.utf8.allSatisfy(isHexDigit), let group = UInt16(piece, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        let text = Substring(text)
        guard text.contains(":") else { return nil }
        // Where `::` is, if anywhere (no Foundation here: found by hand).
        var gap: Range<Substring.Index>?
        var index = text.startIndex
        while index < text.endIndex, gap == nil {
            let next = text.index(after: index)
            if text[index] == ":", next < text.endIndex, text[next] == ":" { gap = index..<text.index(after: next) }
            index = next
        }
        if let gap {
            let tail = text[gap.upperBound...]
            // A second `::` leaves an empty group in the tail: refused there.
            guard let before = groups(text[..<gap.lowerBound], last: false), let after = groups(tail, last: true),
                before.count + after.count <= 7
            else { return nil }
            return before + Array(repeating: 0, count: 8 - before.count - after.count) + after
        }
        guard let all = groups(text, last: true), all.count == 8 else { return nil }
        return all
    }
}

/// A block of addresses in CIDR notation: `10.0.0.0/8`, `::1/128`, or one address without a
/// prefix length. Bits past the prefix length are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
public struct AddressRange: Sendable, Hashable {
    /// The block's first address.
    public let network: IPAddress
    /// How many leading bits an address must share with ``network``, counted on the 128-bit form
    /// (an IPv4 `/24` is 120: IPv4 addresses are IPv4-mapped).
    public let prefixLength: Int

    /// Parses `ADDRESS/LENGTH` (0–32 for IPv4, 0–128 for IPv6) or a single address; nil when malformed.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let ipv4 = !parts[0].contains(":")
        var length = ipv4 ? 32 : 128
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(parts[1]),
                value <= length
            else { return nil }
            length = value
        }
        prefixLength = ipv4 ? 96 + length : length
        network = Self.masked(address, prefixLength)
    }

    /// Whether `address` lies in the block.
    public func contains(_ address: IPAddress) -> Bool {
        Self.masked(address, prefixLength) == network
    }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        return IPAddress(high: address.high & mask(length), low: address.low & mask(length - 64))
    }
}
