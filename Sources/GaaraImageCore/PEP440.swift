/// The part of `@renovate/pep440` 1.0.0 the action uses: `valid`, `explain`, `clean`, `major`, `minor` and
/// `patch`. Numbers are JavaScript numbers (`Number("007")` is 7), and the library's quirks are kept: a local
/// version is printed with commas (`1.0+abc.1` cleans to `1.0+abc,1`).
struct PEP440: Equatable {
    /// A letter and number pair (`["rc", 2]`).
    struct Tagged: Equatable {
        /// `a`, `b`, `rc`, `post` or `dev`, normalized.
        var letter: String
        /// The number, 0 when omitted.
        var number: Double
    }

    /// `N!` before the release, 0 when absent.
    var epoch: Double
    /// The dot-separated release numbers.
    var release: [Double]
    /// `a1`, `b2`, `rc3` (and their spellings `alpha`, `beta`, `c`, `pre`, `preview`).
    var pre: Tagged?
    /// `.post1`, `-1`, `.rev1`, `r1`.
    var post: Tagged?
    /// `.dev1`.
    var dev: Tagged?
    /// The local segment's parts, numbers where `Number(part)` is one.
    var local: [LocalPart]?

    /// A part of a local version segment.
    enum LocalPart: Equatable {
        /// A part `Number()` reads as a number (`1`, `0x1f`, `1e5`).
        case number(Double)
        /// Any other part, lowercased.
        case text(String)
    }

    /// `valid(version)`: the same string when it is a PEP 440 version, case-insensitively, with an optional `v`.
    static func valid(_ version: String) -> Bool { parse(version) != nil }

    /// The library's `parse`: nil when invalid.
    static func parse(_ version: String) -> PEP440? {
        guard let regex = try? Regex(pattern).ignoresCase().matchingSemantics(.unicodeScalar),
            let match = version.wholeMatch(of: regex)
        else { return nil }
        func group(_ name: String) -> String? { match.output[name]?.substring.map(String.init) }
        func tagged(_ letter: String?, _ number: String?) -> Tagged? {
            if let letter {
                let lower = letter.lowercased()
                let normalized: String =
                    switch lower {
                    case "alpha": "a"
                    case "beta": "b"
                    case "c", "pre", "preview": "rc"
                    case "rev", "r": "post"
                    default: lower
                    }
                return Tagged(letter: normalized, number: JavaScript.number(number ?? "0"))
            }
            // A number without a letter is the implicit post release (`1.0-1`).
            guard let number, !number.isEmpty else { return nil }
            return Tagged(letter: "post", number: JavaScript.number(number))
        }
        let postNumber = [group("post_n1"), group("post_n2")].compactMap { $0 }.first { !$0.isEmpty }
        let local = group("local").map { text in
            text.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map { part -> LocalPart in
                let number = JavaScript.number(String(part))
                return number.isNaN ? .text(part.lowercased()) : .number(number)
            }
        }
        return PEP440(
            epoch: JavaScript.number(group("epoch") ?? "0"),
            release: (group("release") ?? "").split(separator: ".", omittingEmptySubsequences: false).map { JavaScript.number(String($0)) },
            pre: tagged(group("pre_l"), group("pre_n")), post: tagged(group("post_l"), postNumber), dev: tagged(group("dev_l"), group("dev_n")),
            local: local)
    }

    /// `clean(version)`: the normalized form (`v1.2.3RC2` is `1.2.3rc2`, `1.0dev4` is `1.0.dev4`).
    var normalized: String {
        var text = epoch != 0 ? JavaScript.string(epoch) + "!" : ""
        text += release.map(JavaScript.string).joined(separator: ".")
        if let pre { text += pre.letter + JavaScript.string(pre.number) }
        if let post { text += "." + post.letter + JavaScript.string(post.number) }
        if let dev { text += "." + dev.letter + JavaScript.string(dev.number) }
        // `+${local}` prints the array with commas: the library's behaviour, kept.
        if let local { text += "+" + local.map(Self.text).joined(separator: ",") }
        return text
    }

    /// `explain(version).is_prerelease || is_postrelease || is_devrelease`: the action then tags only the
    /// cleaned version (or `{{raw}}`).
    var isPreOrPostOrDev: Bool { pre != nil || post != nil || dev != nil }

    /// `major(version)`: the first release number.
    var major: Double { release[0] }
    /// `minor(version)`: the second release number, 0 when absent.
    var minor: Double { release.count < 2 ? 0 : release[1] }
    /// `patch(version)`: the third release number, 0 when absent.
    var patch: Double { release.count < 3 ? 0 : release[2] }

    private static func text(_ part: LocalPart) -> String {
        switch part {
        case .number(let value): JavaScript.string(value)
        case .text(let text): text
        }
    }

    /// The library's `VERSION_PATTERN`, matched whole and case-insensitively.
    private static let pattern =
        "v?(?:(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
        + "(?<pre>[-_\\.]?(?<pre_l>(a|b|c|rc|alpha|beta|pre|preview))[-_\\.]?(?<pre_n>[0-9]+)?)?"
        + "(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\\.]?(?<post_l>post|rev|r)[-_\\.]?(?<post_n2>[0-9]+)?))?"
        + "(?<dev>[-_\\.]?(?<dev_l>dev)[-_\\.]?(?<dev_n>[0-9]+)?)?)"
        + "(?:\\+(?<local>[a-z0-9]+(?:[-_\\.][a-z0-9]+)*))?"
}
