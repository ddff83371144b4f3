/// Severity on Gaara's one scale.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case critical, high, medium, low, info

    /// Rank for comparisons: critical is the highest.
    public var rank: Int {
        switch self {
        case .critical: 4
        case .high: 3
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    /// Orders by rank.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// A CVSS-style score: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low, 0 info.
    public init(score: Double) {
        if score >= 9 {
            self = .critical
        } else if score >= 7 {
            self = .high
        } else if score >= 4 {
            self = .medium
        } else if score > 0 {
            self = .low
        } else {
            self = .info
        }
    }

    /// A severity word from a tool (`CRITICAL`, `high`, `moderate`, `MODERATE`, `low`, `info`...).
    public init?(word: String) {
        switch word.lowercased() {
        case "critical": self = .critical
        case "high", "error": self = .high
        case "medium", "moderate": self = .medium
        case "low": self = .low
        case "info", "informational", "none", "negligible": self = .info
        default: return nil
        }
    }
}

/// What kind of report a file is.
public enum ReportKind: String, Sendable, Codable {
    case junit, cobertura, lcov, sarif, bandit
    case pipAudit = "pip-audit"
    case safety
    case npmAudit = "npm-audit"
    case yarnAudit = "yarn-audit"
    case bundlerAudit = "bundler-audit"
    case composerAudit = "composer-audit"
    case govulncheck
    case osvScanner = "osv-scanner"

    /// True for the kinds that hold security findings.
    public var isSecurity: Bool {
        switch self {
        case .junit, .cobertura, .lcov: false
        default: true
        }
    }
}

/// Test results of one or more JUnit-style reports.
public struct TestSummary: Sendable, Codable, Equatable {
    /// Test cases.
    public var total = 0
    /// Cases with a failure.
    public var failed = 0
    /// Cases with an error (and no failure).
    public var errors = 0
    /// Skipped cases.
    public var skipped = 0
    /// Cases that passed after reruns.
    public var flaky = 0
    /// Sum of case durations in seconds.
    public var duration = 0.0
    /// The failed and errored cases (the first 500).
    public var failures: [FailedTest] = []

    /// Creates an empty summary.
    public init() {}

    /// Adds another summary.
    public mutating func merge(_ other: TestSummary) {
        total += other.total
        failed += other.failed
        errors += other.errors
        skipped += other.skipped
        flaky += other.flaky
        duration += other.duration
        failures += other.failures.prefix(max(0, 500 - failures.count))
    }

    /// Passed cases.
    public var passed: Int { total - failed - errors - skipped }
}

/// A failed or errored test case.
public struct FailedTest: Sendable, Codable, Equatable {
    /// The suite or class.
    public var suite: String
    /// The case name.
    public var name: String
    /// `failure` or `error`.
    public var kind: String
    /// The message (shortened).
    public var message: String
    /// The report it came from.
    public var file: String

    /// Creates a failed test.
    public init(suite: String, name: String, kind: String, message: String, file: String) {
        self.suite = suite
        self.name = name
        self.kind = kind
        self.message = message
        self.file = file
    }
}

/// Coverage of one source file: which lines are coverable and covered, and branches per line.
/// Kept compact (bitsets and packed branch entries) so millions of lines stay small in memory.
public struct FileCoverage: Sendable, Equatable {
    /// Coverable lines.
    public var valid = Bitset()
    /// Covered lines.
    public var covered = Bitset()
    /// Branch entries packed as (line + 1) << 32 | total << 16 | covered, in arrival order;
    /// ``branches`` resolves repeats.
    private var branchEntries: [UInt64] = []

    /// Creates empty coverage.
    public init() {}

    /// Lines that can be covered.
    public var linesValid: Int { valid.count }
    /// Lines covered.
    public var linesCovered: Int { covered.count }

    /// Per line: (covered branches, total branches); for a line given twice, the entry with more
    /// branches (then more covered) wins. Line -1 holds branches of an unknown line.
    public var branches: [Int: BranchCount] {
        var result: [Int: BranchCount] = [:]
        for entry in branchEntries {
            let line = Int(entry >> 32) - 1
            let candidate = BranchCount(covered: Int(entry & 0xFFFF), total: Int((entry >> 16) & 0xFFFF))
            if let existing = result[line], (existing.total, existing.covered) >= (candidate.total, candidate.covered) { continue }
            result[line] = candidate
        }
        return result
    }

    /// Branches in all.
    public var branchesValid: Int { branches.values.reduce(0) { $0 + $1.total } }
    /// Branches taken.
    public var branchesCovered: Int { branches.values.reduce(0) { $0 + $1.covered } }

    /// Records a line.
    public mutating func addLine(_ line: Int, hits: Int) {
        guard line >= 0 else { return }
        valid.insert(line)
        if hits > 0 { covered.insert(line) }
    }

    /// Records a line's branches (line -1: unknown line).
    public mutating func addBranches(_ line: Int, covered: Int, total: Int) {
        guard line >= -1, line < Int(UInt32.max) - 1, total > 0 else { return }
        let total = min(total, 0xFFFF)
        let covered = min(max(covered, 0), total)
        branchEntries.append(UInt64(line + 1) << 32 | UInt64(total) << 16 | UInt64(covered))
    }

    /// Union with coverage of the same file from another report.
    public mutating func merge(_ other: FileCoverage) {
        valid.formUnion(other.valid)
        covered.formUnion(other.covered)
        branchEntries += other.branchEntries
    }
}

/// Covered and total branches of a line.
public struct BranchCount: Sendable, Equatable {
    /// Branches taken.
    public var covered: Int
    /// Branches in all.
    public var total: Int
}

/// Coverage of several files (one report or several merged).
public struct CoverageData: Sendable, Equatable {
    /// Per file, keyed by normalised path.
    public var files: [String: FileCoverage] = [:]
    /// Line and branch totals reported by records without per-line data (LCOV `LF`/`LH`, `BRF`/`BRH`).
    public var extra = CoverageTotals()

    /// Creates empty coverage.
    public init() {}

    /// Totals over all files.
    public var totals: CoverageTotals {
        var totals = extra
        for file in files.values {
            totals.linesValid += file.linesValid
            totals.linesCovered += file.linesCovered
            totals.branchesValid += file.branchesValid
            totals.branchesCovered += file.branchesCovered
        }
        return totals
    }

    /// Merges another report's coverage.
    public mutating func merge(_ other: CoverageData) {
        for (path, coverage) in other.files { files[path, default: FileCoverage()].merge(coverage) }
        extra.linesValid += other.extra.linesValid
        extra.linesCovered += other.extra.linesCovered
        extra.branchesValid += other.extra.branchesValid
        extra.branchesCovered += other.extra.branchesCovered
    }

    /// Normalises a path: `\` to `/`, no leading `./`.
    public static func normalize(_ path: String) -> String {
        var result = path.replacing("\\", with: "/")
        while result.hasPrefix("./") { result.removeFirst(2) }
        return result
    }
}

/// Line and branch counts.
public struct CoverageTotals: Sendable, Equatable, Codable {
    /// Coverable lines.
    public var linesValid = 0
    /// Covered lines.
    public var linesCovered = 0
    /// Branches.
    public var branchesValid = 0
    /// Branches taken.
    public var branchesCovered = 0

    /// Creates totals.
    public init(linesValid: Int = 0, linesCovered: Int = 0, branchesValid: Int = 0, branchesCovered: Int = 0) {
        self.linesValid = linesValid
        self.linesCovered = linesCovered
        self.branchesValid = branchesValid
        self.branchesCovered = branchesCovered
    }

    /// Line coverage in percent (nil when there are no lines).
    public var linePercent: Double? { linesValid > 0 ? Double(linesCovered) * 100 / Double(linesValid) : nil }
    /// Branch coverage in percent (nil when there are no branches).
    public var branchPercent: Double? { branchesValid > 0 ? Double(branchesCovered) * 100 / Double(branchesValid) : nil }
}

/// A set of small non-negative integers (line numbers) as bits.
public struct Bitset: Sendable, Equatable {
    private var words: [UInt64] = []
    /// The number of members.
    public private(set) var count = 0

    /// Creates an empty set.
    public init() {}

    /// Adds a member.
    public mutating func insert(_ value: Int) {
        let word = value >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        let mask: UInt64 = 1 << UInt64(value & 63)
        if words[word] & mask == 0 {
            words[word] |= mask
            count += 1
        }
    }

    /// True when `value` is a member.
    public func contains(_ value: Int) -> Bool {
        let word = value >> 6
        return value >= 0 && word < words.count && words[word] & (1 << UInt64(value & 63)) != 0
    }

    /// Adds every member of `other`.
    public mutating func formUnion(_ other: Bitset) {
        if other.words.count > words.count { words.append(contentsOf: repeatElement(0, count: other.words.count - words.count)) }
        count = 0
        for index in words.indices {
            if index < other.words.count { words[index] |= other.words[index] }
            count += words[index].nonzeroBitCount
        }
    }

    /// The members in order.
    public var members: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() where word != 0 {
            for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { result.append(index * 64 + bit) }
        }
        return result
    }
}

/// One security finding.
public struct Finding: Sendable, Codable, Equatable {
    /// Gaara's severity.
    public var severity: Severity
    /// The tool that reported it.
    public var tool: String
    /// The rule, advisory or vulnerability id.
    public var rule: String
    /// A one-line description.
    public var message: String
    /// The file (or package) it is about.
    public var location: String
    /// The line, when there is one.
    public var line: Int?
    /// A stable identity for comparing with a baseline.
    public var fingerprint: String

    /// Creates a finding.
    public init(severity: Severity, tool: String, rule: String, message: String, location: String, line: Int?, fingerprint: String) {
        self.severity = severity
        self.tool = tool
        self.rule = rule
        self.message = message
        self.location = location
        self.line = line
        self.fingerprint = fingerprint
    }
}

/// Findings counted by severity.
public struct FindingCounts: Sendable, Codable, Equatable {
    /// Critical findings.
    public var critical = 0
    /// High findings.
    public var high = 0
    /// Medium findings.
    public var medium = 0
    /// Low findings.
    public var low = 0
    /// Informational findings.
    public var info = 0

    /// Creates counts.
    public init() {}

    /// Counts findings.
    public init(_ findings: [Finding]) {
        for finding in findings { self[finding.severity] += 1 }
    }

    /// The count for one severity.
    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .critical: critical
            case .high: high
            case .medium: medium
            case .low: low
            case .info: info
            }
        }
        set {
            switch severity {
            case .critical: critical = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            case .info: info = newValue
            }
        }
    }

    /// All findings.
    public var total: Int { critical + high + medium + low + info }
}

/// One parsed report.
public struct Report: Sendable {
    /// Where it came from.
    public var path: String
    /// What it is.
    public var kind: ReportKind
    /// Test results (JUnit kinds).
    public var tests: TestSummary?
    /// Coverage (Cobertura, LCOV).
    public var coverage: CoverageData?
    /// Findings (security kinds).
    public var findings: [Finding]?

    /// Creates a report.
    public init(path: String, kind: ReportKind) {
        self.path = path
        self.kind = kind
    }
}

/// The normalised summary of one report, as `gaara report --format json` prints it.
public struct ReportSummary: Sendable, Codable, Equatable {
    /// Test counts.
    public struct Tests: Sendable, Codable, Equatable {
        public var total, failed, errors, skipped, flaky: Int
    }

    /// Coverage counts.
    public struct Coverage: Sendable, Codable, Equatable {
        public var lines_valid, lines_covered, branches_valid, branches_covered: Int
    }

    /// Findings by severity.
    public struct Findings: Sendable, Codable, Equatable {
        public var critical, high, medium, low, info: Int
    }

    /// The report's path as given.
    public var path: String
    /// Its kind.
    public var kind: String
    /// Present for test reports.
    public var tests: Tests?
    /// Present for coverage reports.
    public var coverage: Coverage?
    /// Present for security reports.
    public var findings: Findings?

    /// Summarises a report.
    public init(_ report: Report) {
        path = report.path
        kind = report.kind.rawValue
        if let summary = report.tests {
            tests = Tests(total: summary.total, failed: summary.failed, errors: summary.errors, skipped: summary.skipped, flaky: summary.flaky)
        }
        if let data = report.coverage {
            let totals = data.totals
            coverage = Coverage(
                lines_valid: totals.linesValid, lines_covered: totals.linesCovered, branches_valid: totals.branchesValid,
                branches_covered: totals.branchesCovered)
        }
        if let list = report.findings {
            let counts = FindingCounts(list)
            findings = Findings(critical: counts.critical, high: counts.high, medium: counts.medium, low: counts.low, info: counts.info)
        }
    }
}
