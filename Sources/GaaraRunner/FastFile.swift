#if canImport(Glibc)
    import Glibc
#endif

/// Plain file operations for the per-step hot path: `open`/`write`/`read`/`unlink` without the
/// temporary files, renames and fsyncs of Foundation's atomic writes.
enum FastFile {
    /// Creates (or truncates) an empty file.
    static func create(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError("cannot create \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    /// Writes `text` to `path`, replacing what was there.
    static func write(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw RunnerError("cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Reads a whole file as UTF-8 (invalid bytes replaced); nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
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
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw RunnerError("cannot create \(path): \(String(cString: strerror(errno)))") }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        guard !parent.isEmpty, parent != path else { throw RunnerError("cannot create \(path)") }
        try makeDirectories(parent)
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw RunnerError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a file, ignoring errors.
    static func remove(_ path: String) {
        unlink(path)
    }
}
