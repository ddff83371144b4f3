import GaaraReports
import GaaraRunner

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file in chunks for the report readers.
struct FileSource: ByteSource {
    let fd: Int32

    /// Opens `path` for reading.
    init(path: String) throws(CLIFailure) {
        do {
            fd = try FastFile.open(path, .read)
        } catch {
            throw CLIFailure(.invalidInput, "\(path): \(error.cause.map { "\($0)" } ?? error.message)")
        }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            _ = Glibc.close(fd)
            throw CLIFailure(.invalidInput, "\(path): is a directory")
        }
    }

    func close() { _ = Glibc.close(fd) }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try FastFile.read(fd, into: buffer)
        } catch {
            throw ReportError("read failed: \(error)")
        }
    }

    /// The one-based line and column of a byte offset in `path` (columns count UTF-8 characters).
    static func location(of offset: Int, in path: String) -> (line: Int, column: Int) {
        guard let source = try? FileSource(path: path) else { return (1, 1) }
        defer { source.close() }
        var reader = source
        var line = 1
        var lineStart: [UInt8] = []
        var seen = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while seen < offset, let count = try? reader.read(into: buffer), count > 0 {
            for index in 0..<min(count, offset - seen) {
                if buffer[index] == 0x0A {
                    line += 1
                    lineStart.removeAll(keepingCapacity: true)
                } else {
                    lineStart.append(buffer[index])
                }
            }
            seen += count
        }
        // Count characters, not bytes, and never fewer than one column.
        return (line, String(decoding: lineStart, as: UTF8.self).count + 1)
    }
}

/// Reads report files with their kind detected from content; errors become `path:line:col: error:`.
enum ReportFiles {
    static func read(_ path: String, display: String, expected: ReportCategory?) throws(CLIFailure) -> Report {
        var source = try FileSource(path: path)
        defer { source.close() }
        do {
            return try ReportReader.read(&source, path: display, expected: expected)
        } catch let error as ReportError {
            let (line, column) = FileSource.location(of: error.offset ?? 0, in: path)
            throw CLIFailure(.invalidInput, "\(display):\(line):\(column): error: \(error.message)", plain: true)
        } catch {
            throw CLIFailure(.invalidInput, "\(display):1:1: error: \(error)", plain: true)
        }
    }
}
