/// A condition on one label, as routes, silences and inhibition rules write them:
/// `severity="critical"`, `service!="api"`, `service=~"api|web"`, `env!~"dev.*"`.
///
/// A missing label reads as the empty string (so `team!="web"` matches alerts without a team,
/// and `team=""` matches only those), and a regular expression must match the whole value, as in
/// Alertmanager.
public struct LabelMatcher: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// How the value is compared.
    public enum Kind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
        /// `=`: equal.
        case equal = "="
        /// `!=`: not equal.
        case notEqual = "!="
        /// `=~`: the regular expression matches the whole value.
        case regex = "=~"
        /// `!~`: the regular expression does not match the whole value.
        case notRegex = "!~"
    }

    /// The label's name.
    public var name: String
    /// How the value is compared.
    public var kind: Kind
    /// The value, or the pattern for the regex kinds.
    public var value: String

    /// Creates a matcher; a regex kind with a pattern Swift's `Regex` rejects is an error.
    public init(_ name: String, _ kind: Kind, _ value: String) throws(AlertSyntaxError) {
        if kind == .regex || kind == .notRegex {
            do {
                _ = try Regex(value)
            } catch {
                throw AlertSyntaxError("invalid regular expression '\(value)': \(error)", at: 0)
            }
        }
        self.name = name
        self.kind = kind
        self.value = value
    }

    /// Whether an alert with `labels` matches.
    public func matches(_ labels: AlertLabels) -> Bool {
        let actual = labels[name] ?? ""
        switch kind {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .regex: return Self.wholeMatch(value, actual)
        case .notRegex: return !Self.wholeMatch(value, actual)
        }
    }

    /// Whether `pattern` matches all of `text`. The pattern was checked when the matcher was made;
    /// one decoded from storage that no longer compiles matches nothing.
    private static func wholeMatch(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: text)) != nil
    }

    /// `severity="critical"`.
    public var description: String { name + kind.rawValue + LabelText.quoted(value) }

    /// Reads `name OP value` with OP one of `=`, `!=`, `=~`, `!~` and the value double-quoted
    /// (with `\"`, `\\` and `\n` escapes) or bare (`severity=critical`); spaces around each part
    /// are allowed. Errors carry the offset of the problem.
    public static func parse(_ text: String) throws(AlertSyntaxError) -> LabelMatcher {
        var scanner = TextScanner(text)
        scanner.skipSpaces()
        let nameStart = scanner.offset
        let name = scanner.take(while: LabelText.isNamePart)
        guard LabelText.isValidName(name) else {
            throw AlertSyntaxError("expected a label name (severity, service, ...)\(scanner.found(at: nameStart))", at: nameStart)
        }
        scanner.skipSpaces()
        let operatorStart = scanner.offset
        let symbol = scanner.take { "=!~".unicodeScalars.contains($0) }
        guard let kind = Kind(rawValue: symbol) else {
            if symbol.isEmpty {
                throw AlertSyntaxError("expected =, !=, =~ or !~ after '\(name)'\(scanner.found(at: operatorStart))", at: operatorStart)
            }
            let hint = symbol == "==" ? " (a single '=' compares)" : ""
            throw AlertSyntaxError("unknown operator '\(symbol)'; use =, !=, =~ or !~\(hint)", at: operatorStart)
        }
        scanner.skipSpaces()
        let valueStart = scanner.offset
        let value: String
        if scanner.current == "\"" {
            value = try quotedValue(&scanner)
            scanner.skipSpaces()
            if !scanner.atEnd { throw AlertSyntaxError("unexpected '\(scanner.rest)' after the quoted value", at: scanner.offset) }
        } else {
            value = scanner.rest.trimmingTrailingSpaces()
            if let quote = value.unicodeScalars.firstIndex(where: { $0 == "\"" || $0 == "'" }) {
                let offset = valueStart + value.unicodeScalars.distance(from: value.unicodeScalars.startIndex, to: quote)
                throw AlertSyntaxError("a value with quotes must be wholly in double quotes: \(name)\(symbol)\"...\"", at: offset)
            }
        }
        do {
            return try LabelMatcher(name, kind, value)
        } catch {
            throw AlertSyntaxError(error.message, at: valueStart)
        }
    }

    /// The text of a double-quoted value, the scanner at its opening quote; leaves it past the close.
    private static func quotedValue(_ scanner: inout TextScanner) throws(AlertSyntaxError) -> String {
        let open = scanner.offset
        scanner.advance()
        var value = String.UnicodeScalarView()
        while let scalar = scanner.current {
            scanner.advance()
            switch scalar {
            case "\"": return String(value)
            case "\\":
                guard let escaped = scanner.current else { break }
                scanner.advance()
                switch escaped {
                case "n": value.append("\n")
                case "\\", "\"": value.append(escaped)
                default:
                    // Kept as written so that regex escapes (`\d`, `\.`) reach the pattern.
                    value.append("\\")
                    value.append(escaped)
                }
            default: value.append(scalar)
            }
        }
        throw AlertSyntaxError("the quoted value is not closed with '\"'", at: open)
    }
}

/// A list of matchers, all of which must match.
extension [LabelMatcher] {
    /// Whether every matcher matches `labels` (an empty list matches everything).
    public func matches(_ labels: AlertLabels) -> Bool {
        allSatisfy { $0.matches(labels) }
    }
}

/// Trimming without Foundation.
extension String {
    /// The text without trailing spaces and tabs.
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
