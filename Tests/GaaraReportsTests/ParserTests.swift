import GaaraReports
import Testing

func read(_ text: String, path: String = "report") throws -> Report {
    var source = MemorySource(text)
    return try ReportReader.read(&source, path: path)
}

@Test func junitDialectsCountCasesNotSuiteAttributes() throws {
    let report = try read(
        """
        <?xml version="1.0"?>
        <!-- surefire with nested suites, flaky reruns and every outcome -->
        <testsuites tests="999">
          <testsuite name="outer" tests="999">
            <testsuite name="inner">
              <testcase classname="A" name="passes" time="0.5"/>
              <testcase classname="A" name="fails" time="1"><failure message="expected &lt;1&gt; got 2">trace</failure></testcase>
              <testcase classname="A" name="errors"><error type="Boom"><![CDATA[stack <with> markup]]></error></testcase>
              <testcase classname="A" name="skips"><skipped/></testcase>
              <testcase classname="A" name="flaky"><flakyFailure message="first try"/><system-out>ok</system-out></testcase>
              <testcase classname="A" name="status-skip" status="notrun"/>
            </testsuite>
          </testsuite>
        </testsuites>
        """)
    let tests = try #require(report.tests)
    #expect(report.kind == .junit)
    #expect(tests.total == 6 && tests.failed == 1 && tests.errors == 1 && tests.skipped == 2 && tests.flaky == 1)
    #expect(tests.duration == 1.5)
    #expect(tests.failures.map(\.message) == ["expected <1> got 2", "stack <with> markup"])
}

@Test func xunitNetAssemblies() throws {
    let report = try read(
        """
        <assemblies><assembly name="a.dll"><collection name="c">
          <test name="T.Pass" type="T" result="Pass" time="0.1"/>
          <test name="T.Fail" type="T" result="Fail"><failure><message>Assert.Equal() Failure</message></failure></test>
          <test name="T.Skip" type="T" result="Skip"><reason>later</reason></test>
        </collection></assembly></assemblies>
        """)
    let tests = try #require(report.tests)
    #expect(tests.total == 3 && tests.failed == 1 && tests.skipped == 1)
    #expect(tests.failures.first?.message == "Assert.Equal() Failure")
}

@Test func coberturaIgnoresMethodCopiesAndHeaderRates() throws {
    let report = try read(
        """
        <coverage line-rate="NaN" lines-valid="999">
          <packages><package name="p"><classes>
            <class name="A" filename="src\\a.py">
              <methods><method name="m"><lines><line number="1" hits="0"/><line number="99" hits="1"/></lines></method></methods>
              <lines>
                <line number="1" hits="3"/>
                <line number="2" hits="0" branch="True" condition-coverage="50% (1/2)"/>
              </lines>
            </class>
            <class name="A.Inner" filename="src/a.py">
              <lines><line number="2" hits="5" branch="true" condition-coverage="75% (3/4)"/><line number="3" hits="0"/></lines>
            </class>
          </classes></package></packages>
        </coverage>
        """)
    let coverage = try #require(report.coverage)
    #expect(coverage.files.keys.sorted() == ["src/a.py"])
    #expect(coverage.totals == CoverageTotals(linesValid: 3, linesCovered: 2, branchesValid: 4, branchesCovered: 3))
}

@Test func lcovMergesRecordsOfOneFile() throws {
    let report = try read(
        """
        TN:
        SF:C:\\proj\\src\\a.js
        DA:1,0
        DA:2,1
        BRDA:2,0,0,-
        BRDA:2,0,1,3
        end_of_record
        SF:C:/proj/src/a.js
        DA:1,2
        DA:3,0
        BRDA:2,0,0,1
        end_of_record
        SF:/proj/b.js
        LF:10
        LH:4
        BRF:2
        BRH:1
        end_of_record
        """)
    let coverage = try #require(report.coverage)
    #expect(coverage.totals == CoverageTotals(linesValid: 3 + 10, linesCovered: 2 + 4, branchesValid: 2 + 2, branchesCovered: 2 + 1))
    #expect(coverage.files["C:/proj/src/a.js"]?.covered.members == [1, 2])
}

@Test func sarifSeverityComesFromScoresThenLevels() throws {
    let report = try read(
        """
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": [
            {"id": "scored", "properties": {"security-severity": "9.1"}},
            {"id": "levelled", "defaultConfiguration": {"level": "error"}}]},
          "extensions": [{"name": "pack", "rules": [{"id": "ext", "properties": {"security-severity": "5"}}]}]},
          "results": [
            {"ruleId": "scored", "message": {"text": "a"}},
            {"ruleId": "levelled", "message": {"text": "b"}},
            {"ruleId": "levelled", "level": "note", "message": {"text": "c"}},
            {"ruleId": "ext", "rule": {"id": "ext", "index": 0, "toolComponent": {"index": 0}}, "message": {"text": "d"}},
            {"ruleId": "free", "message": {"text": "e"}},
            {"ruleId": "scored", "message": {"text": "f"}, "suppressions": [{"kind": "inSource"}]},
            {"ruleId": "x", "properties": {"security-severity": "0"}, "message": {"text": "g"}}
        ]}]}
        """)
    let counts = FindingCounts(try #require(report.findings))
    #expect(counts.critical == 1 && counts.high == 1 && counts.medium == 2 && counts.low == 1 && counts.info == 1)
}

@Test func auditFormatsAreRecognised() throws {
    #expect(try read(#"{"dependencies": [{"name": "a", "version": "1", "vulns": [{"id": "PYSEC-1"}]}], "fixes": []}"#).kind == .pipAudit)
    #expect(try read(#"[{"name": "a", "version": "1", "vulns": []}, {"name": "b", "skip_reason": "x"}]"#).kind == .pipAudit)
    #expect(try read(#"{"vulnerabilities": {"lodash": {"severity": "moderate"}}, "metadata": {}}"#).findings?.first?.severity == .medium)
    #expect(try read(#"{"advisories": {"1": {"severity": "critical", "module_name": "x"}}, "metadata": {}}"#).findings?.first?.severity == .critical)
    let yarn = try read(
        """
        {"type":"auditAdvisory","data":{"advisory":{"id":7,"severity":"high","module_name":"m"}}}
        {"type":"auditAdvisory","data":{"advisory":{"id":7,"severity":"high","module_name":"m"}}}
        {"type":"auditSummary","data":{}}
        """)
    #expect(yarn.kind == .yarnAudit && yarn.findings?.count == 1)
    let safety = try read(
        "Banner line\n+=====+\n{\"vulnerabilities\": [{\"package_name\": \"p\", \"vulnerability_id\": \"1\", \"severity\": {\"cvssv3\": {\"base_score\": 9.8}}}]}\n+=====+ trailing\n"
    )
    #expect(safety.kind == .safety && safety.findings?.first?.severity == .critical)
    #expect(try read(#"[["django", "<2.2", "2.1", "advisory text", "12345"]]"#).kind == .safety)
    #expect(try read(#"{"results": [], "metrics": {"_totals": {}}, "errors": []}"#).kind == .bandit)
}
