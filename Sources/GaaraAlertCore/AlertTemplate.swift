/// An annotation template: text with `{{ $value }}`, `{{ $value | percent }}`,
/// `{{ $value | ms }}` and `{{ $labels.NAME }}` replaced for each alert, the few forms of
/// Prometheus' templates an alert summary needs.
public struct AlertTemplate: Sendable, Equatable, Codable {
    /// How `$value` is shown.
    public enum ValueFormat: String, Sendable, Equatable, Codable {
        /// Four significant digits: `0.0731`, `512.3`.
        case plain
        /// A share as a percentage with three significant digits: 0.0731 → `7.31%`.
        case percent
        /// Milliseconds, whole above one: 512.3 → `512 ms`.
        case ms
    }

    /// A piece of the template.
    public enum Part: Sendable, Equatable, Codable {
        /// Text kept as written.
        case text(String)
        /// The alert's value.
        case value(ValueFormat)
        /// One of the alert's labels (empty when it has none of that name).
        case label(String)
    }

    /// The pieces in order.
    public var parts: [Part]

    /// Reads a template; an unknown `{{ }}` or an unclosed one is an error at its offset.
    public static func parse(_ text: String) throws(AlertSyntaxError) -> AlertTemplate {
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                literal.append(scalars[index])
                index += 1
                continue
            }
            var close = index + 2
            while close + 1 < scalars.count, !(scalars[close] == "}" && scalars[close + 1] == "}") { close += 1 }
            guard close + 1 < scalars.count else {
                throw AlertSyntaxError("'{{' is not closed with '}}'", at: index)
            }
            let inner = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            guard let part = part(inner) else {
                throw AlertSyntaxError(
                    "unknown template '{{\(inner)}}'; use {{ $value }}, {{ $value | percent }}, {{ $value | ms }} or {{ $labels.NAME }}",
                    at: index)
            }
            if !literal.isEmpty {
                parts.append(.text(String(literal)))
                literal = String.UnicodeScalarView()
            }
            parts.append(part)
            index = close + 2
        }
        if !literal.isEmpty { parts.append(.text(String(literal))) }
        return AlertTemplate(parts: parts)
    }

    /// `$value`, `$value | percent`, `$value | ms`, `$labels.NAME`, spaces allowed around each word.
    private static func part(_ inner: String) -> Part? {
        let words = inner.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        if words.first == "$value" {
            switch words.count {
            case 1: return .value(.plain)
            case 2: return ValueFormat(rawValue: words[1]).map { .value($0) }
            default: return nil
            }
        }
        guard words.count == 1, words[0].hasPrefix("$labels.") else { return nil }
        let name = String(words[0].dropFirst("$labels.".count))
        return LabelText.isValidName(name) ? .label(name) : nil
    }

    /// The text for an alert with `value` and `labels`.
    public func render(value: Double, labels: AlertLabels) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .label(let name): text += labels[name] ?? ""
            case .value(.plain): text += NumberText.compact(value)
            case .value(.percent): text += NumberText.compact(value * 100, significant: 3) + "%"
            case .value(.ms): text += NumberText.compact(value, significant: 3) + " ms"
            }
        }
        return text
    }

    /// Renders `text` as a template, or returns it as written when it is not a valid one
    /// (loaders report those; an alert still goes out with the raw text).
    public static func render(_ text: String, value: Double, labels: AlertLabels) -> String {
        guard text.contains("{{") else { return text }
        return (try? parse(text))?.render(value: value, labels: labels) ?? text
    }
}

/// Trimming without Foundation.
extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
