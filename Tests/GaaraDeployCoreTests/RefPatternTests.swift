import GaaraDeployCore
import Testing

/// Deployment branch and tag policies use GitHub's fnmatch rules (issue #15): `*` never crosses `/`.
struct RefPatternTests {
    @Test(arguments: [
        ("main", "main", true), ("main", "mainline", false), ("release/*", "release/1.0", true),
        ("release/*", "release/1.0/hotfix", false), ("release/*/*", "release/1.0/hotfix", true), ("release/*", "release/", true),
        ("*", "feature/x", false), ("*", "main", true), ("v[0-9].*", "v1.2", true), ("v[0-9].*", "vx.2", false),
        ("v[!0-9]*", "vx", true), ("v[!0-9]*", "v1", false), ("v?", "v1", true), ("v?", "v/", false), ("v?", "v12", false),
        ("a\\*b", "a*b", true), ("a\\*b", "axb", false), ("*-rc", "1.0-rc", true), ("*-rc", "x/1.0-rc", false),
        ("*.*.*", "1.2.3", true), ("*a*b", "xaxxb", true), ("*a*b", "xaxxbc", false), ("[]]", "]", true), ("release-*", "release-", true),
    ])
    func matching(_ pattern: String, _ name: String, _ expected: Bool) throws {
        #expect(try RefPattern(pattern).matches(name) == expected, "\(pattern) ~ \(name)")
    }

    @Test(arguments: ["", "a[b", "trailing\\"])
    func invalidPatternsAreRefused(_ pattern: String) {
        #expect(throws: RefPattern.SyntaxError.self) { try RefPattern(pattern) }
    }
}
