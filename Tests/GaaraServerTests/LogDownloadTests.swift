import Foundation
import Testing

@testable import GaaraServer

/// Step logs read in blocks (``StepLogReader``, ``GzipReader``) and `Range` headers, behind
/// `GET /api/runs/{id}/logs`.
struct LogDownloadTests {
    @Test func theGzipReaderStreamsAndKnowsTheSize() throws {
        let directory = try StepLogTests.temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        var bytes = [UInt8](repeating: 0, count: 3_000_017)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 7 &+ index / 1013) }
        let plain = directory.appendingPathComponent("1.log")
        try Data(bytes).write(to: plain)
        try Gzip.compressFile(plain.path, to: plain.path + ".gz")
        #expect(try Gzip.trailerSize(plain.path + ".gz") == bytes.count)
        #expect(try Gzip.countExpanded(plain.path + ".gz") == bytes.count)
        // Both sources read the same bytes, after a skip too, in small blocks.
        unlink(plain.path)
        try Data(bytes).write(to: directory.appendingPathComponent("2.log"))
        for (base, compressed) in [(plain.path, true), (directory.appendingPathComponent("2.log").path, false)] {
            for skip in [0, 1, 65_536, 2_999_999, 3_000_017, 4_000_000] {
                let reader = try #require(try StepLogReader.open(base))
                #expect(reader.isCompressed == compressed)
                #expect(try reader.size() == bytes.count)
                #expect(try reader.skip(skip) == min(skip, bytes.count))
                var back: [UInt8] = []
                var block = [UInt8](repeating: 0, count: 1000)
                while true {
                    let count = try block.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if count == 0 { break }
                    back += block[0..<count]
                }
                #expect(back == Array(bytes[min(skip, bytes.count)...]), "\(base) from \(skip)")
            }
        }
        #expect(try StepLogReader.open(directory.appendingPathComponent("3.log").path) == nil)
    }

    @Test(arguments: [
        ("bytes=0-9", ByteRange.part(0..<10)), ("bytes=90-", .part(90..<100)), ("bytes=-5", .part(95..<100)),
        ("bytes=50-1000", .part(50..<100)), ("bytes=-1000", .part(0..<100)), ("bytes=99-99", .part(99..<100)),
        ("bytes=100-", .unsatisfiable), ("bytes=100-200", .unsatisfiable), ("bytes=-0", .unsatisfiable),
        ("bytes=99999999999999999999999-", .unsatisfiable), ("bytes=5-2", .whole), ("bytes=0-1,5-6", .whole), ("items=0-5", .whole),
        ("bytes=a-b", .whole), ("bytes=-", .whole), ("bytes=7", .whole), (" BYTES = 1-2 ", .whole),
    ])
    func rangeHeaders(header: String, expected: ByteRange) {
        #expect(ByteRange.parse(header, size: 100) == expected, "\(header)")
    }

    @Test func rangesOfAnEmptyLogAreUnsatisfiable() {
        #expect(ByteRange.parse("bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-3", size: 0) == .unsatisfiable)
        #expect(ByteRange.parse(nil, size: 0) == .whole)
    }
}
