import Foundation

/// How much of a log the dashboard and the live event stream show; the raw download
/// (`GET /api/runs/{id}/logs`) has no limit. Applied while reading, so no limit needs a whole line
/// or log in memory, and a page costs the same however large its logs are.
struct LogLimits: Sendable {
    /// The longest line shown whole; a longer one shows its first `line` bytes and a marker.
    var line = 64 * 1024
    /// The bytes of each step's log shown (its beginning); a marker says when there is more.
    var step = 4 * 1024 * 1024
    /// The bytes of logs one run page shows over all its steps.
    var page = 16 * 1024 * 1024

    /// The limits of `gaara serve`.
    static let standard = LogLimits()

    /// What ends a line that was cut.
    static func lineMarker(dropped: Int) -> String {
        "… [\(dropped) bytes truncated; download the raw log]"
    }

    /// The line that ends a step log shown only in part (`shown` bytes of it).
    static func stepMarker(shown: Int, total: Int?) -> String {
        "##[gaara]… [only the first \(sizeText(shown)) of this step's log "
            + (total.map { "(\(sizeText($0)) in all) " } ?? "") + "are shown here; download the raw log]\n"
    }

    /// The line shown instead of a step log once a page holds as much as it may.
    static func pageMarker(limit: Int) -> String {
        "##[gaara]… [not shown: this page already shows \(sizeText(limit)) of logs; download the raw log]\n"
    }

    /// `4 MiB`, `12 KiB`, `100 bytes`.
    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20 {
            return bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
        }
        if bytes >= 1 << 10 { return bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : String(format: "%.1f KiB", Double(bytes) / 1024) }
        return "\(bytes) bytes"
    }
}

/// Turns the beginning of a step log, fed in blocks as it is read, into the lines to show: lines
/// longer than the line limit keep their start and end with ``LogLimits/lineMarker(dropped:)``;
/// bytes past `budget` are not taken (``overflowed`` says there were some). Holds at most the shown
/// part of one unfinished line.
struct LogTrimmer {
    /// The longest line shown whole.
    let lineLimit: Int
    /// The bytes of the log taken in all.
    let budget: Int
    /// The bytes taken so far.
    private(set) var consumed = 0
    /// Whether bytes came past the budget (the rest of the log is not shown).
    private(set) var overflowed = false
    /// The shown part of the unfinished current line.
    private var held: [UInt8] = []
    /// The bytes of the current line that will not be shown.
    private var dropped = 0

    /// A trimmer taking at most `budget` bytes, with lines cut at `lineLimit`.
    init(lineLimit: Int, budget: Int) {
        self.lineLimit = lineLimit
        self.budget = budget
    }

    /// Takes the next bytes of the log; appends each line it completes (with its newline) to
    /// `output`. Past the budget, the unfinished line is closed and ``overflowed`` set.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard !overflowed, let base = bytes.baseAddress else { return }
        let usable = min(bytes.count, budget - consumed)
        var start = 0
        while start < usable {
            let newline = memchr(base + start, 0x0A, usable - start).map { base.distance(to: UnsafeRawPointer($0)) }
            let end = newline ?? usable
            if let newline, held.isEmpty, dropped == 0, newline - start <= lineLimit {
                // The common case: a whole line that fits goes straight out.
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...newline]))
            } else {
                let room = dropped > 0 ? 0 : lineLimit - held.count
                let take = min(room, end - start)
                held.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + take)]))
                dropped += end - start - take
                if newline != nil { closeLine(into: &output) }
            }
            start = end + 1
        }
        consumed += usable
        if usable < bytes.count {
            overflowed = true
            closeLine(into: &output)
        }
    }

    /// The log ended: shows its unfinished last line, if any.
    mutating func finish(into output: inout [UInt8]) {
        closeLine(into: &output)
    }

    private mutating func closeLine(into output: inout [UInt8]) {
        guard !held.isEmpty || dropped > 0 else { return }
        if dropped > 0 {
            // A cut through a character would show a replacement character: drop its start too.
            var lead = held.count
            while lead > 0, lead > held.count - 4, held[lead - 1] & 0xC0 == 0x80 { lead -= 1 }
            if lead > 0, lead > held.count - 4, held[lead - 1] >= 0xC0 {
                let first = held[lead - 1]
                let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2
                if held.count - (lead - 1) < length {
                    dropped += held.count - (lead - 1)
                    held.removeSubrange((lead - 1)...)
                }
            }
        }
        output.append(contentsOf: held)
        if dropped > 0 { output.append(contentsOf: LogLimits.lineMarker(dropped: dropped).utf8) }
        output.append(0x0A)
        held.removeAll(keepingCapacity: held.count <= 4096)
        dropped = 0
    }
}
