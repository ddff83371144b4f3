import CGaaraZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of zlib while compressing or expanding a log.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    /// zlib's return code.
    public let code: Int32
    /// What was being done.
    public let operation: String

    /// Describes the failure.
    public var description: String { "gzip \(operation) failed (zlib code \(code))" }
}

/// gzip compression of finished step logs, streamed file to file in 64 KiB blocks.
enum Gzip {
    /// Compresses `source` into `destination` (written to a temporary name, then renamed into place
    /// and synced, so a crash leaves either the plain log or a whole `.gz`).
    static func compressFile(_ source: String, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw GzipError(code: Z_ERRNO, operation: "open \(source)") }
        defer { try? input.close() }
        let temporary = destination + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw GzipError(code: Z_ERRNO, operation: "create \(temporary)")
        }
        guard let output = FileHandle(forWritingAtPath: temporary) else { throw GzipError(code: Z_ERRNO, operation: "create \(temporary)") }
        var stream = z_stream()
        guard gaara_deflate_init_gzip(&stream, 6) == Z_OK else { throw GzipError(code: Z_STREAM_ERROR, operation: "init") }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let chunk = input.readData(ofLength: 64 * 1024)
            let flush = chunk.isEmpty ? Z_FINISH : Z_NO_FLUSH
            var status: Int32 = Z_OK
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(raw.count)
                repeat {
                    let produced = out.withUnsafeMutableBufferPointer { buffer -> Int in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = deflate(&stream, flush)
                        return buffer.count - Int(stream.avail_out)
                    }
                    guard status != Z_STREAM_ERROR else { throw GzipError(code: status, operation: "deflate") }
                    if produced > 0 { output.write(Data(out[0..<produced])) }
                } while stream.avail_out == 0
            }
            if chunk.isEmpty {
                guard status == Z_STREAM_END else { throw GzipError(code: status, operation: "finish") }
                break
            }
        }
        try output.synchronize()
        try output.close()
        guard rename(temporary, destination) == 0 else { throw GzipError(code: Z_ERRNO, operation: "rename to \(destination)") }
    }

    /// Expands a gzip file, calling `body` with each block of plain bytes (64 KiB at most).
    static func expandFile(_ path: String, _ body: (Data) throws -> Void) throws {
        let reader = try GzipReader(path: path)
        var block = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try block.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return }
            try body(Data(block[0..<count]))
        }
    }

    /// The plain size of a gzip file: from its trailer when that is exact (see
    /// ``trailerSize(_:)``), else by expanding it once in blocks (memory stays bounded).
    static func expandedSize(_ path: String) throws -> Int {
        if let size = try trailerSize(path) { return size }
        return try countExpanded(path)
    }

    /// The plain size a gzip file's trailer gives (modulo 2^32), when that is the size itself: the
    /// file is too small to expand past 4 GiB (deflate expands at most 1032 times). Nil otherwise.
    static func trailerSize(_ path: String) throws -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GzipError(code: Z_ERRNO, operation: "open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GzipError(code: Z_ERRNO, operation: "stat \(path)") }
        let compressed = Int(info.st_size)
        guard compressed >= 18, compressed < Int(UInt32.max) / 1032 else { return nil }
        var trailer = [UInt8](repeating: 0, count: 4)
        guard pread(fd, &trailer, 4, off_t(compressed - 4)) == 4 else { throw GzipError(code: Z_ERRNO, operation: "read \(path)") }
        return trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// The plain size of a gzip file, by expanding it.
    static func countExpanded(_ path: String) throws -> Int {
        let reader = try GzipReader(path: path)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { block.deallocate() }
        var total = 0
        while true {
            let count = try reader.read(into: block)
            if count == 0 { return total }
            total += count
        }
    }
}

/// Reads the plain bytes of a gzip file front to back, in blocks the caller provides: memory stays
/// at zlib's window and one 64 KiB input block however large the file expands.
final class GzipReader {
    private let fd: Int32
    private let path: String
    // zlib keeps a pointer back to its stream and checks it: the stream must not move.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var ended = false

    /// Opens `path` and starts inflating.
    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GzipError(code: Z_ERRNO, operation: "open \(path)") }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard gaara_inflate_init_gzip(stream) == Z_OK else {
            close(fd)
            stream.deallocate()
            throw GzipError(code: Z_STREAM_ERROR, operation: "init")
        }
        // Set last: a throw above must not run deinit.
        self.fd = fd
        self.path = path
        self.stream = stream
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
        close(fd)
    }

    /// Fills `buffer` with the next plain bytes; returns how many (0 only at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var produced = 0
        while produced < buffer.count, !ended {
            if stream.pointee.avail_in == 0 {
                let count = Glibc.read(fd, input.baseAddress, input.count)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw GzipError(code: Z_ERRNO, operation: "read \(path)")
                }
                if count == 0 { throw GzipError(code: Z_DATA_ERROR, operation: "inflate (truncated file)") }
                stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_in = uInt(count)
            }
            stream.pointee.next_out = (base + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count - produced)
            let status = inflate(stream, Z_NO_FLUSH)
            produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END: ended = true
            case Z_OK, Z_BUF_ERROR: break
            default: throw GzipError(code: status, operation: "inflate")
            }
        }
        return produced
    }

    /// Reads and drops up to `count` plain bytes (to start part-way); returns how many there were.
    func skip(_ count: Int) throws -> Int {
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { block.deallocate() }
        var skipped = 0
        while skipped < count {
            let read = try self.read(into: UnsafeMutableRawBufferPointer(rebasing: block[0..<min(block.count, count - skipped)]))
            if read == 0 { break }
            skipped += read
        }
        return skipped
    }
}
