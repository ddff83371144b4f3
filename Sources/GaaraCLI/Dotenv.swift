import Foundation
import GaaraExpressions

/// Reads dotenv files: `NAME=value`, optional `export`, `#` comments, single quotes (literal) and
/// double quotes (with `\n`, `\"`, `\\` escapes, may span lines).
enum Dotenv {
    static func read(_ url: URL) throws(CLIFailure) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(.invalidInput, "\(url.path): cannot read the secret file")
        }
        return try parse(text, path: url.path)
    }

    static func parse(_ text: String, path: String) throws(CLIFailure) -> [String: String] {
        var result: [String: String] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var index = 0
        while index < lines.count {
            var line = lines[index].drop { $0 == " " || $0 == "\t" }
            index += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                throw CLIFailure(.invalidInput, "\(path):\(index): expected NAME=VALUE")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw CLIFailure(.invalidInput, "\(path):\(index): the name is empty") }
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") {
                var body = String(value.dropFirst())
                while !closesDoubleQuote(body) {
                    guard index < lines.count else { throw CLIFailure(.invalidInput, "\(path):\(index): unterminated double quote") }
                    body += "\n" + lines[index]
                    index += 1
                }
                value = unescape(String(body[..<closingQuote(body)!]))
            } else if value.hasPrefix("'") {
                guard let close = value.dropFirst().firstIndex(of: "'") else {
                    throw CLIFailure(.invalidInput, "\(path):\(index): unterminated single quote")
                }
                value = String(value[value.index(after: value.startIndex)..<close])
            } else if let comment = value.range(of: " #") {
                value = String(value[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            result[name] = value
        }
        return result
    }

    static func closingQuote(_ body: String) -> String.Index? {
        var escaped = false
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return index
            }
            index = body.index(after: index)
        }
        return nil
    }

    static func closesDoubleQuote(_ body: String) -> Bool { closingQuote(body) != nil }

    static func unescape(_ text: String) -> String {
        var output = ""
        var escaped = false
        for character in text {
            if escaped {
                switch character {
                case "n": output.append("\n")
                case "t": output.append("\t")
                case "r": output.append("\r")
                default: output.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                output.append(character)
            }
        }
        return output
    }
}

/// Writes expression values as JSON files (the event payload).
enum ExpressionJSONFile {
    static func write(_ value: ExpressionValue, to url: URL) throws {
        try ExpressionJSON.serialize(value).write(to: url, atomically: true, encoding: .utf8)
    }
}
