/// Parses the files a step writes to talk to the runner: `GITHUB_OUTPUT`, `GITHUB_ENV`,
/// `GITHUB_STATE` (`name=value` lines or `name<<DELIMITER` heredocs) and `GITHUB_PATH` (one
/// directory per line).
public enum FileCommands {
    /// A malformed file command.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, with the line number.
        public let message: String

        /// The message.
        public var description: String { message }
    }

    /// Parses `name=value` and `name<<DELIMITER` … `DELIMITER` entries in order; later entries win.
    public static func parseKeyValues(_ text: String) throws(Failure) -> [(String, String)] {
        var result: [(String, String)] = []
        let lines = splitLines(text)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            let equals = line.firstIndex(of: "=")
            let heredoc = line.range(of: "<<")
            if let heredoc, equals == nil || heredoc.lowerBound < equals! {
                let name = String(line[..<heredoc.lowerBound])
                let delimiter = String(line[heredoc.upperBound...])
                guard !name.isEmpty else { throw Failure(message: "line \(index): a name is missing before '<<'") }
                guard !delimiter.isEmpty else { throw Failure(message: "line \(index): the delimiter after '<<' is empty") }
                var value: [Substring] = []
                var closed = false
                while index < lines.count {
                    let body = lines[index]
                    index += 1
                    if body == delimiter {
                        closed = true
                        break
                    }
                    value.append(body)
                }
                guard closed else { throw Failure(message: "line \(index): the delimiter '\(delimiter)' for '\(name)' never appears") }
                result.append((name, value.joined(separator: "\n")))
            } else if let equals {
                let name = String(line[..<equals])
                guard !name.isEmpty else { throw Failure(message: "line \(index): a name is missing before '='") }
                result.append((name, String(line[line.index(after: equals)...])))
            } else {
                throw Failure(message: "line \(index): expected 'name=value' or 'name<<DELIMITER', found '\(line)'")
            }
        }
        return result
    }

    /// Parses `GITHUB_PATH`: one directory per non-empty line.
    public static func parsePath(_ text: String) -> [String] {
        splitLines(text).map { String($0) }.filter { !$0.trimmingCharacters(in: " \t").isEmpty }
    }

    /// Splits on `\n` and `\r\n`, dropping a `\r` left at a line's end.
    static func splitLines(_ text: String) -> [Substring] {
        // `\r\n` is one Character in Swift, so splitting on "\n" alone would never split a CRLF file.
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var start = startIndex
        while let candidate = self[start...].firstIndex(of: first) {
            if self[candidate...].hasPrefix(target) {
                return candidate..<self.index(candidate, offsetBy: target.count)
            }
            start = index(after: candidate)
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in characters: String) -> SubSequence {
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return self[start..<end]
    }
}
