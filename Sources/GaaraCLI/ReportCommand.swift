import ArgumentParser
import Foundation
import GaaraReports

/// `gaara report`: prints the normalised summary of each report.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise test, coverage and security reports (kind detected from the content).",
        discussion: "Exit status: 0 when every file was read, 2 when one is missing or not a report it claims to be."
    )

    @Argument(help: "Report files.")
    var files: [String]

    @Option(help: "Output format: json or text.")
    var format: ReportFormat = .json

    enum ReportFormat: String, ExpressibleByArgument {
        case json, text
    }

    func run() async throws {
        var reports: [ReportSummary] = []
        var lines: [String] = []
        for file in files {
            let report = try ReportFiles.read(file, display: file, expected: nil)
            reports.append(ReportSummary(report))
            lines.append(ReportJSON.textLine(report))
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(try ReportJSON.encode(["reports": reports]) + Data("\n".utf8))
        case .text:
            print(lines.joined(separator: "\n"))
        }
    }
}

/// The JSON shapes of report summaries.
enum ReportJSON {
    /// Pretty, sorted JSON with slashes as they are: the output of `gaara report` and `gaara gate`.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func textLine(_ report: Report) -> String {
        var parts = ["\(report.path) (\(report.kind.rawValue))"]
        if let tests = report.tests {
            parts.append("\(tests.total) tests, \(tests.failed) failed, \(tests.errors) errors, \(tests.skipped) skipped")
        }
        if let coverage = report.coverage {
            let totals = coverage.totals
            parts.append("lines \(totals.linesCovered)/\(totals.linesValid)" + (totals.linePercent.map { String(format: " (%.1f%%)", $0) } ?? ""))
            parts.append("branches \(totals.branchesCovered)/\(totals.branchesValid)")
        }
        if let findings = report.findings {
            let counts = FindingCounts(findings)
            parts.append(
                "findings: \(counts.critical) critical, \(counts.high) high, \(counts.medium) medium, \(counts.low) low, \(counts.info) info")
        }
        return parts.joined(separator: ": ")
    }
}
