import GaaraExpressions

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a caller expects a file to be (from `--junit`, `--coverage`, `--sarif`, `--audit`).
public enum ReportCategory: String, Sendable {
    case tests, coverage, security

    /// The category of a kind.
    public init(_ kind: ReportKind) {
        switch kind {
        case .junit: self = .tests
        case .cobertura, .lcov: self = .coverage
        default: self = .security
        }
    }
}

/// Reads any supported report, detecting its kind from the content.
public enum ReportReader {
    /// JSON reports are parsed whole; larger ones are refused rather than exhausting memory.
    public static let maximumJSONSize = 256 * 1024 * 1024

    /// Reads a report from `source`. `expected` narrows what is acceptable.
    public static func read<Source: ByteSource>(_ source: inout Source, path: String, expected: ReportCategory? = nil) throws -> Report {
        var peek = PeekingSource(source)
        defer { source = peek.base }
        let head = try peek.peek(64 * 1024)
        if head.isEmpty || head.allSatisfy(XMLScanner.isSpace) { throw ReportError("the file is empty", offset: 0) }
        if head.prefix(8192).contains(0) { throw ReportError("binary data, not a report", offset: head.firstIndex(of: 0)) }
        var start = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { start = 3 }
        while start < head.count, XMLScanner.isSpace(head[start]) { start += 1 }
        let first = head[start]
        var report: Report
        if first == UInt8(ascii: "<") {
            let root = rootElement(head)
            switch root {
            case "testsuites", "testsuite", "testcase", "assemblies", "assembly", "testrun":
                try check(.junit, expected, path: path)
                var handler = JUnitHandler(path: path)
                var scanner = XMLScanner()
                try scanner.scan(&peek, &handler)
                report = Report(path: path, kind: .junit)
                report.tests = handler.summary
            case "coverage":
                try check(.cobertura, expected, path: path)
                var handler = CoberturaHandler()
                var scanner = XMLScanner()
                try scanner.scan(&peek, &handler)
                handler.flush()
                report = Report(path: path, kind: .cobertura)
                report.coverage = handler.coverage
            case nil:
                // Not even a root element: let the scanner say what is wrong.
                var handler = JUnitHandler(path: path)
                var scanner = XMLScanner()
                try scanner.scan(&peek, &handler)
                throw ReportError("an XML file without a root element", offset: 0)
            case let other?:
                throw ReportError(
                    "XML whose root is <\(other)>: neither a JUnit (<testsuites>, <testsuite>) nor a Cobertura (<coverage>) report", offset: start)
            }
            return report
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return try readJSON(&peek, path: path, expected: expected, skip: 0)
        }
        if looksLikeLCOV(head) {
            try check(.lcov, expected, path: path)
            report = Report(path: path, kind: .lcov)
            report.coverage = try LCOVParser.parse(&peek)
            return report
        }
        // Text before JSON (safety prints a banner): start at the first line opening a JSON value.
        if let jsonStart = firstJSONLine(head) {
            return try readJSON(&peek, path: path, expected: expected, skip: jsonStart)
        }
        throw ReportError("not a report Gaara knows (JUnit or Cobertura XML, LCOV, SARIF or an audit JSON)", offset: start)
    }

    static func check(_ kind: ReportKind, _ expected: ReportCategory?, path: String) throws {
        guard let expected, expected != ReportCategory(kind) else { return }
        let wanted: String
        switch expected {
        case .tests: wanted = "a JUnit test report"
        case .coverage: wanted = "a coverage report (Cobertura or LCOV)"
        case .security: wanted = "a security report (SARIF or an audit JSON)"
        }
        throw ReportError("expected \(wanted), but this is \(kind.rawValue)", offset: 0)
    }

    static func readJSON(_ source: inout PeekingSource<some ByteSource>, path: String, expected: ReportCategory?, skip: Int) throws -> Report {
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maximumJSONSize { throw ReportError("the JSON report is over \(maximumJSONSize / 1024 / 1024) MiB", offset: 0) }
        }
        var body = Array(bytes[skip...])
        var base = skip
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF {
            body.removeFirst(3)
            base += 3
        }
        let (documents, failure, stoppedAt) = ExpressionJSON.parseValues(bytes: body)
        if let failure {
            // A banner before the JSON (safety) may come with one after it: plain text there is fine.
            let trailingText = skip > 0 && !documents.isEmpty && body[stoppedAt] != UInt8(ascii: "{") && body[stoppedAt] != UInt8(ascii: "[")
            if !trailingText { throw ReportError("invalid JSON: \(failure.message)", offset: base + failure.offset) }
        }
        let (kind, findings) = try JSONReports.read(documents, path: path)
        try check(kind, expected, path: path)
        var report = Report(path: path, kind: kind)
        report.findings = findings
        return report
    }

    /// The name of the first element, skipping the declaration, comments and the doctype.
    static func rootElement(_ head: [UInt8]) -> String? {
        var index = 0
        while index < head.count {
            guard let open = head[index...].firstIndex(of: UInt8(ascii: "<")) else { return nil }
            let next = open + 1 < head.count ? head[open + 1] : 0
            if next == UInt8(ascii: "/") { return nil }
            if next == UInt8(ascii: "?") || next == UInt8(ascii: "!") {
                guard let close = head[open...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
                index = close + 1
                continue
            }
            var end = open + 1
            while end < head.count, !XMLScanner.isSpace(head[end]), head[end] != UInt8(ascii: ">"), head[end] != UInt8(ascii: "/") { end += 1 }
            let name = String(decoding: head[(open + 1)..<end], as: UTF8.self)
            // Drop a namespace prefix.
            return name.split(separator: ":").last.map(String.init) ?? name
        }
        return nil
    }

    static func looksLikeLCOV(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head.prefix(16 * 1024), as: UTF8.self)
        for line in text.split(separator: "\n").prefix(200) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
            if trimmed.hasPrefix("SF:") || trimmed.hasPrefix("TN:") { return true }
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") { return false }
        }
        return false
    }

    static func firstJSONLine(_ head: [UInt8]) -> Int? {
        var lineStart = 0
        while lineStart < head.count {
            var index = lineStart
            while index < head.count, head[index] == 0x20 || head[index] == 0x09 { index += 1 }
            if index < head.count, head[index] == UInt8(ascii: "{") || head[index] == UInt8(ascii: "[") {
                // A "[" that opens a banner like "[WARN]" is not JSON; check the next byte.
                if head[index] == UInt8(ascii: "{") { return index }
                var next = index + 1
                while next < head.count, XMLScanner.isSpace(head[next]) { next += 1 }
                if next < head.count, [UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\"")].contains(head[next]) {
                    return index
                }
            }
            guard let newline = head[lineStart...].firstIndex(of: 0x0A) else { return nil }
            lineStart = newline + 1
        }
        return nil
    }
}

/// A byte source that can look at its first bytes before they are read.
struct PeekingSource<Base: ByteSource>: ByteSource {
    var base: Base
    private var buffered: [UInt8] = []
    private var offset = 0

    init(_ base: Base) {
        self.base = base
    }

    /// Reads up to `count` bytes ahead without consuming them.
    mutating func peek(_ count: Int) throws -> [UInt8] {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { chunk.deallocate() }
        while buffered.count < count {
            let read = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<(count - buffered.count)]))
            if read == 0 { break }
            buffered.append(contentsOf: chunk[0..<read])
        }
        return buffered
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < buffered.count {
            let count = min(buffer.count, buffered.count - offset)
            buffered.withUnsafeBytes { source in buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count) }
            offset += count
            if offset == buffered.count {
                buffered = []
                offset = 0
            }
            return count
        }
        return try base.read(into: buffer)
    }
}
