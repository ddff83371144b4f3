import Foundation
import GaaraReports
import Testing

/// Every report in ../shared/corpus/reports parses, and its summary equals what
/// reference_counts.py (Python's standard library, written separately from the contract in
/// docs/reports.md) computes.
enum ReportCorpus {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("shared/corpus/reports")
    }()

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root.path) }

    static var files: [String] {
        ["junit", "cobertura", "lcov", "sarif", "audit-json"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
                .filter { $0 != "SOURCES.tsv" }.sorted().map { "\(folder)/\($0)" }
        }
    }
}

/// The summary in the same JSON shape as the reference script's.
func summaryObject(_ report: Report) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: JSONEncoder().encode(ReportSummary(report))) as! [String: Any]
}

func readReport(_ path: String, as display: String? = nil) throws -> Report {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var source = MemorySource([UInt8](data))
    return try ReportReader.read(&source, path: display ?? path)
}

@Test(.enabled(if: ReportCorpus.isPresent, "../shared/corpus is absent; skipping the report corpus"))
func corpusReportsMatchTheIndependentReference() throws {
    let files = ReportCorpus.files
    #expect(files.count >= 50)
    let script = Bundle.module.url(forResource: "reference_counts", withExtension: "py")!
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path] + files
    process.currentDirectoryURL = ReportCorpus.root
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "the reference script failed")
    let reference = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
    let expected = try #require(reference["reports"] as? [[String: Any]])
    #expect(expected.count == files.count)
    for entry in expected {
        let path = entry["path"] as! String
        let report = try readReport(ReportCorpus.root.appendingPathComponent(path).path, as: path)
        let actual = try summaryObject(report)
        #expect(NSDictionary(dictionary: actual).isEqual(to: entry), "\(path): gaara \(actual) vs reference \(entry)")
    }
}
