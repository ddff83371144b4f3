import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Appends bytes to a file through a 64 KiB buffer with plain `write(2)` calls; or, when disabled
/// (the server keeps step logs itself), takes them and writes nothing.
final class LogWriter: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 64 * 1024

    /// Opens (creating or truncating) `path`; with `enabled` false, no file is made.
    init(path: String, enabled: Bool = true) throws {
        guard enabled else {
            fd = -1
            return
        }
        fd = try FastFile.open(path, .truncate)
        buffer.reserveCapacity(capacity)
    }

    deinit {
        flush()
        if fd >= 0 { close(fd) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0 else { return }
        if buffer.count + bytes.count > capacity { flush() }
        if bytes.count >= capacity {
            FastFile.writeAll(fd, bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    func newline() {
        guard fd >= 0 else { return }
        if buffer.count + 1 > capacity { flush() }
        buffer.append(0x0A)
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        _ = buffer.withUnsafeBytes { FastFile.writeAll(fd, $0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
