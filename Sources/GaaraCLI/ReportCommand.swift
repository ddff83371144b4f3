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
        var reports: [[String: Any]] = []
        var lines: [String] = []
        for file in files {
            let report = try ReportFiles.read(file, display: file, expected: nil)
            reports.append(ReportJSON.summary(report))
            lines.append(ReportJSON.textLine(report))
        }
        switch format {
        case .json:
            let data = try JSONSerialization.data(
                withJSONObject: ["reports": reports], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        case .text:
            print(lines.joined(separator: "\n"))
        }
    }
}

/// The JSON shapes of report summaries.
enum ReportJSON {
    static func summary(_ report: Report) -> [String: Any] {
        let data = (try? JSONEncoder().encode(ReportSummary(report))) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
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
