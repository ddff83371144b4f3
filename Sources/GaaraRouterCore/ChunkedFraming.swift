/// Finds where a `Transfer-Encoding: chunked` body ends in a stream of its bytes, without
/// changing them: the router forwards chunked bodies as they are and needs only their end.
public struct ChunkedFraming: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case size(value: Int, digits: Int)
        case extensionText(value: Int)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        /// At the start of a trailer line (`empty`: nothing on it yet).
        case trailer(empty: Bool)
        case trailerLF(empty: Bool)
        case done
    }

    var state = State.size(value: 0, digits: 0)

    /// What ``consume(_:)`` found.
    public enum Outcome: Sendable, Equatable {
        /// The body goes on past these bytes.
        case more
        /// The body ended this many bytes into them.
        case ended(at: Int)
        /// The bytes are not chunked framing.
        case malformed
    }

    /// Creates a framing at the start of a body.
    public init() {}

    /// Follows the framing through `bytes`.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch state {
            case .size(let value, let digits):
                if let digit = Self.hexValue(byte) {
                    guard digits < 15 else { return .malformed }
                    state = .size(value: value * 16 + digit, digits: digits + 1)
                } else if digits > 0, byte == 13 {
                    state = .sizeLF(value: value)
                } else if digits > 0, byte == 59 || byte == 32 || byte == 9 {
                    state = .extensionText(value: value)
                } else {
                    return .malformed
                }
                index += 1
            case .extensionText(let value):
                if byte == 13 {
                    state = .sizeLF(value: value)
                } else if !HeadScan.isFieldByte(byte) {
                    return .malformed
                }
                index += 1
            case .sizeLF(let value):
                guard byte == 10 else { return .malformed }
                state = value == 0 ? .trailer(empty: true) : .data(remaining: value)
                index += 1
            case .data(let remaining):
                let take = min(remaining, count - index)
                index += take
                state = remaining == take ? .dataCR : .data(remaining: remaining - take)
            case .dataCR:
                guard byte == 13 else { return .malformed }
                state = .dataLF
                index += 1
            case .dataLF:
                guard byte == 10 else { return .malformed }
                state = .size(value: 0, digits: 0)
                index += 1
            case .trailer(let empty):
                if byte == 13 {
                    state = .trailerLF(empty: empty)
                } else if !HeadScan.isFieldByte(byte) {
                    return .malformed
                } else {
                    state = .trailer(empty: false)
                }
                index += 1
            case .trailerLF(let empty):
                guard byte == 10 else { return .malformed }
                index += 1
                if empty {
                    state = .done
                    return .ended(at: index)
                }
                state = .trailer(empty: true)
            case .done:
                return .ended(at: index)
            }
        }
        return state == .done ? .ended(at: index) : .more
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: return Int(byte - 48)
        case 65...70: return Int(byte - 55)
        case 97...102: return Int(byte - 87)
        default: return nil
        }
    }
}
