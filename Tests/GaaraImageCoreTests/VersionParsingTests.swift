import Testing

@testable import GaaraImageCore

/// The node-semver and @renovate/pep440 subsets behind `type=semver` and `type=pep440`. Expectations were
/// computed with node-semver and @renovate/pep440 on the same strings; node-semver 7.8.5 (the action's) trims
/// white space before parsing, which older versions did not.
struct VersionParsingTests {
    /// `semver.valid` and `semver.prerelease`.
    @Test(
        arguments: [
            ("1.2.3", "1.2.3", "-"), ("v1.2.3", "1.2.3", "-"), (" v1.2.3 ", "1.2.3", "-"), ("=1.2.3", nil, "-"), ("1.2", nil, "-"),
            ("01.2.3", nil, "-"),
            ("1.2.3-beta.01", nil, "-"), ("1.2.3-beta.1", "1.2.3-beta.1", "beta.1"), ("1.2.3-0.3.7", "1.2.3-0.3.7", "0.3.7"),
            ("1.2.3-x.7.z.92", "1.2.3-x.7.z.92", "x.7.z.92"), ("1.2.3+build.1", "1.2.3", "-"), ("1.2.3-rc.1+b", "1.2.3-rc.1", "rc.1"),
            ("1.2.3-", nil, "-"),
            ("1.2.3+", nil, "-"), ("V1.2.3", nil, "-"), ("1.2.3-beta..1", nil, "-"), ("9007199254740991.0.0", "9007199254740991.0.0", "-"),
            ("9007199254740992.0.0", nil, "-"), ("1.2.3-9007199254740992", "1.2.3-9007199254740992", "9007199254740992"),
            ("1.2.3-alpha-1", "1.2.3-alpha-1", "alpha-1"),
        ] as [(String, String?, String)])
    func semver(_ text: String, _ valid: String?, _ prerelease: String) {
        let parsed = Semver.parse(text)
        #expect(parsed?.version == valid)
        if let parsed {
            #expect(parsed.raw == text)
            let identifiers = parsed.prerelease.map { identifier in
                switch identifier {
                case .number(let value): String(value)
                case .text(let text): text
                }
            }
            #expect((identifiers.isEmpty ? "-" : identifiers.joined(separator: ".")) == prerelease)
        }
    }

    /// The largest numeric prerelease identifier node-semver keeps as a number is 2^53 - 2.
    @Test func numericPrereleaseIdentifiers() {
        #expect(Semver.parse("1.2.3-9007199254740990")?.prerelease == [.number(9_007_199_254_740_990)])
        #expect(Semver.parse("1.2.3-9007199254740991")?.prerelease == [.text("9007199254740991")])
    }

    /// `pep440.valid`, `clean`, whether it is a pre, post or dev release, and `major`, `minor`, `patch`.
    @Test(arguments: [
        ("1.0", "1.0", false, "1", "0", "0"), ("v1.0", "1.0", false, "1", "0", "0"), ("V1.0RC1", "1.0rc1", true, "1", "0", "0"),
        ("1.0a", "1.0a0", true, "1", "0", "0"), ("1.0.alpha.2", "1.0a2", true, "1", "0", "0"), ("1.0-preview3", "1.0rc3", true, "1", "0", "0"),
        ("1.0c1", "1.0rc1", true, "1", "0", "0"), ("1.0-1", "1.0.post1", true, "1", "0", "0"), ("1.0.post", "1.0.post0", true, "1", "0", "0"),
        ("1.0r2", "1.0.post2", true, "1", "0", "0"), ("1.0rev3", "1.0.post3", true, "1", "0", "0"), ("1.0.dev", "1.0.dev0", true, "1", "0", "0"),
        ("1.0-dev-5", "1.0.dev5", true, "1", "0", "0"), ("1!1.0", "1!1.0", false, "1", "0", "0"),
        ("1.0+Local.7_X", "1.0+local,7,x", false, "1", "0", "0"),
        ("1.0+0x1f.1e3", "1.0+31,1000", false, "1", "0", "0"), ("007.010", "7.10", false, "7", "10", "0"),
        ("1.0.0a1.post2.dev3", "1.0.0a1.post2.dev3", true, "1", "0", "0"),
    ])
    func pep440(_ text: String, _ clean: String, _ special: Bool, _ major: String, _ minor: String, _ patch: String) throws {
        let version = try #require(PEP440.parse(text))
        #expect(version.normalized == clean)
        #expect(version.isPreOrPostOrDev == special)
        #expect([version.major, version.minor, version.patch].map(JavaScript.string) == [major, minor, patch])
    }

    /// Strings that are not PEP 440 versions.
    @Test(arguments: ["abc", "1.0-beta-x", "1.0.", " 1.0"])
    func notPEP440(_ text: String) {
        #expect(PEP440.parse(text) == nil)
    }

    /// `Number(text)` and `String(number)` as JavaScript has them.
    @Test(arguments: [
        ("", "0"), ("  12  ", "12"), ("0x1f", "31"), ("0b101", "5"), ("0o17", "15"), ("1e3", "1000"), (".5", "0.5"), ("5.", "5"), ("+7", "7"),
        ("-Infinity", "-Infinity"), ("abc", "NaN"), ("1_000", "NaN"), ("0x", "NaN"), ("12345678901234567890", "12345678901234567000"),
        ("1e21", "1e+21"), ("0.000001", "0.000001"), ("1e-7", "1e-7"), ("-0", "0"),
    ])
    func javaScriptNumbers(_ text: String, _ printed: String) {
        #expect(JavaScript.string(JavaScript.number(text)) == printed)
    }
}
