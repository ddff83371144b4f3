#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads LCOV tracefiles line by line, merging repeated `SF` records of one file.
enum LCOVParser {
    struct Record {
        var file: String
        var lines: [Int: Int] = [:]
        var branches: [BranchKey: Int] = [:]
        var linesFound = 0
        var linesHit = 0
        var branchesFound = 0
        var branchesHit = 0
    }

    struct BranchKey: Hashable {
        let line: Int
        let block: String
        let branch: String
    }

    static func parse<Source: ByteSource>(_ source: inout Source) throws -> CoverageData {
        var coverage = CoverageData()
        var branchHits: [String: [BranchKey: Int]] = [:]
        var record: Record?
        var sawRecord = false
        var lineNumber = 0
        var offset = 0
        try forEachLine(&source) { line, lineOffset in
            lineNumber += 1
            offset = lineOffset
            guard !line.isEmpty else { return }
            if line == "end_of_record" {
                if let finished = record { apply(finished, to: &coverage, branchHits: &branchHits) }
                record = nil
                return
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ReportError("line \(lineNumber) is not an LCOV record ('KEY:value'): \(line.prefix(60))", offset: lineOffset)
            }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...]
            switch key {
            case "SF":
                if let finished = record { apply(finished, to: &coverage, branchHits: &branchHits) }
                record = Record(file: CoverageData.normalize(String(value)))
                sawRecord = true
            case "DA":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count >= 2, let number = Int(parts[0]), let hits = parseCount(parts[1]) else {
                    throw ReportError("line \(lineNumber): malformed DA record '\(line.prefix(60))'", offset: lineOffset)
                }
                guard record != nil else { throw ReportError("line \(lineNumber): DA before any SF record", offset: lineOffset) }
                record!.lines[number, default: 0] += hits
            case "BRDA":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                // Node 20's test runner writes "undefined" for the line: the branch still counts, on an unknown line (-1).
                guard parts.count >= 4, let number = parts[0] == "undefined" ? -1 : Int(parts[0]) else {
                    throw ReportError("line \(lineNumber): malformed BRDA record '\(line.prefix(60))'", offset: lineOffset)
                }
                guard record != nil else { throw ReportError("line \(lineNumber): BRDA before any SF record", offset: lineOffset) }
                // lcov 2.x branch names may hold commas: the branch is everything up to the last field.
                let last = parts[parts.count - 1]
                let taken = last == "-" ? 0 : (parseCount(last) ?? 0)
                let branch = parts[2..<(parts.count - 1)].joined(separator: ",")
                record!.branches[BranchKey(line: number, block: String(parts[1]), branch: branch), default: 0] += taken
            case "LF": record?.linesFound = Int(value.trimmingWhitespace()) ?? 0
            case "LH": record?.linesHit = Int(value.trimmingWhitespace()) ?? 0
            case "BRF": record?.branchesFound = Int(value.trimmingWhitespace()) ?? 0
            case "BRH": record?.branchesHit = Int(value.trimmingWhitespace()) ?? 0
            default: break
            }
        }
        if let finished = record { apply(finished, to: &coverage, branchHits: &branchHits) }
        guard sawRecord else { throw ReportError("no 'SF:' record: this is not an LCOV tracefile", offset: 0) }
        _ = offset
        // Branches of merged records become per-line counts.
        for (file, hits) in branchHits {
            var perLine: [Int: (covered: Int, total: Int)] = [:]
            for (key, taken) in hits {
                perLine[key.line, default: (0, 0)].total += 1
                if taken > 0 { perLine[key.line, default: (0, 0)].covered += 1 }
            }
            for (line, count) in perLine {
                coverage.files[file, default: FileCoverage()].addBranches(line, covered: count.covered, total: count.total)
            }
        }
        return coverage
    }

    /// Counts may be written as integers or floats ("1.0e3" from some tools).
    static func parseCount(_ text: Substring) -> Int? {
        if let value = Int(text) { return value }
        if let value = Double(text), value.isFinite { return Int(value) }
        return nil
    }

    static func apply(_ record: Record, to coverage: inout CoverageData, branchHits: inout [String: [BranchKey: Int]]) {
        var file = coverage.files[record.file] ?? FileCoverage()
        if record.lines.isEmpty {
            coverage.extra.linesValid += record.linesFound
            coverage.extra.linesCovered += record.linesHit
        }
        for (line, hits) in record.lines { file.addLine(line, hits: hits) }
        if record.branches.isEmpty {
            coverage.extra.branchesValid += record.branchesFound
            coverage.extra.branchesCovered += record.branchesHit
        } else {
            for (key, taken) in record.branches { branchHits[record.file, default: [:]][key, default: 0] += taken }
        }
        coverage.files[record.file] = file
    }

    /// Calls `body` with each line (without its newline or `\r`) and its byte offset.
    static func forEachLine<Source: ByteSource>(_ source: inout Source, _ body: (Substring, Int) throws -> Void) throws {
        let size = 256 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var pending: [UInt8] = []
        var offset = 0
        var first = true
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            var start = 0
            if first {
                first = false
                if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                if memchr(buffer.baseAddress!, 0, min(count, 8192)) != nil { throw ReportError("binary data, not a text report", offset: 0) }
            }
            while start < count {
                guard let found = memchr(buffer.baseAddress! + start, 0x0A, count - start) else {
                    pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<count]))
                    break
                }
                let newline = UnsafeRawPointer(buffer.baseAddress!).distance(to: UnsafeRawPointer(found))
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<newline]))
                if pending.last == 0x0D { pending.removeLast() }
                let lineOffset = offset + start - (pending.count - (newline - start))
                try body(Substring(String(decoding: pending, as: UTF8.self)).trimmingLeadingSpace(), lineOffset)
                pending.removeAll(keepingCapacity: true)
                start = newline + 1
            }
            offset += count
        }
        if !pending.isEmpty {
            if pending.last == 0x0D { pending.removeLast() }
            try body(Substring(String(decoding: pending, as: UTF8.self)).trimmingLeadingSpace(), offset - pending.count)
        }
    }
}

extension Substring {
    func trimmingLeadingSpace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
