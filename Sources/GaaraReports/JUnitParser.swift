/// Reads JUnit XML in its dialects (and xunit.net's `<assemblies>`) into a ``TestSummary``.
struct JUnitHandler: XMLHandler {
    var summary = TestSummary()
    let path: String
    private var suites: [String] = []
    private var inCase = false
    /// The case's name and class as raw bytes; decoded only for a failure.
    private var caseName: [UInt8] = []
    private var caseClass: [UInt8] = []
    private var caseClassFromSuite = false
    private var caseFailed = false
    private var caseErrored = false
    private var caseSkipped = false
    private var caseFlaky = false
    private var message = ""
    private var capturing = false
    private var captured: [UInt8] = []
    private var caseDepth = 0
    private var depth = 0

    init(path: String) {
        self.path = path
    }

    var wantsText: Bool { capturing && captured.count < 2048 }

    mutating func start(_ name: UnsafeRawBufferPointer, attributes: XMLAttributes, selfClosing: Bool) throws {
        depth += 1
        if XMLScanner.equals(name, "testcase") {
            inCase = true
            caseDepth = depth
            remember(attributes["name"], into: &caseName)
            if let raw = attributes["classname"] ?? attributes["class"] {
                remember(raw, into: &caseClass)
                caseClassFromSuite = false
            } else {
                caseClassFromSuite = true
            }
            caseFailed = false
            caseErrored = false
            caseFlaky = false
            message = ""
            caseSkipped = false
            if let status = attributes["status"] ?? attributes["result"] {
                caseSkipped =
                    XMLScanner.equalsIgnoringCase(status, "skipped") || XMLScanner.equalsIgnoringCase(status, "notrun")
                    || XMLScanner.equalsIgnoringCase(status, "disabled") || XMLScanner.equalsIgnoringCase(status, "ignored")
            }
            if let time = attributes["time"] { summary.duration += XMLScanner.parseDouble(time) }
        } else if XMLScanner.equals(name, "testsuite") || XMLScanner.equals(name, "collection") {
            suites.append(attributes.string("name") ?? "")
        } else if XMLScanner.equals(name, "test"), let result = attributes["result"] {
            // xunit.net: <test name="..." type="..." result="Pass|Fail|Skip" time="...">
            inCase = true
            caseDepth = depth
            remember(attributes["name"], into: &caseName)
            remember(attributes["type"], into: &caseClass)
            caseClassFromSuite = false
            caseFailed = XMLScanner.equalsIgnoringCase(result, "fail")
            caseErrored = false
            caseFlaky = false
            caseSkipped = XMLScanner.equalsIgnoringCase(result, "skip") || XMLScanner.equalsIgnoringCase(result, "notrun")
            message = ""
            if let time = attributes["time"] { summary.duration += XMLScanner.parseDouble(time) }
        } else if inCase {
            if XMLScanner.equals(name, "failure") {
                caseFailed = true
                beginMessage(attributes)
            } else if XMLScanner.equals(name, "error") {
                caseErrored = true
                beginMessage(attributes)
            } else if XMLScanner.equals(name, "skipped") {
                caseSkipped = true
            } else if XMLScanner.equals(name, "flakyFailure") || XMLScanner.equals(name, "flakyError") {
                caseFlaky = true
            } else if XMLScanner.equals(name, "message"), caseFailed, message.isEmpty {
                capturing = true
                captured = []
            }
        }
    }

    private func remember(_ raw: UnsafeRawBufferPointer?, into storage: inout [UInt8]) {
        storage.removeAll(keepingCapacity: true)
        if let raw { storage.append(contentsOf: raw) }
    }

    private mutating func beginMessage(_ attributes: XMLAttributes) {
        guard message.isEmpty else { return }
        if let text = attributes.string("message"), !text.isEmpty {
            message = text
        } else {
            capturing = true
            captured = []
        }
    }

    mutating func text(_ bytes: UnsafeRawBufferPointer) {
        captured.append(contentsOf: bytes.prefix(2048 - captured.count))
    }

    mutating func end(_ name: UnsafeRawBufferPointer) throws {
        defer { depth -= 1 }
        if capturing, XMLScanner.equals(name, "failure") || XMLScanner.equals(name, "error") || XMLScanner.equals(name, "message") {
            capturing = false
            message = captured.withUnsafeBytes { XMLScanner.decode($0) }.trimmingWhitespace()
        }
        if XMLScanner.equals(name, "testsuite") || XMLScanner.equals(name, "collection") {
            _ = suites.popLast()
        } else if inCase, depth == caseDepth, XMLScanner.equals(name, "testcase") || XMLScanner.equals(name, "test") {
            inCase = false
            summary.total += 1
            if caseFailed {
                summary.failed += 1
                record("failure")
            } else if caseErrored {
                summary.errors += 1
                record("error")
            } else {
                if caseSkipped { summary.skipped += 1 }
                if caseFlaky { summary.flaky += 1 }
            }
        }
    }

    private mutating func record(_ kind: String) {
        guard summary.failures.count < 500 else { return }
        let short = message.count > 500 ? String(message.prefix(500)) + "…" : message
        let name = caseName.withUnsafeBytes { XMLScanner.decode($0) }
        let suite = caseClassFromSuite ? suites.last ?? "" : caseClass.withUnsafeBytes { XMLScanner.decode($0) }
        summary.failures.append(FailedTest(suite: suite, name: name, kind: kind, message: short, file: path))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
