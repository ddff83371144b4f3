import GaaraEngine
import GaaraReports

/// The outcome of one gate.
public struct GateResult: Sendable, Equatable, Codable {
    /// How a gate ended.
    public enum Status: String, Sendable, Codable {
        case passed, failed, skipped
    }

    /// The commit-status context: `gaara/tests`, `gaara/coverage/project`, ...
    public var context: String
    /// A short name for tables.
    public var name: String
    /// Passed, failed, or skipped (nothing to judge).
    public var status: Status
    /// What was measured (`612/640 passed`, `84.2%`).
    public var measured: String
    /// The threshold (`0 failures`, `≥ 80%`).
    public var threshold: String
    /// What failed, one line each.
    public var details: [String]
}

/// Everything the gates judge.
public struct GateInput: Sendable {
    /// Merged test results (nil: no test report given).
    public var tests: TestSummary?
    /// Merged coverage (nil: no coverage report given).
    public var coverage: CoverageData?
    /// Findings (nil: no security report given).
    public var findings: [Finding]?
    /// Findings of the baseline, for `new-only`.
    public var baselineFindings: [Finding]?
    /// Coverage of the base, for `max-drop`.
    public var baseCoverage: CoverageData?
    /// Lines the change adds or modifies (nil: no base to diff against).
    public var changedLines: [String: Set<Int>]?
    /// Today as `YYYY-MM-DD`, for allowlist expiry.
    public var today: String

    /// Creates an input.
    public init(today: String) {
        self.today = today
    }
}

/// The gates' verdict.
public struct GateReport: Sendable, Codable {
    /// One result per gate, then `gaara/quality-gate`.
    public var results: [GateResult]
    /// Warnings (expired allowlist entries, unmatched files).
    public var warnings: [String]
    /// True when no gate failed.
    public var passed: Bool { !results.contains { $0.status == .failed } }
}

/// Judges reports against a ``GateConfiguration``.
public enum GateEvaluator {
    /// Evaluates every gate and the overall quality gate.
    public static func evaluate(_ input: GateInput, configuration: GateConfiguration) -> GateReport {
        var warnings: [String] = []
        var results = [testsGate(input, configuration)]
        let coverage = input.coverage.map { excluding($0, configuration.coverageExclusions) }
        results.append(projectCoverageGate(coverage, base: input.baseCoverage.map { excluding($0, configuration.coverageExclusions) }, configuration))
        results.append(patchCoverageGate(coverage, changed: input.changedLines, configuration))
        results.append(securityGate(input, configuration, warnings: &warnings))
        let failed = results.filter { $0.status == .failed }
        let judged = results.filter { $0.status != .skipped }
        results.append(
            GateResult(
                context: "gaara/quality-gate", name: "quality gate", status: failed.isEmpty ? (judged.isEmpty ? .skipped : .passed) : .failed,
                measured: "\(judged.count - failed.count)/\(judged.count) gates passed", threshold: "all gates pass",
                details: failed.map { "\($0.name): \($0.details.first ?? "failed")" }))
        return GateReport(results: results, warnings: warnings)
    }

    static func testsGate(_ input: GateInput, _ configuration: GateConfiguration) -> GateResult {
        let threshold =
            "≤ \(configuration.maximumTestFailures) failed" + (configuration.minimumTests > 0 ? ", ≥ \(configuration.minimumTests) tests" : "")
        guard let tests = input.tests else {
            return GateResult(context: "gaara/tests", name: "tests", status: .skipped, measured: "no test report", threshold: threshold, details: [])
        }
        let bad = tests.failed + tests.errors
        var details: [String] = []
        if bad > configuration.maximumTestFailures {
            details.append("\(bad) test\(bad == 1 ? "" : "s") failed (\(tests.failed) failures, \(tests.errors) errors)")
            details += tests.failures.prefix(20).map { failure in
                let message = failure.message.split(separator: "\n").first.map(String.init) ?? ""
                return "\(failure.kind): \(failure.suite.isEmpty ? "" : failure.suite + ".")\(failure.name)\(message.isEmpty ? "" : " — " + message)"
            }
        }
        if tests.total < configuration.minimumTests {
            details.append("only \(tests.total) tests ran; at least \(configuration.minimumTests) are required")
        }
        let measured = "\(tests.passed) passed, \(tests.failed) failed, \(tests.errors) errors, \(tests.skipped) skipped of \(tests.total)"
        return GateResult(
            context: "gaara/tests", name: "tests", status: details.isEmpty ? .passed : .failed, measured: measured, threshold: threshold,
            details: details)
    }

    static func percent(_ value: Double) -> String {
        let rounded = (value * 100).rounded(.down) / 100
        return rounded == rounded.rounded() ? "\(Int(rounded))%" : "\(rounded)%"
    }

    static func projectCoverageGate(_ coverage: CoverageData?, base: CoverageData?, _ configuration: GateConfiguration) -> GateResult {
        var threshold = "≥ \(percent(configuration.projectCoverage))"
        if let drop = configuration.maximumCoverageDrop { threshold += ", drop ≤ \(percent(drop)) points" }
        guard let coverage else {
            return GateResult(
                context: "gaara/coverage/project", name: "coverage", status: .skipped, measured: "no coverage report", threshold: threshold,
                details: [])
        }
        let totals = coverage.totals
        guard let value = totals.linePercent else {
            return GateResult(
                context: "gaara/coverage/project", name: "coverage", status: .failed, measured: "no coverable lines", threshold: threshold,
                details: ["the coverage reports hold no coverable line"])
        }
        var details: [String] = []
        if value < configuration.projectCoverage {
            details.append(
                "line coverage \(percent(value)) (\(totals.linesCovered)/\(totals.linesValid)) is below \(percent(configuration.projectCoverage))")
            let weakest = coverage.files.filter {
                $0.value.linesValid > 0 && Double($0.value.linesCovered) * 100 / Double($0.value.linesValid) < configuration.projectCoverage
            }.sorted {
                Double($0.value.linesCovered) / Double($0.value.linesValid) < Double($1.value.linesCovered) / Double($1.value.linesValid)
            }
            details += weakest.prefix(5).map { "\($0.key): \($0.value.linesCovered)/\($0.value.linesValid) lines covered" }
        }
        var measured = percent(value) + " (\(totals.linesCovered)/\(totals.linesValid) lines)"
        if let branches = totals.branchPercent { measured += ", branches \(percent(branches))" }
        if let drop = configuration.maximumCoverageDrop, let baseValue = base?.totals.linePercent {
            let change = value - baseValue
            measured += ", \(change >= 0 ? "+" : "")\(percent(change)) vs base"
            if -change > drop {
                details.append(
                    "coverage dropped \(percent(-change)) points from the base (\(percent(baseValue))); at most \(percent(drop)) is allowed")
            }
        }
        return GateResult(
            context: "gaara/coverage/project", name: "coverage", status: details.isEmpty ? .passed : .failed, measured: measured,
            threshold: threshold, details: details)
    }

    /// Patch coverage as Codecov defines it: changed lines that are coverable, and how many are covered.
    static func patchCoverageGate(_ coverage: CoverageData?, changed: [String: Set<Int>]?, _ configuration: GateConfiguration) -> GateResult {
        let threshold = "≥ \(percent(configuration.effectivePatchCoverage))"
        guard let coverage, let changed else {
            let why = coverage == nil ? "no coverage report" : "no base to compare with (--base)"
            return GateResult(
                context: "gaara/coverage/patch", name: "patch coverage", status: .skipped, measured: why, threshold: threshold, details: [])
        }
        let matcher = PathMatcher(Array(coverage.files.keys))
        var coverable = 0
        var covered = 0
        var uncovered: [String] = []
        for (file, lines) in changed.sorted(by: { $0.key < $1.key }) {
            guard let key = matcher.match(file), let data = coverage.files[key] else { continue }
            var missing: [Int] = []
            for line in lines.sorted() where data.valid.contains(line) {
                coverable += 1
                if data.covered.contains(line) { covered += 1 } else { missing.append(line) }
            }
            if !missing.isEmpty { uncovered.append("\(file): lines \(ranges(missing)) are not covered") }
        }
        guard coverable > 0 else {
            return GateResult(
                context: "gaara/coverage/patch", name: "patch coverage", status: .passed, measured: "no coverable line changed", threshold: threshold,
                details: [])
        }
        let value = Double(covered) * 100 / Double(coverable)
        let failed = value < configuration.effectivePatchCoverage
        var details: [String] = []
        if failed {
            details.append(
                "patch coverage \(percent(value)) (\(covered)/\(coverable) changed lines) is below \(percent(configuration.effectivePatchCoverage))")
            details += uncovered.prefix(20)
        }
        return GateResult(
            context: "gaara/coverage/patch", name: "patch coverage", status: failed ? .failed : .passed,
            measured: "\(percent(value)) (\(covered)/\(coverable) changed lines)", threshold: threshold, details: details)
    }

    static func ranges(_ lines: [Int]) -> String {
        var parts: [String] = []
        var start = lines.first!
        var previous = start
        for line in lines.dropFirst() {
            if line == previous + 1 {
                previous = line
                continue
            }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = line
            previous = line
        }
        parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
        return parts.joined(separator: ", ")
    }

    static func securityGate(_ input: GateInput, _ configuration: GateConfiguration, warnings: inout [String]) -> GateResult {
        let limits = Severity.allCases.compactMap { severity in configuration.maximumFindings[severity].map { "\(severity.rawValue) ≤ \($0)" } }
        let threshold = (limits.isEmpty ? "no limit" : limits.joined(separator: ", ")) + (configuration.newFindingsOnly ? " (new findings)" : "")
        guard var findings = input.findings else {
            return GateResult(
                context: "gaara/security", name: "security", status: .skipped, measured: "no security report", threshold: threshold, details: [])
        }
        let exclusions = configuration.securityExclusions.map(PathGlob.init)
        findings.removeAll { finding in exclusions.contains { $0.matches(CoverageData.normalize(finding.location)) } }
        var allowed = 0
        for entry in configuration.allowlist {
            if entry.isExpired(today: input.today) {
                warnings.append(
                    "allowlist entry '\(entry.rule ?? entry.fingerprint ?? entry.path ?? "")' expired on \(entry.expires) and no longer applies")
                continue
            }
            let before = findings.count
            findings.removeAll { entry.matches($0) }
            allowed += before - findings.count
        }
        var baselineNote = ""
        if configuration.newFindingsOnly {
            if let baseline = input.baselineFindings {
                let known = Set(baseline.map(\.fingerprint))
                let before = findings.count
                findings.removeAll { known.contains($0.fingerprint) }
                baselineNote = ", \(before - findings.count) in the baseline"
            } else {
                warnings.append("security.new-only is set but no baseline was given (--baseline): every finding counts")
            }
        }
        let counts = FindingCounts(findings)
        var details: [String] = []
        for severity in Severity.allCases {
            guard let limit = configuration.maximumFindings[severity], counts[severity] > limit else { continue }
            details.append("\(counts[severity]) \(severity.rawValue) finding\(counts[severity] == 1 ? "" : "s"); at most \(limit) allowed")
            for finding in findings.filter({ $0.severity == severity }).prefix(10) {
                let place = finding.location.isEmpty ? "" : " at \(finding.location)\(finding.line.map { ":\($0)" } ?? "")"
                details.append("\(severity.rawValue): [\(finding.tool)] \(finding.rule)\(place) — \(finding.message)")
            }
        }
        let measured =
            "\(counts.critical) critical, \(counts.high) high, \(counts.medium) medium, \(counts.low) low, \(counts.info) info"
            + (allowed > 0 ? " (\(allowed) allowed\(baselineNote))" : baselineNote.isEmpty ? "" : " (\(baselineNote.dropFirst(2)))")
        return GateResult(
            context: "gaara/security", name: "security", status: details.isEmpty ? .passed : .failed, measured: measured, threshold: threshold,
            details: details)
    }

    /// Coverage without the excluded files.
    static func excluding(_ coverage: CoverageData, _ globs: [String]) -> CoverageData {
        guard !globs.isEmpty else { return coverage }
        let patterns = PathGlobSet(globs)
        var result = coverage
        result.files = coverage.files.filter { !patterns.includes($0.key) }
        return result
    }
}

/// Matches paths from a diff (repository-relative) to paths in coverage reports, which may be
/// absolute or relative to another folder: equal, or one ends with the other at a `/`.
struct PathMatcher {
    private var byName: [Substring: [String]] = [:]

    init(_ paths: [String]) {
        for path in paths { byName[path.split(separator: "/").last ?? "", default: []].append(path) }
    }

    func match(_ path: String) -> String? {
        let candidates = byName[path.split(separator: "/").last ?? ""] ?? []
        if let exact = candidates.first(where: { $0 == path }) { return exact }
        let suffixed = candidates.filter { $0.hasSuffix("/" + path) || path.hasSuffix("/" + $0) }
        return suffixed.min { $0.count < $1.count }
    }
}
