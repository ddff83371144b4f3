/// An alert's identity: label names to values (`alertname`, `severity`, `service`, ...).
public typealias AlertLabels = [String: String]

/// The text forms of label sets and the rule for label names.
public enum LabelText {
    /// `{alertname="HighErrorRate", service="api"}`: labels sorted by name with quoted values, as
    /// Alertmanager prints them. Equal sets always give the same text, so it serves as a fingerprint
    /// that a person can still read in a log or a group key.
    public static func render(_ labels: AlertLabels) -> String {
        let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted($0.value))" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    /// `value` in double quotes with `\`, `"` and line breaks escaped.
    public static func quoted(_ value: String) -> String {
        var text = "\""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text + "\""
    }

    /// Whether `name` is a label name Prometheus accepts: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameStart(first) else { return false }
        return name.unicodeScalars.allSatisfy(isNamePart)
    }

    /// Whether a label name may start with `scalar`.
    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    /// Whether a label name may hold `scalar` after its start.
    static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }
}
