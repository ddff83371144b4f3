import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One step log opened for reading front to back in blocks: the plain file while the step runs
/// (reads see what is appended later), the gzip file once it is done. Memory stays bounded
/// whatever the log's size.
final class StepLogReader {
    private enum Source {
        case plain(Int32)
        case compressed(GzipReader)
    }

    private let source: Source
    /// The path that was opened (`….log` or `….log.gz`).
    let path: String

    /// Opens the log whose plain path is `base`: the plain file if it is there, else `base.gz`;
    /// nil when neither is. An open plain file stays readable after it is compressed and removed.
    static func open(_ base: String) throws -> StepLogReader? {
        let fd = Glibc.open(base, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { return StepLogReader(source: .plain(fd), path: base) }
        guard errno == ENOENT else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: base]) }
        do {
            return StepLogReader(source: .compressed(try GzipReader(path: base + ".gz")), path: base + ".gz")
        } catch {
            // Compressed and renamed between the two opens is impossible (the plain file goes
            // last), so a missing .gz means there is no log.
            guard FileManager.default.fileExists(atPath: base + ".gz") else { return nil }
            throw error
        }
    }

    private init(source: Source, path: String) {
        self.source = source
        self.path = path
    }

    deinit {
        if case .plain(let fd) = source { close(fd) }
    }

    /// Whether this is the finished, gzipped log.
    var isCompressed: Bool {
        if case .compressed = source { return true }
        return false
    }

    /// Fills `buffer` with the next bytes; returns how many (0 at the end, for now if plain).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        switch source {
        case .compressed(let reader):
            return try reader.read(into: buffer)
        case .plain(let fd):
            while true {
                let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if count >= 0 { return count }
                if errno != EINTR { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
            }
        }
    }

    /// Moves `count` bytes on (for a range); returns how many there were.
    func skip(_ count: Int) throws -> Int {
        switch source {
        case .compressed(let reader):
            return try reader.skip(count)
        case .plain(let fd):
            let here = lseek(fd, 0, SEEK_CUR)
            let end = lseek(fd, 0, SEEK_END)
            let target = min(Int(here) + count, Int(end))
            lseek(fd, off_t(target), SEEK_SET)
            return target - Int(here)
        }
    }

    /// The log's size in bytes now: the plain file's, or the gzip file's expanded size (see
    /// ``Gzip/expandedSize(_:)``: rarely, that expands it once to count).
    func size() throws -> Int {
        switch source {
        case .compressed:
            return try Gzip.expandedSize(path)
        case .plain(let fd):
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
            return Int(info.st_size)
        }
    }

    /// The size if it is known without expanding anything (plain files, and gzip files small
    /// enough for their trailer to be exact).
    func cheapSize() -> Int? {
        switch source {
        case .compressed:
            return try? Gzip.trailerSize(path)
        case .plain:
            return try? size()
        }
    }
}
