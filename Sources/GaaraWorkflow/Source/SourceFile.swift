/// The text of a file with its path, split into lines for positions and excerpts.
public struct SourceFile: Sendable {
    /// The path as the user gave it (used in messages).
    public let path: String
    /// The whole text.
    public let text: String
    /// The lines as Unicode scalars, without line terminators.
    let lines: [[Unicode.Scalar]]

    /// Creates a source file; a UTF-8 byte order mark is dropped.
    public init(path: String, text: String) {
        self.path = path
        var body = text
        if body.unicodeScalars.first == "\u{FEFF}" { body.unicodeScalars.removeFirst() }
        self.text = body
        var lines: [[Unicode.Scalar]] = [[]]
        var previousWasCR = false
        for scalar in body.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { lines.append([]) }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append([])
                previousWasCR = true
            } else {
                lines[lines.count - 1].append(scalar)
                previousWasCR = false
            }
        }
        self.lines = lines
    }

    /// The number of lines.
    public var lineCount: Int { lines.count }

    /// The text of a one-based line, or "" past the end.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lines.count else { return "" }
        return String(String.UnicodeScalarView(lines[number - 1]))
    }

    /// Maps an offset inside a scalar's value to where that character is written in the file.
    ///
    /// The value's characters are matched in order against the source from the scalar's start,
    /// skipping what the YAML syntax adds (quotes, escapes, indentation, line breaks), so plain,
    /// quoted and block scalars all map to the column the user sees.
    public func location(ofOffset offset: Int, inValue value: String, startingAt start: SourceLocation, style: YAMLNode.ScalarStyle)
        -> SourceLocation
    {
        var line = start.line - 1
        var column = start.column - 1
        guard line >= 0, line < lines.count else { return start }
        switch style {
        case .literal, .folded:
            line += 1
            column = 0
        case .singleQuoted, .doubleQuoted:
            column += 1
        case .plain:
            break
        }
        let valueScalars = Array(value.unicodeScalars)
        let target = min(offset, valueScalars.count)
        var consumed = 0
        while line < lines.count {
            let current = lines[line]
            while column < current.count {
                if consumed == target { return SourceLocation(line: line + 1, column: column + 1) }
                let written = current[column]
                let wanted = valueScalars[consumed]
                if written == wanted {
                    consumed += 1
                    column += 1
                } else if (wanted == "\n" || wanted == " ") && written != " " && written != "\t" {
                    // A folded space or an escaped line break has no character of its own here.
                    consumed += 1
                } else {
                    // Quotes, escapes and indentation that the value does not hold.
                    column += 1
                }
            }
            if consumed == target { return SourceLocation(line: line + 1, column: column + 1) }
            if valueScalars[consumed] == "\n" || valueScalars[consumed] == " " { consumed += 1 }
            line += 1
            column = 0
        }
        return start
    }
}
