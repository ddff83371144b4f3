import Foundation

/// Reads the step logs of one run as they grow, for live streams: each call to ``poll(limit:)``
/// returns what was added since the last call as lines to show (``LogTrimmer``: long lines cut,
/// each step's log up to `limits.step`), following a plain log through its compression into `.gz`.
final class LogFollower {
    /// New text of one step.
    struct Chunk {
        let jobFolder: String
        let step: Int
        let text: String
    }

    private struct Followed {
        var reader: StepLogReader?
        var trimmer: LogTrimmer
        var done = false
    }

    private let directory: URL
    private let limits: LogLimits
    private var followed: [String: Followed] = [:]
    private let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)

    init(directory: URL, limits: LogLimits = .standard) {
        self.directory = directory
        self.limits = limits
    }

    deinit {
        block.deallocate()
    }

    /// New lines of every step, from reading at most about `limit` bytes of logs in all; `more`
    /// is true when something was left for the next call.
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
                var entry = followed[key] ?? Followed(trimmer: LogTrimmer(lineLimit: limits.line, budget: limits.step))
                if entry.done { continue }
                var output: [UInt8] = []
                let plain = folder.appendingPathComponent("\(step).log").path
                if entry.reader == nil { entry.reader = try? StepLogReader.open(plain) }
                if let reader = entry.reader {
                    // Looked at before reading: once the plain file is gone (compressed), nothing
                    // more is written to it, so reaching its end after this means the end.
                    let final = reader.isCompressed || !FileManager.default.fileExists(atPath: plain)
                    var atEnd = false
                    while budget > 0, !entry.trimmer.overflowed {
                        let wanted = min(block.count, budget)
                        guard let count = try? reader.read(into: UnsafeMutableRawBufferPointer(rebasing: block[0..<wanted])) else {
                            atEnd = true
                            break
                        }
                        if count == 0 {
                            atEnd = true
                            break
                        }
                        budget -= count
                        entry.trimmer.feed(UnsafeRawBufferPointer(rebasing: block[0..<count]), into: &output)
                    }
                    if budget <= 0, !atEnd { more = true }
                    if entry.trimmer.overflowed {
                        output += Array(LogLimits.stepMarker(shown: entry.trimmer.consumed, total: nil).utf8)
                        entry.done = true
                    } else if atEnd, final {
                        entry.trimmer.finish(into: &output)
                        entry.done = true
                    }
                    if entry.done { entry.reader = nil }
                }
                followed[key] = entry
                if !output.isEmpty {
                    chunks.append(Chunk(jobFolder: job, step: step, text: String(decoding: output, as: UTF8.self)))
                }
            }
        }
        return (chunks, more)
    }
}
