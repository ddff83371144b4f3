import GaaraReports

/// A commit status for a forge (GitHub's status API shape).
public struct CommitStatus: Sendable, Codable, Equatable {
    /// `gaara/tests`, `gaara/quality-gate`, ...
    public var context: String
    /// `success` or `failure`.
    public var state: String
    /// One line for the forge (at most 140 characters).
    public var description: String
}

/// Renders gate results as a terminal table, Markdown, JSON and JUnit XML, and as commit statuses.
public enum GateFormatter {
    /// One status per gate plus the overall one; skipped gates report success with why.
    public static func statuses(_ report: GateReport) -> [CommitStatus] {
        report.results.map { result in
            let state = result.status == .failed ? "failure" : "success"
            var description = result.status == .skipped ? "skipped: \(result.measured)" : "\(result.measured) (\(result.threshold))"
            if description.count > 140 { description = String(description.prefix(139)) + "…" }
            return CommitStatus(context: result.context, state: state, description: description)
        }
    }

    /// A plain-text table with a "why it failed" section.
    public static func text(_ report: GateReport, color: Bool = false) -> String {
        let header = ["GATE", "STATUS", "MEASURED", "THRESHOLD"]
        let rows = report.results.map { [$0.name, $0.status.rawValue, $0.measured, $0.threshold] }
        let widths = (0..<4).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], status: GateResult.Status? = nil) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                var text = index == 3 ? cell : cell.padding(toLength: widths[index])
                if index == 1, color, let status {
                    let code = status == .passed ? "32" : status == .failed ? "31" : "2"
                    text = "\u{1B}[\(code)m\(text)\u{1B}[0m"
                }
                parts.append(text)
            }
            return parts.joined(separator: "  ")
        }
        var output = line(header) + "\n"
        for (result, row) in zip(report.results, rows) { output += line(row, status: result.status) + "\n" }
        let failed = report.results.filter { $0.status == .failed && $0.context != "gaara/quality-gate" }
        if !failed.isEmpty {
            output += "\nWhy it failed:\n"
            for result in failed {
                output += "  \(result.name):\n"
                for detail in result.details { output += "    \(detail)\n" }
            }
        }
        for warning in report.warnings { output += "warning: \(warning)\n" }
        output += report.passed ? "\nQuality gate passed.\n" : "\nQuality gate failed.\n"
        return output
    }

    /// Markdown for `$GITHUB_STEP_SUMMARY` and the server.
    public static func markdown(_ report: GateReport) -> String {
        var output = "### Quality gate: \(report.passed ? "passed ✅" : "failed ❌")\n\n"
        output += "| Gate | Status | Measured | Threshold |\n|---|---|---|---|\n"
        for result in report.results {
            let icon = result.status == .passed ? "✅ passed" : result.status == .failed ? "❌ failed" : "⏭️ skipped"
            output += "| \(escape(result.name)) | \(icon) | \(escape(result.measured)) | \(escape(result.threshold)) |\n"
        }
        let failed = report.results.filter { $0.status == .failed && $0.context != "gaara/quality-gate" }
        for result in failed {
            output += "\n<details open><summary><b>\(escape(result.name))</b> failed</summary>\n\n"
            for detail in result.details { output += "- \(escape(detail))\n" }
            output += "\n</details>\n"
        }
        if !report.warnings.isEmpty {
            output += "\n" + report.warnings.map { "> ⚠️ \(escape($0))" }.joined(separator: "\n") + "\n"
        }
        return output
    }

    static func escape(_ text: String) -> String {
        text.replacing("|", with: "\\|").replacing("<", with: "&lt;").replacing("\n", with: " ")
    }

    /// JUnit XML with one test case per gate, so any CI can show the gates.
    public static func junit(_ report: GateReport) -> String {
        let failures = report.results.filter { $0.status == .failed }.count
        let skipped = report.results.filter { $0.status == .skipped }.count
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        output += "<testsuites name=\"gaara\" tests=\"\(report.results.count)\" failures=\"\(failures)\">\n"
        output +=
            "  <testsuite name=\"gaara quality gates\" tests=\"\(report.results.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        for result in report.results {
            output += "    <testcase classname=\"gaara\" name=\"\(xml(result.context))\">"
            switch result.status {
            case .passed:
                output += "<system-out>\(xml(result.measured))</system-out>"
            case .skipped:
                output += "<skipped message=\"\(xml(result.measured))\"/>"
            case .failed:
                let message = result.details.first ?? "\(result.measured) (\(result.threshold))"
                output += "<failure message=\"\(xml(message))\" type=\"gate\">\(xml(result.details.joined(separator: "\n")))</failure>"
            }
            output += "</testcase>\n"
        }
        output += "  </testsuite>\n</testsuites>\n"
        return output
    }

    static func xml(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { continue }
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
