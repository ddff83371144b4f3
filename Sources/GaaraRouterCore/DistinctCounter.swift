import Foundation

/// Counts distinct clients in fixed memory: a HyperLogLog (Flajolet, Fusy, Gandouet, Meunier 2007)
/// of 2¹² one-byte registers — 4 KiB whatever the traffic, a standard error of 1.04/√4096 ≈ 1.6%,
/// within a client or two below a few hundred through linear counting. Counters of separate minutes
/// merge into the count of their union, which is how the router's "active users" (distinct sticky
/// clients seen in the last five minutes) is read without keeping any client's key.
public struct DistinctCounter: Sendable, Equatable {
    /// Bits of the hash that choose a register.
    public static let precision = 12
    static let registerCount = 1 << precision
    /// Empty until the first insert (most services' minutes see no client in a test or at night).
    private var registers: [UInt8] = []

    /// An empty counter.
    public init() {}

    /// Whether nothing was inserted.
    public var isEmpty: Bool { registers.isEmpty }

    /// Adds a client by the hash of its key (see ``hash(_:)``).
    public mutating func insert(hash: UInt64) {
        if registers.isEmpty { registers = [UInt8](repeating: 0, count: Self.registerCount) }
        let index = Int(hash >> UInt64(64 - Self.precision))
        // The rank of the first 1 bit in the remaining 52 bits (53 when all are 0).
        let rest = hash << UInt64(Self.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.precision) + 1)
        if rank > registers[index] { registers[index] = rank }
    }

    /// Folds `other` in: the counter of both sets' union.
    public mutating func merge(_ other: DistinctCounter) {
        guard !other.registers.isEmpty else { return }
        guard !registers.isEmpty else {
            registers = other.registers
            return
        }
        for index in registers.indices where other.registers[index] > registers[index] { registers[index] = other.registers[index] }
    }

    /// The estimated number of distinct clients inserted.
    public var estimate: Int {
        guard !registers.isEmpty else { return 0 }
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        // Small sets: linear counting over the empty registers is far more exact (the paper's
        // correction; with 64-bit hashes no large-range correction is needed).
        if raw <= 2.5 * m, zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }

    /// A well-mixed 64-bit hash of a client's key: FNV-1a over its bytes, then SplitMix64's
    /// finalizer (FNV alone leaves the high bits, which choose the register, poorly spread).
    public static func hash(_ key: some StringProtocol) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
