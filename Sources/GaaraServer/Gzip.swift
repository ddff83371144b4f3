import CGaaraZlib
import Foundation

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

    /// Expands a gzip file, calling `body` with each block of plain bytes.
    static func expandFile(_ path: String, _ body: (Data) throws -> Void) throws {
        guard let input = FileHandle(forReadingAtPath: path) else { throw GzipError(code: Z_ERRNO, operation: "open \(path)") }
        defer { try? input.close() }
        var stream = z_stream()
        guard gaara_inflate_init_gzip(&stream) == Z_OK else { throw GzipError(code: Z_STREAM_ERROR, operation: "init") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: 64 * 1024)
        var finished = false
        while !finished {
            let chunk = input.readData(ofLength: 64 * 1024)
            if chunk.isEmpty { throw GzipError(code: Z_DATA_ERROR, operation: "inflate (truncated file)") }
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(raw.count)
                repeat {
                    var status: Int32 = Z_OK
                    let produced = out.withUnsafeMutableBufferPointer { buffer -> Int in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return buffer.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw GzipError(code: status, operation: "inflate")
                    }
                    if produced > 0 { try body(Data(out[0..<produced])) }
                    if status == Z_STREAM_END {
                        finished = true
                        return
                    }
                } while stream.avail_out == 0 || stream.avail_in > 0
            }
        }
    }
}
