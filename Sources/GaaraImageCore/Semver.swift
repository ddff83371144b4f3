/// The part of node-semver the action uses: `valid` (strict parsing, after trimming white space), `prerelease`,
/// and the parsed `SemVer` object whose fields a `type=semver` pattern renders (`{{major}}`, `{{version}}`...).
/// A version is `[v]MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` with no leading zeros in numbers, at most 256
/// characters, and numbers no larger than 2^53 - 1.
struct Semver: Equatable {
    /// A prerelease identifier: numeric ones are numbers, as node-semver stores them.
    enum Identifier: Equatable {
        /// `67` in `2.0.8-beta.67`.
        case number(Int64)
        /// `beta` in `2.0.8-beta.67`.
        case text(String)
    }

    /// The string parsed, untrimmed (`{{raw}}`).
    var raw: String
    /// `{{major}}`.
    var major: Int64
    /// `{{minor}}`.
    var minor: Int64
    /// `{{patch}}`.
    var patch: Int64
    /// The dot-separated prerelease identifiers, empty for a release.
    var prerelease: [Identifier]
    /// The dot-separated build identifiers.
    var build: [String]

    /// `MAJOR.MINOR.PATCH[-PRERELEASE]`, without the build (`{{version}}`).
    var version: String {
        let core = "\(major).\(minor).\(patch)"
        guard !prerelease.isEmpty else { return core }
        return core + "-" + prerelease.map(Self.text).joined(separator: ".")
    }

    /// `semver.parse(text)`: nil when the text is not a valid version.
    static func parse(_ text: String) -> Semver? {
        // node-semver refuses long strings before trimming.
        guard text.utf16.count <= 256 else { return nil }
        var scalars = Array(JavaScript.trim(text).unicodeScalars)[...]
        if scalars.first == "v" { scalars = scalars.dropFirst() }
        var numbers: [Int64] = []
        for index in 0..<3 {
            let digits = scalars.prefix { ("0"..."9").contains($0) }
            guard !digits.isEmpty, digits.count == 1 || digits.first != "0", let value = safeInteger(digits) else { return nil }
            numbers.append(value)
            scalars = scalars.dropFirst(digits.count)
            if index < 2 {
                guard scalars.first == "." else { return nil }
                scalars = scalars.dropFirst()
            }
        }
        var prerelease: [Identifier] = []
        if scalars.first == "-" {
            let text = scalars.dropFirst().prefix { $0 != "+" }
            scalars = scalars.dropFirst(text.count + 1)
            for identifier in text.split(separator: ".", omittingEmptySubsequences: false) {
                guard let parsed = prereleaseIdentifier(identifier) else { return nil }
                prerelease.append(parsed)
            }
        }
        var build: [String] = []
        if scalars.first == "+" {
            for identifier in scalars.dropFirst().split(separator: ".", omittingEmptySubsequences: false) {
                guard !identifier.isEmpty, identifier.allSatisfy(isIdentifierScalar) else { return nil }
                build.append(String(String.UnicodeScalarView(identifier)))
            }
            scalars = []
        }
        guard scalars.isEmpty else { return nil }
        return Semver(raw: text, major: numbers[0], minor: numbers[1], patch: numbers[2], prerelease: prerelease, build: build)
    }

    /// `semver.valid(text)`: the normalized version, or nil.
    static func valid(_ text: String) -> String? { parse(text)?.version }

    /// `[a-zA-Z0-9-]`.
    private static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    /// A numeric identifier without leading zeros, or an alphanumeric one with at least one letter or hyphen;
    /// numbers below 2^53 - 1 become numbers, as `+id` does.
    private static func prereleaseIdentifier(_ scalars: ArraySlice<Unicode.Scalar>) -> Identifier? {
        guard !scalars.isEmpty, scalars.allSatisfy(isIdentifierScalar) else { return nil }
        let text = String(String.UnicodeScalarView(scalars))
        guard scalars.allSatisfy({ ("0"..."9").contains($0) }) else { return .text(text) }
        guard scalars.count == 1 || scalars.first != "0" else { return nil }
        if let value = Int64(text), value < 9_007_199_254_740_991 { return .number(value) }
        return .text(text)
    }

    /// A run of digits as a number no larger than `Number.MAX_SAFE_INTEGER`.
    private static func safeInteger(_ digits: ArraySlice<Unicode.Scalar>) -> Int64? {
        guard digits.count <= 16, let value = Int64(String(String.UnicodeScalarView(digits))), value <= 9_007_199_254_740_991 else {
            return nil
        }
        return value
    }

    private static func text(_ identifier: Identifier) -> String {
        switch identifier {
        case .number(let value): String(value)
        case .text(let text): text
        }
    }
}
