import Foundation
import NIOCore
import Testing

@testable import GaaraServer

/// Step logs: gzip round trips and the follower that streams them live.
struct StepLogTests {
    static func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func gzipRoundTripsLargeAndEmptyFiles() throws {
        let directory = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        for size in [0, 1, 65_536, 1_000_003] {
            var bytes = [UInt8](repeating: 0, count: size)
            for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index / 977) }
            let plain = directory.appendingPathComponent("\(size).log")
            try Data(bytes).write(to: plain)
            try Gzip.compressFile(plain.path, to: plain.path + ".gz")
            var back = Data()
            try Gzip.expandFile(plain.path + ".gz") { back.append($0) }
            #expect(back == Data(bytes), "size \(size)")
            // gunzip reads it too: real gzip framing.
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/bin/sh")
            check.arguments = ["-c", "gzip -t '\(plain.path).gz'"]
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0)
        }
        let truncated = directory.appendingPathComponent("t.gz")
        let whole = try Data(contentsOf: directory.appendingPathComponent("65536.log.gz"))
        try whole.prefix(whole.count / 2).write(to: truncated)
        #expect(throws: GzipError.self) { try Gzip.expandFile(truncated.path) { _ in } }
    }

    @Test func theFollowerSendsWholeLinesAndSurvivesCompression() throws {
        let directory = try Self.temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        let job = directory.appendingPathComponent("build-0")
        try FileManager.default.createDirectory(at: job, withIntermediateDirectories: true)
        let path = job.appendingPathComponent("1.log").path
        let file = try StepLogFile(path: path)
        let follower = LogFollower(directory: directory)
        #expect(follower.poll(limit: 1 << 20).chunks.isEmpty)
        _ = Array("first".utf8).withUnsafeBytes { file.append(line: $0) }
        // Buffered lines are invisible to readers until flushed.
        #expect(follower.poll(limit: 1 << 20).chunks.isEmpty)
        #expect(file.flush())
        // A partial line (no newline yet) is held back.
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data("sec".utf8))
        var chunks = follower.poll(limit: 1 << 20).chunks
        #expect(chunks.map(\.text) == ["first\n"])
        #expect(chunks.first?.jobFolder == "build-0" && chunks.first?.step == 1)
        handle.write(Data("ond\n".utf8))
        try handle.close()
        // Compressed and removed while followed: the rest still arrives, once.
        try Gzip.compressFile(path, to: path + ".gz")
        unlink(path)
        chunks = follower.poll(limit: 1 << 20).chunks
        #expect(chunks.map(\.text) == ["second\n"])
        #expect(follower.poll(limit: 1 << 20).chunks.isEmpty)
        // A late reader gets everything from the compressed file.
        let late = LogFollower(directory: directory)
        #expect(late.poll(limit: 1 << 20).chunks.map(\.text) == ["first\nsecond\n"])
    }

    @Test func jobFoldersEscapeWhatIsNotSafe() {
        #expect(StepLogs.jobFolder(key: "build", index: 0) == "build-0")
        #expect(StepLogs.jobFolder(key: "call/test x", index: 2) == "call%2Ftest%20x-2")
    }
}

/// The hand-written JSON escaping of live log events agrees with JSONSerialization.
struct SSEEncodingTests {
    @Test func logEventsAreValidJSONWithTheExactText() throws {
        let samples = [
            "plain line\n", "tab\there \"quoted\" back\\slash\r\n", "\u{1B}[31mred\u{1B}[0m\u{0}\u{7}\n", "ünïcödé ✓ 𝄞\n", "",
            String(repeating: "x", count: 70_000),
        ]
        for text in samples {
            var buffer = SSEEncoding.logEvent(job: "build \"x\"-0", jobID: 7, step: 2, text: text)
            let event = buffer.readString(length: buffer.readableBytes) ?? ""
            #expect(event.hasPrefix("event: log\ndata: ") && event.hasSuffix("}\n\n"))
            let json = String(event.dropFirst("event: log\ndata: ".count).dropLast(2))
            #expect(!json.contains("\n"), "an unescaped newline would split the event")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["text"] as? String == text && object["job"] as? String == "build \"x\"-0" && object["job_id"] as? Int == 7)
        }
    }

    @Test func piecesCutAfterANewlinePastTheSizeAndLoseNothing() throws {
        let line = "ünïcödé line with a few words ✓\n"
        let text = String(repeating: line, count: 3_000) + String(repeating: "y", count: 50_000) + "\ntail without newline"
        let pieces = SSEEncoding.pieces(of: text, size: 32 * 1024)
        #expect(pieces.joined() == text)
        #expect(pieces.count > 3)
        for piece in pieces.dropLast() {
            #expect(piece.hasSuffix("\n"))
            // Past the size by at most one line (the 50,000-byte line is longer than the size).
            #expect(piece.utf8.count <= 32 * 1024 + 50_001)
        }
        #expect(SSEEncoding.pieces(of: "short\n", size: 32 * 1024) == ["short\n"])
        // Each piece (a Substring, read in place) encodes to exactly its text.
        for piece in pieces.prefix(2) {
            var buffer = SSEEncoding.logEvent(job: "j-0", jobID: nil, step: 1, text: piece)
            let event = buffer.readString(length: buffer.readableBytes) ?? ""
            let json = String(event.dropFirst("event: log\ndata: ".count).dropLast(2))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["text"] as? String == String(piece))
        }
    }
}

struct LogFeedTests {
    @Test func aWaitTimesOutAloneAndNewEventsWakeEveryone() async throws {
        let feed = LogFeed(runID: 1)
        let first = try #require(feed.subscribe())
        let second = try #require(feed.subscribe())
        let long = Task { await feed.wait(second, timeout: 120) }
        while !feed.isWaiting(second) { try await Task.sleep(for: .milliseconds(5)) }
        // The first subscriber's short wait times out; the second one's must go on (no clock
        // bounds: a loaded machine only delays both).
        await feed.wait(first, timeout: 0.05)
        try await Task.sleep(for: .milliseconds(50))
        #expect(feed.isWaiting(second), "another subscriber's timeout woke it")
        feed.append([ByteBuffer(string: "event: log\n\n")])
        await long.value
        #expect(!feed.isWaiting(second))
        #expect(feed.take(second).events.count == 1 && feed.subscribers == 2)
    }
}
