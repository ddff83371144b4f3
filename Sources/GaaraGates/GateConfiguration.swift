import GaaraEngine
import GaaraReports
import GaaraWorkflow

/// The gates of a project (`.gaara/gates.yml`); without a file, the guide's defaults: no failed
/// test, project line coverage ≥ 80%, no critical finding.
public struct GateConfiguration: Sendable {
    /// Failed plus errored tests allowed (default 0).
    public var maximumTestFailures = 0
    /// Fewest tests that must run (default 0).
    public var minimumTests = 0
    /// Project line coverage in percent (default 80).
    public var projectCoverage = 80.0
    /// Largest allowed drop of project coverage from the base, in points (nil: not checked).
    public var maximumCoverageDrop: Double?
    /// Patch line coverage in percent (default: the project threshold).
    public var patchCoverage: Double?
    /// Files left out of coverage (globs).
    public var coverageExclusions: [String] = []
    /// Most findings allowed per severity (default: critical 0).
    public var maximumFindings: [Severity: Int] = [.critical: 0]
    /// Count only findings that are not in the baseline.
    public var newFindingsOnly = false
    /// Findings left out by location (globs).
    public var securityExclusions: [String] = []
    /// Accepted findings.
    public var allowlist: [AllowedFinding] = []

    /// The defaults.
    public init() {}

    /// The patch threshold in effect.
    public var effectivePatchCoverage: Double { patchCoverage ?? projectCoverage }
}

/// A finding accepted for a while, with the reason.
public struct AllowedFinding: Sendable {
    /// Matches a finding's fingerprint, when set.
    public var fingerprint: String?
    /// Matches a finding's rule id, when set.
    public var rule: String?
    /// Matches a finding's location (glob), when set.
    public var path: String?
    /// Why it is accepted.
    public var reason: String
    /// The last day it applies (`YYYY-MM-DD`).
    public var expires: String

    /// Creates an entry.
    public init(fingerprint: String?, rule: String?, path: String?, reason: String, expires: String) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.path = path
        self.reason = reason
        self.expires = expires
    }

    /// True when the entry describes `finding`.
    public func matches(_ finding: Finding) -> Bool {
        if let fingerprint, fingerprint != finding.fingerprint { return false }
        if let rule, rule != finding.rule { return false }
        if let path, !PathGlob(path).matches(CoverageData.normalize(finding.location)) { return false }
        return fingerprint != nil || rule != nil || path != nil
    }

    /// True once `today` (`YYYY-MM-DD`) is after `expires`.
    public func isExpired(today: String) -> Bool { today > expires }
}

/// Reads `.gaara/gates.yml`, reporting problems with their positions.
public enum GateConfigurationLoader {
    static let topKeys = ["tests", "coverage", "security"]

    /// Parses the configuration text; diagnostics are errors.
    public static func load(text: String, path: String) -> (GateConfiguration?, SourceFile, [Diagnostic]) {
        let file = SourceFile(path: path, text: text)
        let (root, yamlError) = YAMLLoader.load(file)
        guard let root else { return (nil, file, yamlError.map { [$0] } ?? []) }
        var reader = Reader(file: file)
        let configuration = reader.read(root)
        return (reader.diagnostics.isEmpty ? configuration : nil, file, reader.diagnostics)
    }

    struct Reader {
        let file: SourceFile
        var diagnostics: [Diagnostic] = []

        mutating func error(_ message: String, _ node: YAMLNode) {
            diagnostics.append(.error(message, at: node.location))
        }

        mutating func mapping(_ node: YAMLNode, _ what: String, allowed: [String]) -> [(String, YAMLNode)] {
            guard let pairs = node.pairs else {
                if node.scalarType == .null { return [] }
                error("\(what) must be a mapping, found \(node.kindDescription)", node)
                return []
            }
            var result: [(String, YAMLNode)] = []
            for pair in pairs {
                guard let key = pair.key.scalarText else {
                    error("keys in \(what) must be strings", pair.key)
                    continue
                }
                guard allowed.contains(key) else {
                    let hint =
                        allowed.min { distance(key, $0) < distance(key, $1) }.flatMap { distance(key, $0) <= 2 ? " (did you mean '\($0)'?)" : nil }
                        ?? ""
                    error("unknown key '\(key)' in \(what)\(hint)", pair.key)
                    continue
                }
                result.append((key, pair.value))
            }
            return result
        }

        mutating func number(_ node: YAMLNode, _ what: String, range: ClosedRange<Double>) -> Double? {
            var value: Double?
            switch node.scalarType {
            case .int(let number): value = Double(number)
            case .float(let number): value = number
            case .string(let text) where text.hasSuffix("%"): value = Double(text.dropLast())
            default: break
            }
            guard let value, range.contains(value) else {
                error(
                    "\(what) must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound)), found \(node.scalarText.map { "'\($0)'" } ?? node.kindDescription)",
                    node)
                return nil
            }
            return value
        }

        mutating func integer(_ node: YAMLNode, _ what: String) -> Int? {
            guard case .int(let value) = node.scalarType, value >= 0 else {
                error("\(what) must be a whole number ≥ 0, found \(node.scalarText.map { "'\($0)'" } ?? node.kindDescription)", node)
                return nil
            }
            return value
        }

        mutating func globs(_ node: YAMLNode, _ what: String) -> [String] {
            if let text = node.scalarText { return [text] }
            guard let items = node.items else {
                error("\(what) must be a glob or a list of globs", node)
                return []
            }
            return items.compactMap { item in
                guard let text = item.scalarText else {
                    error("each entry of \(what) must be a string", item)
                    return nil
                }
                return text
            }
        }

        mutating func read(_ root: YAMLNode) -> GateConfiguration {
            var configuration = GateConfiguration()
            for (key, value) in mapping(root, "the gates file", allowed: GateConfigurationLoader.topKeys) {
                switch key {
                case "tests":
                    for (field, node) in mapping(value, "'tests'", allowed: ["max-failures", "min-tests"]) {
                        if field == "max-failures" { configuration.maximumTestFailures = integer(node, "'max-failures'") ?? 0 }
                        if field == "min-tests" { configuration.minimumTests = integer(node, "'min-tests'") ?? 0 }
                    }
                case "coverage":
                    for (field, node) in mapping(value, "'coverage'", allowed: ["project", "patch", "exclude"]) {
                        switch field {
                        case "project":
                            if node.scalarText != nil {
                                configuration.projectCoverage = number(node, "'coverage.project'", range: 0...100) ?? 80
                                continue
                            }
                            for (name, setting) in mapping(node, "'coverage.project'", allowed: ["min", "max-drop"]) {
                                if name == "min" { configuration.projectCoverage = number(setting, "'min'", range: 0...100) ?? 80 }
                                if name == "max-drop" { configuration.maximumCoverageDrop = number(setting, "'max-drop'", range: 0...100) }
                            }
                        case "patch":
                            if node.scalarText != nil {
                                configuration.patchCoverage = number(node, "'coverage.patch'", range: 0...100)
                                continue
                            }
                            for (name, setting) in mapping(node, "'coverage.patch'", allowed: ["min"]) where name == "min" {
                                configuration.patchCoverage = number(setting, "'min'", range: 0...100)
                            }
                        default:
                            configuration.coverageExclusions = globs(node, "'coverage.exclude'")
                        }
                    }
                default:
                    for (field, node) in mapping(value, "'security'", allowed: ["max", "new-only", "exclude", "allow"]) {
                        switch field {
                        case "max":
                            var limits: [Severity: Int] = [:]
                            for (name, setting) in mapping(node, "'security.max'", allowed: Severity.allCases.map(\.rawValue)) {
                                if let severity = Severity(rawValue: name), let limit = integer(setting, "'\(name)'") { limits[severity] = limit }
                            }
                            configuration.maximumFindings = limits
                        case "new-only":
                            if case .bool(let flag) = node.scalarType {
                                configuration.newFindingsOnly = flag
                            } else {
                                error("'new-only' must be true or false", node)
                            }
                        case "exclude":
                            configuration.securityExclusions = globs(node, "'security.exclude'")
                        default:
                            configuration.allowlist = allowlist(node)
                        }
                    }
                }
            }
            return configuration
        }

        mutating func allowlist(_ node: YAMLNode) -> [AllowedFinding] {
            guard let items = node.items else {
                error("'security.allow' must be a list of entries", node)
                return []
            }
            var entries: [AllowedFinding] = []
            for item in items {
                var fields: [String: String] = [:]
                for (key, value) in mapping(item, "an allow entry", allowed: ["fingerprint", "rule", "path", "reason", "expires"]) {
                    fields[key] = value.scalarText
                }
                guard item.pairs != nil else { continue }
                guard let reason = fields["reason"], !reason.trimmingCharacters().isEmpty else {
                    error("an allow entry needs a 'reason'", item)
                    continue
                }
                guard let expires = fields["expires"], Self.isDate(expires) else {
                    error("an allow entry needs 'expires' as a date (YYYY-MM-DD)", item)
                    continue
                }
                guard fields["fingerprint"] != nil || fields["rule"] != nil || fields["path"] != nil else {
                    error("an allow entry must name a 'fingerprint', a 'rule' or a 'path'", item)
                    continue
                }
                entries.append(
                    AllowedFinding(fingerprint: fields["fingerprint"], rule: fields["rule"], path: fields["path"], reason: reason, expires: expires))
            }
            return entries
        }

        static func isDate(_ text: String) -> Bool {
            let parts = text.split(separator: "-")
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
            else { return false }
            return (1...12).contains(month) && (1...31).contains(day)
        }

        func distance(_ a: String, _ b: String) -> Int {
            let left = Array(a)
            let right = Array(b)
            var previous = Array(0...right.count)
            for i in 1...max(left.count, 1) where !left.isEmpty {
                var current = [i] + Array(repeating: 0, count: right.count)
                for j in 1...max(right.count, 1) where !right.isEmpty {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1))
                }
                previous = current
            }
            return previous[right.count]
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
