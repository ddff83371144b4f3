import GaaraGates
import GaaraReports
import Testing

func finding(_ severity: Severity, rule: String = "R1", location: String = "app/x.py", fingerprint: String? = nil) -> Finding {
    Finding(severity: severity, tool: "t", rule: rule, message: "m", location: location, line: 3, fingerprint: fingerprint ?? "\(rule)@\(location)")
}

func coverage(_ files: [String: (valid: [Int], covered: [Int])]) -> CoverageData {
    var data = CoverageData()
    for (path, lines) in files {
        var file = FileCoverage()
        for line in lines.valid { file.addLine(line, hits: lines.covered.contains(line) ? 1 : 0) }
        data.files[path] = file
    }
    return data
}

func result(_ report: GateReport, _ context: String) -> GateResult {
    report.results.first { $0.context == context }!
}

@Test func defaultsAreTheGuidesThreeGates() {
    var input = GateInput(today: "2026-11-29")
    var tests = TestSummary()
    tests.total = 10
    input.tests = tests
    input.coverage = coverage(["a.py": (Array(1...10), Array(1...8))])
    input.findings = [finding(.high), finding(.medium)]
    let report = GateEvaluator.evaluate(input, configuration: GateConfiguration())
    #expect(report.passed)
    #expect(result(report, "gaara/tests").status == .passed)
    #expect(result(report, "gaara/coverage/project").measured.hasPrefix("80%"))
    #expect(result(report, "gaara/coverage/patch").status == .skipped)
    #expect(result(report, "gaara/security").status == .passed)
    #expect(result(report, "gaara/quality-gate").measured == "3/3 gates passed")
}

@Test func eachGateFailsWithItsReason() {
    var input = GateInput(today: "2026-11-29")
    var tests = TestSummary()
    tests.total = 5
    tests.failed = 1
    tests.failures = [FailedTest(suite: "TestStore", name: "test_count", kind: "failure", message: "assert 3 == 2\nmore", file: "j.xml")]
    input.tests = tests
    input.coverage = coverage(["app/a.py": (Array(1...10), [1, 2, 3])])
    input.findings = [finding(.critical, rule: "B602")]
    input.changedLines = ["app/a.py": [4, 5, 1]]
    let report = GateEvaluator.evaluate(input, configuration: GateConfiguration())
    #expect(!report.passed)
    #expect(result(report, "gaara/tests").details == ["1 test failed (1 failures, 0 errors)", "failure: TestStore.test_count — assert 3 == 2"])
    #expect(result(report, "gaara/coverage/project").details.first == "line coverage 30% (3/10) is below 80%")
    #expect(
        result(report, "gaara/coverage/patch").details == [
            "patch coverage 33.33% (1/3 changed lines) is below 80%", "app/a.py: lines 4-5 are not covered",
        ])
    #expect(result(report, "gaara/security").details.first == "1 critical finding; at most 0 allowed")
    #expect(result(report, "gaara/quality-gate").status == .failed)
}

@Test func patchCoverageMatchesPathsBySuffixAndIgnoresUncoverableLines() {
    var input = GateInput(today: "2026-11-29")
    input.coverage = coverage(["/home/ci/work/repo/backend/app/store.py": ([10, 11, 12], [10, 11, 12]), "app/other.py": ([1], [])])
    input.changedLines = ["backend/app/store.py": [10, 11, 40], "README.md": [1]]
    let report = GateEvaluator.evaluate(input, configuration: GateConfiguration())
    #expect(result(report, "gaara/coverage/patch").measured == "100% (2/2 changed lines)")
}

@Test func allowlistBaselineExclusionsAndSeverityLimits() {
    var configuration = GateConfiguration()
    configuration.maximumFindings = [.critical: 0, .high: 1]
    configuration.securityExclusions = ["vendor/**"]
    configuration.allowlist = [
        AllowedFinding(fingerprint: nil, rule: "ACCEPTED", path: nil, reason: "false positive", expires: "2027-01-01"),
        AllowedFinding(fingerprint: nil, rule: "EXPIRED", path: nil, reason: "was fine", expires: "2026-01-01"),
    ]
    configuration.newFindingsOnly = true
    var input = GateInput(today: "2026-11-29")
    input.findings = [
        finding(.critical, rule: "ACCEPTED"), finding(.critical, rule: "OLD"), finding(.critical, location: "vendor/lib.js"),
        finding(.high, rule: "H1"), finding(.high, rule: "H2"), finding(.critical, rule: "EXPIRED"),
    ]
    input.baselineFindings = [finding(.critical, rule: "OLD")]
    let report = GateEvaluator.evaluate(input, configuration: configuration)
    let security = result(report, "gaara/security")
    #expect(security.status == .failed)
    #expect(security.details.contains("1 critical finding; at most 0 allowed"))
    #expect(security.details.contains("2 high findings; at most 1 allowed"))
    #expect(security.details.contains { $0.contains("EXPIRED") })
    #expect(report.warnings == ["allowlist entry 'EXPIRED' expired on 2026-01-01 and no longer applies"])
}

@Test func coverageDropFromTheBase() {
    var configuration = GateConfiguration()
    configuration.projectCoverage = 50
    configuration.maximumCoverageDrop = 1
    var input = GateInput(today: "2026-11-29")
    input.coverage = coverage(["a.py": (Array(1...100), Array(1...90))])
    input.baseCoverage = coverage(["a.py": (Array(1...100), Array(1...92))])
    let report = GateEvaluator.evaluate(input, configuration: configuration)
    #expect(result(report, "gaara/coverage/project").details == ["coverage dropped 2% points from the base (92%); at most 1% is allowed"])
}

@Test func coverageExclusionsRemoveFiles() {
    var configuration = GateConfiguration()
    configuration.coverageExclusions = ["**/tests/**"]
    var input = GateInput(today: "2026-11-29")
    input.coverage = coverage(["app/a.py": (Array(1...10), Array(1...9)), "app/tests/test_a.py": (Array(1...100), [])])
    #expect(result(GateEvaluator.evaluate(input, configuration: configuration), "gaara/coverage/project").status == .passed)
}

@Test func unifiedDiffAddedLines() {
    let diff = """
        diff --git a/app/a.py b/app/a.py
        --- a/app/a.py
        +++ b/app/a.py
        @@ -3,0 +4,2 @@ def f():
        +    x = 1
        +    y = 2
        @@ -10 +12 @@
        -old
        +new
        @@ -20,3 +21,0 @@
        diff --git a/gone.py b/gone.py
        --- a/gone.py
        +++ /dev/null
        @@ -1 +0,0 @@
        -bye
        """
    #expect(UnifiedDiff.addedLines(diff) == ["app/a.py": [4, 5, 12]])
}

@Test func configurationFileReadsEverySettingAndReportsMistakes() {
    let (configuration, _, diagnostics) = GateConfigurationLoader.load(
        text: """
            tests:
              max-failures: 2
              min-tests: 10
            coverage:
              project:
                min: 85
                max-drop: 0.5
              patch: 90%
              exclude: ["**/generated/**"]
            security:
              max: {critical: 0, high: 3}
              new-only: true
              exclude: vendor/**
              allow:
                - rule: B101
                  reason: asserts are fine in tests
                  expires: 2027-06-30
            """, path: "gates.yml")
    #expect(diagnostics.isEmpty)
    #expect(configuration?.maximumTestFailures == 2 && configuration?.minimumTests == 10)
    #expect(configuration?.projectCoverage == 85 && configuration?.maximumCoverageDrop == 0.5 && configuration?.patchCoverage == 90)
    #expect(configuration?.maximumFindings == [.critical: 0, .high: 3] && configuration?.newFindingsOnly == true)
    #expect(configuration?.allowlist.first?.rule == "B101")
    let (broken, _, problems) = GateConfigurationLoader.load(
        text: """
            tests:
              max-failure: 1
            coverage:
              project: 120
            security:
              allow:
                - rule: B101
            """, path: "gates.yml")
    #expect(broken == nil)
    #expect(
        problems.map { "\($0.location): \($0.message)" } == [
            "2:3: unknown key 'max-failure' in 'tests' (did you mean 'max-failures'?)",
            "4:12: 'coverage.project' must be a number from 0 to 100, found '120'",
            "7:7: an allow entry needs a 'reason'",
        ])
}

@Test func outputFormatsCarryTheReasons() {
    var input = GateInput(today: "2026-11-29")
    input.coverage = coverage(["a.py": (Array(1...10), [1])])
    let report = GateEvaluator.evaluate(input, configuration: GateConfiguration())
    let reason = "line coverage 10% (1/10) is below 80%"
    #expect(GateFormatter.text(report).contains(reason))
    #expect(GateFormatter.markdown(report).contains(reason))
    #expect(GateFormatter.junit(report).contains("<failure message=\"\(reason)\""))
    let statuses = GateFormatter.statuses(report)
    #expect(statuses.map(\.context) == ["gaara/tests", "gaara/coverage/project", "gaara/coverage/patch", "gaara/security", "gaara/quality-gate"])
    #expect(statuses.map(\.state) == ["success", "failure", "success", "success", "failure"])
    #expect(statuses[0].description == "skipped: no test report")
}
