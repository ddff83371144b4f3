import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces registered secret values with `***` in output, thread-safe, on bytes.
///
/// Multi-line values are registered whole and line by line, so a value printed across several
/// lines is masked on each. Callers mask whole lines (see ``LineSplitter``); a line longer than the
/// splitter's limit is cut with an overlap of ``maximumLength`` − 1 bytes so that a secret split
/// between two output chunks is still found.
public final class SecretMasker: Sendable {
    /// An immutable view of the secrets at one moment, for masking many lines without locking.
    public struct Snapshot: Sendable {
        let secrets: [[UInt8]]
        let firstBytes: [Bool]
        /// The length in bytes of the longest secret (0 when there is none).
        public let maximumLength: Int

        /// True when nothing is registered.
        public var isEmpty: Bool { secrets.isEmpty }

        /// Masks `input` into `output` (cleared first); returns false, leaving `output` empty, when
        /// nothing had to be masked, so the caller can use `input` as it is.
        public func mask(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Bool {
            output.removeAll(keepingCapacity: true)
            guard !secrets.isEmpty, input.count > 0 else { return false }
            var index = 0
            var copiedUpTo = 0
            var masked = false
            let count = input.count
            while index < count {
                if firstBytes[Int(input[index])], let secret = secrets.first(where: { Self.matches($0, input, at: index) }) {
                    if !masked { output.reserveCapacity(count) }
                    masked = true
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copiedUpTo..<index]))
                    output.append(contentsOf: SecretMasker.mask)
                    index += secret.count
                    copiedUpTo = index
                } else {
                    index += 1
                }
            }
            guard masked else { return false }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[copiedUpTo..<count]))
            return true
        }

        static func matches(_ secret: [UInt8], _ input: UnsafeRawBufferPointer, at index: Int) -> Bool {
            guard index + secret.count <= input.count else { return false }
            for offset in 0..<secret.count where input[index + offset] != secret[offset] { return false }
            return true
        }
    }

    private struct State {
        var secrets: [[UInt8]] = []
        var firstBytes = [Bool](repeating: false, count: 256)
        var maximumLength = 0
        var version = 0
    }

    private let state = Mutex(State())

    /// The replacement text.
    public static let mask: [UInt8] = Array("***".utf8)

    /// Creates a masker with initial secrets.
    public init(_ secrets: [String] = []) {
        for secret in secrets { add(secret) }
    }

    /// Registers a value (and each of its lines) to mask; blank values are ignored.
    public func add(_ value: String) {
        var candidates = [value]
        if value.contains("\n") || value.contains("\r") {
            candidates += value.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
        }
        candidates += Self.base64Forms(value)
        state.withLock { state in
            for candidate in candidates {
                let bytes = Array(candidate.utf8)
                guard !bytes.isEmpty, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
                guard !state.secrets.contains(bytes) else { continue }
                state.secrets.append(bytes)
                state.secrets.sort { $0.count > $1.count }
                state.firstBytes[Int(bytes[0])] = true
                state.maximumLength = max(state.maximumLength, bytes.count)
                state.version += 1
            }
        }
    }

    /// The base64 text a value shows as inside any base64 output, as GitHub's runner masks it:
    /// the value's own encoding, and, for each of the three alignments the value can have in a
    /// longer encoded text, the characters that depend on the value's bytes alone (whole 3-byte
    /// groups; at least 8 characters, so short values do not mask common text).
    public static func base64Forms(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        guard bytes.count >= 3 else { return [] }
        var forms = [base64(bytes[...], padded: true)]
        for skip in 0..<3 {
            let whole = (bytes.count - skip) / 3 * 3
            guard whole >= 6 else { continue }
            forms.append(base64(bytes[skip..<(skip + whole)], padded: false))
        }
        return forms
    }

    private static func base64(_ bytes: ArraySlice<UInt8>, padded: Bool) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let count = min(3, bytes.endIndex - index)
            let b0 = UInt32(bytes[index])
            let b1 = count > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = count > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            for position in 0..<4 {
                if position <= count {
                    output.append(alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)])
                } else if padded {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += count
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The secrets as they are now.
    public var snapshot: Snapshot {
        state.withLock { Snapshot(secrets: $0.secrets, firstBytes: $0.firstBytes, maximumLength: $0.maximumLength) }
    }

    /// A number that changes whenever a secret is added (to refresh a cached snapshot).
    public var version: Int { state.withLock { $0.version } }

    /// The length in bytes of the longest secret (0 when there is none).
    public var maximumLength: Int { state.withLock { $0.maximumLength } }

    /// True when nothing is registered.
    public var isEmpty: Bool { state.withLock { $0.secrets.isEmpty } }

    /// Returns `bytes` with every secret replaced by `***` (the longest match wins at each position).
    public func mask(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        let snapshot = self.snapshot
        var output: [UInt8] = []
        let masked = input.withUnsafeBytes { snapshot.mask($0, into: &output) }
        return masked ? output : input
    }

    /// Masks a string.
    public func mask(_ text: String) -> String {
        if isEmpty { return text }
        return String(decoding: mask(Array(text.utf8)), as: UTF8.self)
    }
}

/// Splits a byte stream into lines, holding back an unfinished line until its newline arrives.
/// A line longer than `limit` is released in pieces, each piece keeping back the last
/// `overlap` bytes so a masked value is never cut in two.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// The longest line kept whole.
    public let limit: Int

    /// Creates a splitter.
    public init(limit: Int = 64 * 1024) {
        self.limit = limit
    }

    /// Feeds bytes; calls `emit` with each complete line (without its `\n`, a trailing `\r` removed)
    /// and `true`, or with a piece of an over-long line and `false`. The buffer passed to `emit` is
    /// only valid during the call.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, overlap: Int, emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        let count = bytes.count
        while start < count {
            guard let found = memchr(base + start, 0x0A, count - start) else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
                if pending.count > limit {
                    let keep = min(max(overlap, 0), pending.count)
                    let cut = pending.count - keep
                    pending.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[0..<cut]), false) }
                    pending.removeFirst(cut)
                }
                return
            }
            let newline = base.distance(to: UnsafeRawPointer(found))
            if pending.isEmpty {
                var end = newline
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                emit(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), true)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<newline]))
                if pending.last == 0x0D { pending.removeLast() }
                pending.withUnsafeBytes { emit($0, true) }
                pending.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
    }

    /// Releases the unfinished last line, if any.
    public mutating func finish(emit: (UnsafeRawBufferPointer, Bool) -> Void) {
        if !pending.isEmpty {
            pending.withUnsafeBytes { emit($0, true) }
            pending.removeAll()
        }
    }
}
