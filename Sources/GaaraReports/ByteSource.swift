/// Where report bytes come from, read in chunks so large files are never held whole.
public protocol ByteSource {
    /// Fills `buffer` with up to `buffer.count` bytes; returns how many (0 at the end).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A byte source over bytes in memory (tests, small inputs).
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    /// Creates a source over `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Creates a source over the UTF-8 of `text`.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Copies the next bytes.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A failure to read a report, with the byte offset where it was found (the adapter turns it
/// into `line:col`).
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Zero-based byte offset in the file, when known.
    public let offset: Int?

    /// Creates an error.
    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// The message.
    public var description: String { message }
}
