/// Reads JUnit XML in its dialects (and xunit.net's `<assemblies>`) into a ``TestSummary``.
struct JUnitHandler: XMLHandler {
    var summary = TestSummary()
    let path: String
    private var suites: [String] = []
    private var inCase = false
    private var caseName = ""
    private var caseClass = ""
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
        if XMLScanner.equals(name, "testsuite") || XMLScanner.equals(name, "collection") {
            suites.append(attributes.string("name") ?? "")
        } else if XMLScanner.equals(name, "testcase") {
            inCase = true
            caseDepth = depth
            caseName = attributes.string("name") ?? ""
            caseClass = attributes.string("classname") ?? attributes.string("class") ?? suites.last ?? ""
            caseFailed = false
            caseErrored = false
            caseFlaky = false
            message = ""
            let status = attributes.string("status")?.lowercased() ?? attributes.string("result")?.lowercased() ?? ""
            caseSkipped = ["skipped", "notrun", "disabled", "ignored"].contains(status)
            if let time = attributes["time"] { summary.duration += parseDouble(time) }
        } else if XMLScanner.equals(name, "test"), attributes["result"] != nil {
            // xunit.net: <test name="..." type="..." result="Pass|Fail|Skip" time="...">
            inCase = true
            caseDepth = depth
            caseName = attributes.string("name") ?? ""
            caseClass = attributes.string("type") ?? ""
            let result = attributes.string("result")?.lowercased() ?? ""
            caseFailed = result == "fail"
            caseErrored = false
            caseFlaky = false
            caseSkipped = result == "skip" || result == "notrun"
            message = ""
            if let time = attributes["time"] { summary.duration += parseDouble(time) }
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
        summary.failures.append(FailedTest(suite: caseClass, name: caseName, kind: kind, message: short, file: path))
    }

    private func parseDouble(_ raw: UnsafeRawBufferPointer) -> Double {
        Double(String(decoding: raw, as: UTF8.self).replacing(",", with: "")) ?? 0
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
