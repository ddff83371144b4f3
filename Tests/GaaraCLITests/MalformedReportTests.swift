import Foundation
import Testing

/// (file name, content, expected stderr line). Every malformed report must exit 2 with
/// `path:line:col: error: message` — never a crash, never a silent zero.
let malformedReports: [(String, String, String)] = [
    ("empty.xml", "", "empty.xml:1:1: error: the file is empty"),
    ("blank.json", "  \n\n ", "blank.json:1:1: error: the file is empty"),
    ("binary.xml", "<test\u{0}suite>", "binary.xml:1:6: error: binary data, not a report"),
    (
        "truncated.xml", "<testsuite>\n  <testcase name=\"a\">\n    <failure",
        "truncated.xml:3:5: error: the file ends inside a tag: it is truncated or not XML"
    ),
    (
        "unclosed.xml", "<testsuites>\n<testsuite>\n<testcase name=\"a\"/>\n",
        "unclosed.xml:4:1: error: the file ends before </testsuite>: it is truncated"
    ),
    ("mismatch.xml", "<testsuite>\n  <testcase name=\"a\">\n  </testsuite>\n", "mismatch.xml:3:3: error: </testsuite> does not match <testcase>"),
    ("tworoots.xml", "<testsuite/>\n<testsuite/>\n", "tworoots.xml:2:1: error: a second root element"),
    ("textafter.xml", "<testsuite/>\ntrailing words\n", "textafter.xml:2:1: error: text after the root element"),
    (
        "html.xml", "<!DOCTYPE html>\n<html><body/></html>",
        "html.xml:1:1: error: XML whose root is <html>: neither a JUnit (<testsuites>, <testsuite>) nor a Cobertura (<coverage>) report"
    ),
    ("unquoted.xml", "<testsuite name=x>\n</testsuite>", "unquoted.xml:1:17: error: an attribute value without quotes"),
    ("noequals.xml", "<testsuite name>\n</testsuite>", "noequals.xml:1:12: error: an attribute without '=' in a tag"),
    ("lt-in-tag.xml", "<testsuite name=\"a\" <testcase/>", "lt-in-tag.xml:1:21: error: '<' inside a tag: the markup is malformed"),
    ("comment.xml", "<testsuite>\n<!-- never closed\n", "comment.xml:2:1: error: the file ends inside a tag: it is truncated or not XML"),
    (
        "cobertura-cut.xml", "<coverage>\n<packages>\n<package name=\"p\"><classes><class filename=\"a\"><lines><line number=\"1\" hits=\"1\"/>",
        "cobertura-cut.xml:3:82: error: the file ends before </lines>: it is truncated"
    ),
    (
        "sarif-cut.sarif", "{\"version\": \"2.1.0\",\n \"runs\": [{\"results\": [",
        "sarif-cut.sarif:2:24: error: invalid JSON: unexpected end of input"
    ),
    ("unknown.json", "{\"foo\": 1, \"bar\": [2]}", "unknown.json:1:1: error: a JSON document of an unknown shape (keys: foo, bar)"),
    ("numbers.json", "[1, 2, 3]", "numbers.json:1:1: error: a JSON array of an unknown shape"),
    ("scalar.json", "[]", "scalar.json:1:1: error: an empty JSON array: not a report Gaara knows"),
    ("nan.json", "{\"runs\": [], \"version\": \"2.1.0\", \"x\": NaN}", "nan.json:1:39: error: invalid JSON: unexpected character"),
    ("runs.sarif", "{\"version\": \"2.1.0\", \"runs\": {}}", "runs.sarif:1:1: error: SARIF without a 'runs' array"),
    ("trailing.json", "{\"version\": \"2.1.0\", \"runs\": []} garbage", "trailing.json:1:34: error: invalid JSON: unexpected character"),
    ("lcov-da.info", "SF:a.c\nDA:x,1\nend_of_record\n", "lcov-da.info:2:1: error: line 2: malformed DA record 'DA:x,1'"),
    ("lcov-order.info", "TN:\nDA:1,1\n", "lcov-order.info:2:1: error: line 2: DA before any SF record"),
    ("lcov-junk.info", "SF:a.c\nthis is not lcov\n", "lcov-junk.info:2:1: error: line 2 is not an LCOV record ('KEY:value'): this is not lcov"),
    ("text.txt", "All tests passed!\n", "text.txt:1:1: error: not a report Gaara knows (JUnit or Cobertura XML, LCOV, SARIF or an audit JSON)"),
    (
        "banner.json", "+====+\nWARNING: nothing here\n",
        "banner.json:1:1: error: not a report Gaara knows (JUnit or Cobertura XML, LCOV, SARIF or an audit JSON)"
    ),
    ("closes.xml", "</testsuite>", "closes.xml:1:1: error: </testsuite> closes nothing"),
]

@Test(arguments: malformedReports)
func malformedReportExitsTwoWithItsPosition(_ testCase: (String, String, String)) async throws {
    let (name, content, expected) = testCase
    let directory = try TemporaryDirectory()
    try directory.write(name, content)
    let output = try await GaaraBinary.run(["report", name], in: directory.url)
    #expect(output.status == 2, "\(name): \(output.stdout)")
    #expect(output.stderr == expected + "\n", "\(name)")
    #expect(output.stdout.isEmpty)
}

@Test func malformedReportCasesAreMany() {
    #expect(malformedReports.count >= 25)
}

@Test func missingFilesDirectoriesAndWrongKindsAreBadInput() async throws {
    let directory = try TemporaryDirectory()
    try directory.write("cov.xml", "<coverage><packages/></coverage>")
    try directory.write("sub/x", "")
    let missing = try await GaaraBinary.run(["report", "nope.xml"], in: directory.url)
    #expect(missing.status == 2 && missing.stderr == "gaara: nope.xml: No such file or directory\n")
    let folder = try await GaaraBinary.run(["report", "sub"], in: directory.url)
    #expect(folder.status == 2 && folder.stderr == "gaara: sub: is a directory\n")
    let wrongKind = try await GaaraBinary.run(["gate", "--junit", "cov.xml"], in: directory.url)
    #expect(wrongKind.status == 2)
    #expect(wrongKind.stderr == "cov.xml:1:1: error: expected a JUnit test report, but this is cobertura\n")
    let noMatch = try await GaaraBinary.run(["gate", "--junit", "reports/*.xml"], in: directory.url)
    #expect(noMatch.status == 2 && noMatch.stderr == "gaara: --junit 'reports/*.xml': no file matches\n")
}
