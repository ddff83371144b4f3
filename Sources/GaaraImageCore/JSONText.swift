/// `JSON.stringify` for the `json` output's strings, arrays and the labels object, without white space.
enum JSONText {
    /// A JSON string literal: `"`, `\` and control characters escaped as JavaScript escapes them.
    static func string(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// A JSON array of strings.
    static func array(_ elements: [String]) -> String {
        "[" + elements.map(string).joined(separator: ",") + "]"
    }

    /// A JSON object built by assigning `pairs` in order to `{}`: a later value replaces an earlier one in
    /// place, keys that are array indices come first in numeric order, and `__proto__` (which sets the
    /// prototype rather than a property) is left out.
    static func object(_ pairs: [(key: String, value: String)]) -> String {
        var keys: [String] = []
        var values: [String: String] = [:]
        for (key, value) in pairs where key != "__proto__" {
            if values[key] == nil { keys.append(key) }
            values[key] = value
        }
        let indices = keys.compactMap { key in JavaScript.arrayIndex(key).map { (key, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
        let named = keys.filter { JavaScript.arrayIndex($0) == nil }
        let members = (indices + named).map { string($0) + ":" + string(values[$0] ?? "") }
        return "{" + members.joined(separator: ",") + "}"
    }
}
