/// A JavaScript regular expression, run with Swift's regex engine: `String.prototype.match` for the
/// `match` attribute of `type=semver`/`type=pep440` and the `pattern` of `type=match` (`/source/flags` or a
/// plain source). The JavaScript syntax is first rewritten where Swift reads it differently (identity escapes
/// such as `\h`, `\v` as a vertical tab, `{` as a literal, `&&` and `[` inside classes); `\d` and `\w` are
/// ASCII as in JavaScript. A pattern Swift cannot compile is an error naming it, never a silent mismatch.
struct JSRegExp {
    /// The pattern as written.
    let source: String
    /// The flags as written (`dgimsuvy`).
    let flags: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles `source` with `flags`.
    init(source: String, flags: String = "") throws(Failure) {
        var seen = Set<Character>()
        for flag in flags {
            guard "dgimsuvy".contains(flag), seen.insert(flag).inserted else { throw .message("Invalid regular expression flags '\(flags)'") }
        }
        guard !(flags.contains("g") && flags.contains("y")) else {
            throw .message("the regular expression flags 'g' and 'y' together are not supported by Gaara")
        }
        let translated = Self.translate(source, unicode: flags.contains("u") || flags.contains("v"))
        var compiled: Regex<AnyRegexOutput>
        do {
            compiled = try Regex(translated)
        } catch {
            throw .message("the regular expression /\(source)/ cannot be compiled by Gaara (\(error))")
        }
        compiled = compiled.matchingSemantics(.unicodeScalar).asciiOnlyDigits().asciiOnlyWordCharacters().wordBoundaryKind(.simple)
        if flags.contains("i") { compiled = compiled.ignoresCase() }
        if flags.contains("m") { compiled = compiled.anchorsMatchLineEndings() }
        if flags.contains("s") { compiled = compiled.dotMatchesNewlines() }
        self.source = source
        self.flags = flags
        regex = compiled
    }

    /// `text.match(regexp)`: without `g`, the match and its groups (nil for a group that took no part);
    /// with `g`, every match's text; nil when nothing matches.
    func match(_ text: String) -> [String?]? {
        if flags.contains("g") {
            let all = text.matches(of: regex).map { Optional(String(text[$0.range])) }
            return all.isEmpty ? nil : all
        }
        let found = flags.contains("y") ? text.prefixMatch(of: regex) : text.firstMatch(of: regex)
        guard let found else { return nil }
        return found.output.map { $0.substring.map(String.init) }
    }

    /// `string.match(/^\/(.+)\/(.*)$/)`: a `/source/flags` pattern's parts, nil for a plain source.
    static func literalParts(_ pattern: String) -> (source: String, flags: String)? {
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count >= 3, scalars[0] == "/", !scalars.contains(where: JavaScript.isLineTerminator),
            let last = scalars.lastIndex(of: "/"), last >= 2
        else { return nil }
        return (String(String.UnicodeScalarView(scalars[1..<last])), String(String.UnicodeScalarView(scalars[(last + 1)...])))
    }

    /// Rewrites JavaScript syntax into the same pattern in Swift's syntax.
    private static func translate(_ source: String, unicode: Bool) -> String {
        let scalars = Array(source.unicodeScalars)
        var output = ""
        var inClass = false
        var index = 0
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard let next = at(1) else {
                    output += "\\\\"
                    index += 1
                    continue
                }
                index += 2
                output += escape(next, scalars, &index, inClass: inClass, unicode: unicode, namedGroups: source.contains("(?<"))
                continue
            }
            if inClass {
                switch scalar {
                case "]": inClass = false
                // Swift reads these as class operators or nested classes; JavaScript as characters.
                case "[", "&", "~": output += "\\"
                case "-" where at(1) == "-": output += "\\"
                default: break
                }
                output.unicodeScalars.append(scalar)
                index += 1
                continue
            }
            switch scalar {
            case "[":
                // `[]` matches nothing and `[^]` anything in JavaScript.
                if at(1) == "]" {
                    output += "(?!)"
                    index += 2
                    continue
                }
                if at(1) == "^", at(2) == "]" {
                    output += "[\\s\\S]"
                    index += 3
                    continue
                }
                inClass = true
                output += "["
                if at(1) == "^" {
                    output += "^"
                    index += 1
                }
            case "{":
                if let length = quantifierLength(scalars, at: index) {
                    output += String(String.UnicodeScalarView(scalars[index..<(index + length)]))
                    index += length
                    continue
                }
                output += "\\{"
            case "}", "]":
                output += "\\" + String(scalar)
            default:
                output.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return output
    }

    /// The Swift form of the escape `\\next` (`index` is past it and moves past any digits it takes).
    private static func escape(
        _ next: Unicode.Scalar, _ scalars: [Unicode.Scalar], _ index: inout Int, inClass: Bool, unicode: Bool, namedGroups: Bool
    ) -> String {
        switch next {
        case "d", "D", "w", "W", "s", "S", "t", "n", "r", "f", "0"..."9":
            return "\\" + String(next)
        case "B":
            return inClass ? "B" : "\\B"
        case "b":
            return inClass ? "\\u{8}" : "\\b"
        case "v":
            return "\\u{B}"
        case "c":
            guard index < scalars.count, ("a"..."z").contains(scalars[index]) || ("A"..."Z").contains(scalars[index]) else { return "\\\\c" }
            index += 1
            return "\\u{\(String(scalars[index - 1].value % 32, radix: 16))}"
        case "x":
            guard let code = hex(scalars, at: index, count: 2) else { return "x" }
            index += 2
            return "\\u{\(code)}"
        case "u":
            if let code = hex(scalars, at: index, count: 4) {
                index += 4
                return "\\u{\(code)}"
            }
            if unicode, index < scalars.count, scalars[index] == "{", let close = scalars[index...].firstIndex(of: "}") {
                defer { index = close + 1 }
                return "\\u{" + String(String.UnicodeScalarView(scalars[(index + 1)..<close])) + "}"
            }
            return "u"
        case "k":
            return !inClass && namedGroups ? "\\k" : "k"
        case "p", "P":
            return unicode ? "\\" + String(next) : String(next)
        default:
            // A letter escaped for nothing is the letter itself; punctuation stays escaped.
            if ("a"..."z").contains(next) || ("A"..."Z").contains(next) { return String(next) }
            return "\\" + String(next)
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `index`: its length, or nil when the brace is a literal.
    private static func quantifierLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        var cursor = index + 1
        var digits = 0
        while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
            cursor += 1
            digits += 1
        }
        guard digits > 0, cursor < scalars.count else { return nil }
        if scalars[cursor] == "," {
            cursor += 1
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) { cursor += 1 }
        }
        guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
        return cursor + 1 - index
    }

    /// `count` hexadecimal digits at `index`, as text.
    private static func hex(_ scalars: [Unicode.Scalar], at index: Int, count: Int) -> String? {
        guard index + count <= scalars.count else { return nil }
        let digits = scalars[index..<(index + count)]
        guard digits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
        return String(String.UnicodeScalarView(digits))
    }
}
