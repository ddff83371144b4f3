import GaaraWorkflow
import Testing

/// GitHub's "Filter pattern cheat sheet" examples: (pattern, text, matches).
@Test(arguments: [
    ("feature/*", "feature/my-branch", true),
    ("feature/*", "feature/your-branch", true),
    ("feature/*", "feature/a/b", false),
    ("feature/**", "feature/beta-a/my-branch", true),
    ("feature/**", "feature/mona/the/octocat", true),
    ("main", "main", true),
    ("main", "mainline", false),
    ("releases/mona-the-octocat", "releases/mona-the-octocat", true),
    ("*", "main", true),
    ("*", "releases/v1", false),
    ("**", "releases/v1", true),
    ("v2*", "v2.1.0", true),
    ("v[12].[0-9]+.[0-9]+", "v1.10.1", true),
    ("v[12].[0-9]+.[0-9]+", "v2.0.0", true),
    ("v[12].[0-9]+.[0-9]+", "v3.0.0", false),
    ("v1.?", "v1", true),
    ("v1.?", "v1.2", false),
    ("v1.?", "v1.", true),
    ("colou?r", "color", true),
    ("colou?r", "colour", true),
    ("**.js", "app.js", true),
    ("**.js", "index/app.js", true),
    ("*.js", "app.js", true),
    ("*.js", "js/index.js", false),
    ("docs/*", "docs/README.md", true),
    ("docs/*", "docs/file.txt", true),
    ("docs/**", "docs/mona/octocat.txt", true),
    ("docs/**/*.md", "docs/README.md", true),
    ("docs/**/*.md", "docs/mona/hello-world.md", true),
    ("docs/**/*.md", "docs/a/markdown/file.md", true),
    ("**/docs/**", "docs/hello.md", true),
    ("**/docs/**", "dir/docs/my-file.txt", true),
    ("**/README.md", "README.md", true),
    ("**/README.md", "js/README.md", true),
    ("**/*src/**", "a/src/app.js", true),
    ("**/*src/**", "my-src/code/js/app.js", true),
    ("**/*-post.md", "my-post.md", true),
    ("**/*-post.md", "path/their-post.md", true),
    ("**/migrate-*.sql", "my-migrate-20.sql", false),
    ("**/migrate-*.sql", "db/migrate-v1.0.sql", true),
    ("[a-c]x", "bx", true),
    ("[a-c]x", "dx", false),
    ("release\\*", "release*", true),
    ("release\\*", "release1", false),
])
func globMatchesLikeGitHub(_ testCase: (String, String, Bool)) throws {
    let pattern = try GlobPattern(testCase.0)
    #expect(pattern.matches(testCase.1) == testCase.2, "\(testCase.0) ~ \(testCase.1)")
}

@Test func laterPatternsOverrideEarlierOnes() throws {
    let filter = GlobFilter(try ["releases/**", "!releases/**-alpha"].map(GlobPattern.init))
    #expect(filter.includes("releases/10"))
    #expect(!filter.includes("releases/10-alpha"))
    #expect(!filter.includes("main"))
    let paths = GlobFilter(try ["sub-project/**", "!sub-project/docs/**"].map(GlobPattern.init))
    #expect(paths.includes("sub-project/src/app.js"))
    #expect(!paths.includes("sub-project/docs/readme.md"))
}

@Test(arguments: ["[abc", "!", "", "?abc", "a\\", "[z-a]", "*?"])
func malformedPatternsAreRejected(_ pattern: String) {
    #expect(throws: GlobPattern.SyntaxError.self) { try GlobPattern(pattern) }
}

@Test func cronMatchesAndFindsTheNextRun() throws {
    let weekdays = try Cron("30 5 * * 1-5")
    // 2026-11-27 is a Friday, 2026-11-28 a Saturday.
    #expect(weekdays.matches(minute: 30, hour: 5, day: 27, month: 11, weekday: 5))
    #expect(!weekdays.matches(minute: 30, hour: 5, day: 28, month: 11, weekday: 6))
    let every15 = try Cron("*/15 * * * *")
    #expect(every15.minutes == [0, 15, 30, 45])
    let named = try Cron("0 0 1 JAN,jul SUN")
    #expect(named.months == [1, 7] && named.weekdays == [0])
    // Day of month and day of week both restricted: either matches (POSIX).
    #expect(named.matches(minute: 0, hour: 0, day: 1, month: 7, weekday: 3))
    #expect(named.matches(minute: 0, hour: 0, day: 5, month: 1, weekday: 0))
    let sundayAsSeven = try Cron("0 12 * * 7")
    #expect(sundayAsSeven.weekdays == [0])
    // 2026-11-29T15:50:00Z = 1795967400; the next "30 5 * * 1-5" is Monday 2026-11-30 05:30Z.
    #expect(weekdays.next(after: 1_795_967_400) == 1_796_016_600)
    #expect(try Cron("0 0 30 2 *").next(after: 0) == nil)
}

@Test(arguments: ["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *"])
func malformedCronIsRejected(_ expression: String) {
    #expect(throws: Cron.SyntaxError.self) { try Cron(expression) }
}

@Test func civilDatesFromEpochDays() {
    #expect(CivilDate(daysSinceEpoch: 0) == CivilDate(daysSinceEpoch: 0))
    let date = CivilDate(daysSinceEpoch: 20_786)  // 2026-11-29
    #expect(date.year == 2026 && date.month == 11 && date.day == 29)
    let leap = CivilDate(daysSinceEpoch: 19_417)  // 2023-03-01
    #expect(leap.year == 2023 && leap.month == 3 && leap.day == 1)
}
