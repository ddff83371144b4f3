import Foundation

/// Reads the step logs of one run as they grow, for live streams: each call to ``poll(limit:)``
/// returns the bytes added since the last call (whole lines only), following a plain log through
/// its compression into `.gz`.
final class LogFollower {
    /// New text of one step.
    struct Chunk {
        let jobFolder: String
        let step: Int
        let text: String
    }

    private struct Followed {
        var handle: FileHandle?
        var offset: UInt64 = 0
        var done = false
    }

    private let directory: URL
    private var followed: [String: Followed] = [:]

    init(directory: URL) {
        self.directory = directory
    }

    deinit {
        for entry in followed.values { try? entry.handle?.close() }
    }

    /// New whole lines of every step, at most about `limit` bytes in all; `more` is true when
    /// something was left for the next call.
    func poll(limit: Int) -> (chunks: [Chunk], more: Bool) {
        var chunks: [Chunk] = []
        var budget = limit
        var more = false
        let jobs = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        for job in jobs {
            let folder = directory.appendingPathComponent(job)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            let steps = Set(
                names.compactMap { name -> Int? in
                    guard let dot = name.firstIndex(of: ".") else { return nil }
                    return Int(name[..<dot])
                }
            ).sorted()
            for step in steps {
                if budget <= 0 {
                    more = true
                    break
                }
                let key = job + "/" + String(step)
                var entry = followed[key] ?? Followed()
                if entry.done { continue }
                let plain = folder.appendingPathComponent("\(step).log").path
                let compressed = plain + ".gz"
                var data = Data()
                if entry.handle == nil, FileManager.default.fileExists(atPath: plain), let handle = FileHandle(forReadingAtPath: plain) {
                    entry.handle = handle
                }
                if let handle = entry.handle {
                    try? handle.seek(toOffset: entry.offset)
                    data = (try? handle.read(upToCount: budget)) ?? Data()
                    if data.isEmpty, FileManager.default.fileExists(atPath: compressed), !FileManager.default.fileExists(atPath: plain) {
                        // Compressed and unlinked: the open handle has everything.
                        try? handle.close()
                        entry.handle = nil
                        entry.done = true
                    }
                } else if FileManager.default.fileExists(atPath: compressed) {
                    var whole = Data()
                    try? Gzip.expandFile(compressed) { whole.append($0) }
                    data = whole.count > Int(entry.offset) ? whole.subdata(in: Int(entry.offset)..<whole.count) : Data()
                    entry.done = true
                }
                var usable = data
                if !entry.done, let lastNewline = data.lastIndex(of: 0x0A) {
                    usable = data.prefix(through: lastNewline)
                } else if !entry.done {
                    usable = Data()
                }
                if data.count >= budget { more = true }
                entry.offset += UInt64(usable.count)
                followed[key] = entry
                if !usable.isEmpty {
                    budget -= usable.count
                    chunks.append(Chunk(jobFolder: job, step: step, text: String(decoding: usable, as: UTF8.self)))
                }
            }
        }
        return (chunks, more)
    }
}
