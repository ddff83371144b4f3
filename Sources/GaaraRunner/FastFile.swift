#if canImport(Glibc)
    import Glibc
#endif

/// Plain file operations for the per-step hot path: `open`/`write`/`read`/`unlink` without the
/// temporary files, renames and fsyncs of Foundation's atomic writes. The one place Gaara opens,
/// reads and writes raw file descriptors: step logs, the runner's files and report readers use it.
public enum FastFile {
    /// How a file is opened.
    public enum Mode: Sendable {
        /// For reading.
        case read
        /// For writing from the start: created, or emptied when it exists.
        case truncate
        /// For appending: created when missing, every write goes to the end.
        case append
        /// For writing from the start without emptying it first (see ``overwrite(_:_:)``).
        case overwrite
    }

    /// Opens `path` (close-on-exec); throws a `.file` ``RunnerError`` whose cause is the `errno`.
    public static func open(_ path: String, _ mode: Mode) throws(RunnerError) -> Int32 {
        let flags =
            switch mode {
            case .read: O_RDONLY
            case .truncate: O_WRONLY | O_CREAT | O_TRUNC
            case .append: O_WRONLY | O_CREAT | O_APPEND
            case .overwrite: O_WRONLY | O_CREAT
            }
        let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunnerError(mode == .read ? "cannot open \(path)" : "cannot write \(path)", kind: .file, cause: SystemError.current)
        }
        return fd
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interrupts; nil when done, else
    /// the error that stopped it.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> SystemError? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .current
            }
            offset += written
        }
        return nil
    }

    /// Reads what is there (up to the buffer's size) from `fd`, retrying interrupts: the count,
    /// 0 at the end.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw .current }
        }
    }

    /// Creates (or truncates) an empty file.
    static func create(_ path: String) throws {
        do {
            close(try open(path, .truncate))
        } catch {
            throw RunnerError("cannot create \(path)", kind: .file, cause: error.cause)
        }
    }

    /// Writes `text` to `path`, replacing what was there.
    static func write(_ path: String, _ text: String) throws {
        let fd = try open(path, .truncate)
        defer { close(fd) }
        var text = text
        if let error = text.withUTF8({ writeAll(fd, UnsafeRawBufferPointer($0)) }) {
            throw RunnerError("cannot write \(path)", kind: .file, cause: error)
        }
    }

    /// Replaces a file's content, reusing its blocks: written over from the start, then cut to
    /// the new length. On ext4, `O_TRUNC` of a small file that has data took ~0.2 ms (its block
    /// is freed and allocated again), more than the rest of a short step's preparation.
    static func overwrite(_ path: String, _ text: String) throws {
        let fd = try open(path, .overwrite)
        defer { close(fd) }
        var text = text
        let length = text.utf8.count
        if let error = text.withUTF8({ writeAll(fd, UnsafeRawBufferPointer($0)) }) ?? (ftruncate(fd, off_t(length)) == 0 ? nil : .current) {
            throw RunnerError("cannot write \(path)", kind: .file, cause: error)
        }
    }

    /// Reads a whole file as UTF-8 (invalid bytes replaced); nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        guard let fd = try? open(path, .read) else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while let count = try? chunk.withUnsafeMutableBytes({ buffer throws(SystemError) in try read(fd, into: buffer) }), count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a file and empties it.
    static func take(_ path: String) -> String {
        let text = read(path) ?? ""
        if !text.isEmpty { truncate(path) }
        return text
    }

    /// Empties a file.
    static func truncate(_ path: String) {
        _ = Glibc.truncate(path, 0)
    }

    /// Creates a folder and its missing parents (`mkdir -p`).
    public static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw RunnerError("cannot create \(path)", kind: .file, cause: SystemError.current) }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        guard !parent.isEmpty, parent != path else { throw RunnerError("cannot create \(path)", kind: .file) }
        try makeDirectories(parent)
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw RunnerError("cannot create \(path)", kind: .file, cause: SystemError.current)
        }
    }

    /// Removes a file, ignoring errors.
    static func remove(_ path: String) {
        unlink(path)
    }
}
