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
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
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
            writeAll(bytes)
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
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
