import Foundation
import Testing

@testable import GaaraServer

/// What the dashboard and the live stream show of large logs (``LogTrimmer``, ``LogFollower``).
struct LogLimitTests {
    /// Feeds `text` in blocks of `block` bytes; returns what is shown and the trimmer.
    static func trim(_ text: String, line: Int, budget: Int, block: Int) -> (String, LogTrimmer) {
        var trimmer = LogTrimmer(lineLimit: line, budget: budget)
        var output: [UInt8] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count, !trimmer.overflowed {
            let end = min(start + block, bytes.count)
            bytes[start..<end].withUnsafeBytes { trimmer.feed($0, into: &output) }
            start = end
        }
        if !trimmer.overflowed { trimmer.finish(into: &output) }
        return (String(decoding: output, as: UTF8.self), trimmer)
    }

    @Test(arguments: [1, 3, 7, 64, 100_000])
    func longLinesKeepTheirStartAndSayHowMuchWasCut(block: Int) {
        let text = "short\n" + String(repeating: "a", count: 25) + "\n" + "exactly10!\n" + "tail"
        let (shown, trimmer) = Self.trim(text, line: 10, budget: 1000, block: block)
        #expect(shown == "short\naaaaaaaaaa… [15 bytes truncated; download the raw log]\nexactly10!\ntail\n")
        #expect(!trimmer.overflowed && trimmer.consumed == text.utf8.count)
    }

    @Test(arguments: [1, 5, 4096])
    func theBudgetEndsTheLogMidLine(block: Int) {
        let text = "one\ntwo\n" + String(repeating: "b", count: 50) + "\nnever shown\n"
        let (shown, trimmer) = Self.trim(text, line: 20, budget: 30, block: block)
        // 8 bytes of whole lines, then 22 of the long line: 20 shown, 2 counted.
        #expect(shown == "one\ntwo\n" + String(repeating: "b", count: 20) + "… [2 bytes truncated; download the raw log]\n")
        #expect(trimmer.overflowed && trimmer.consumed == 30)
        // Exactly at the budget with nothing more: not overflowed.
        let (whole, exact) = Self.trim("one\ntwo\n", line: 20, budget: 8, block: block)
        #expect(whole == "one\ntwo\n" && !exact.overflowed)
    }

    @Test func aCutNeverSplitsACharacter() {
        // "é" is two bytes: a cut after 5 bytes falls inside the third one.
        let (shown, _) = Self.trim("ééééé\n", line: 5, budget: 100, block: 2)
        #expect(shown == "éé… [6 bytes truncated; download the raw log]\n")
        let (emoji, _) = Self.trim("a𝄞𝄞\n", line: 3, budget: 100, block: 100)
        #expect(emoji == "a… [8 bytes truncated; download the raw log]\n")
    }

    @Test func aHugeLineCostsOneLineLimitOfMemory() {
        // 64 MiB of one line in 64 KiB blocks: only the first 1 KiB is held.
        var trimmer = LogTrimmer(lineLimit: 1024, budget: .max)
        let block = [UInt8](repeating: UInt8(ascii: "z"), count: 64 * 1024)
        var output: [UInt8] = []
        for _ in 0..<1024 { block.withUnsafeBytes { trimmer.feed($0, into: &output) } }
        #expect(output.isEmpty)
        trimmer.finish(into: &output)
        #expect(
            String(decoding: output, as: UTF8.self) == String(repeating: "z", count: 1024) + LogLimits.lineMarker(dropped: 64 * 1024 * 1024 - 1024)
                + "\n")
    }

    @Test func sizesReadNaturally() {
        #expect(LogLimits.sizeText(4 * 1024 * 1024) == "4 MiB")
        #expect(LogLimits.sizeText(64 * 1024) == "64 KiB")
        #expect(LogLimits.sizeText(1536) == "1.5 KiB")
        #expect(LogLimits.sizeText(10) == "10 bytes")
        #expect(LogLimits.stepMarker(shown: 1 << 20, total: nil).hasSuffix("; download the raw log]\n"))
    }

    @Test func theFollowerCutsHugeLinesAndLongLogs() throws {
        let directory = try StepLogTests.temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        let job = directory.appendingPathComponent("build-0")
        try FileManager.default.createDirectory(at: job, withIntermediateDirectories: true)
        // Step 1: one 5 MiB line, then a short one, compressed. Step 2: 3 MiB of short lines.
        let huge = String(repeating: "a", count: 5 << 20)
        try (huge + "\nafter\n").write(to: job.appendingPathComponent("1.log"), atomically: true, encoding: .utf8)
        try Gzip.compressFile(job.appendingPathComponent("1.log").path, to: job.appendingPathComponent("1.log.gz").path)
        unlink(job.appendingPathComponent("1.log").path)
        let line = String(repeating: "x", count: 99) + "\n"
        try String(repeating: line, count: 3 << 20 / 100).write(to: job.appendingPathComponent("2.log"), atomically: true, encoding: .utf8)
        let follower = LogFollower(directory: directory, limits: LogLimits(line: 1024, step: 1 << 20, page: 0))
        var text: [Int: String] = [:]
        var polls = 0
        while true {
            let (chunks, more) = follower.poll(limit: 256 * 1024)
            for chunk in chunks { text[chunk.step, default: ""] += chunk.text }
            polls += 1
            if !more { break }
        }
        // The budget bounds what is read: 1 MiB and a block of each step, in 256 KiB polls.
        #expect(polls <= 10, "\(polls) polls")
        let first = try #require(text[1])
        #expect(first.hasPrefix(String(repeating: "a", count: 1024) + "… ["))
        #expect(first.hasSuffix(LogLimits.stepMarker(shown: 1 << 20, total: nil)))
        let second = try #require(text[2])
        #expect(second.hasSuffix(LogLimits.stepMarker(shown: 1 << 20, total: nil)))
        #expect(second.utf8.count < (1 << 20) + 1000)
        // A step whose end is reached is done; nothing comes again.
        #expect(follower.poll(limit: 1 << 20).chunks.isEmpty)
    }
}
