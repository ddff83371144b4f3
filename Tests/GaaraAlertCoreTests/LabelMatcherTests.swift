import Testing

@testable import GaaraAlertCore

/// Matchers as routes, silences and inhibition rules write them, and how they match.
struct LabelMatcherTests {
    @Test(arguments: [
        (#"severity="critical""#, "severity", LabelMatcher.Kind.equal, "critical"),
        ("severity=critical", "severity", .equal, "critical"),
        (#" service =~ "api|web" "#, "service", .regex, "api|web"),
        (#"env!~"dev.*""#, "env", .notRegex, "dev.*"),
        (#"team!="""#, "team", .notEqual, ""),
        (#"note="say \"hi\"\n""#, "note", .equal, "say \"hi\"\n"),
        (#"build=~"\d+""#, "build", .regex, #"\d+"#),
    ])
    func reads(_ text: String, _ name: String, _ kind: LabelMatcher.Kind, _ value: String) throws {
        let matcher = try LabelMatcher.parse(text)
        #expect(matcher.name == name && matcher.kind == kind && matcher.value == value)
        #expect(try LabelMatcher.parse(matcher.description) == matcher, "the description reads back")
    }

    @Test(arguments: [
        (#"="x""#, 0, "expected a label name (severity, service, ...), found '='"),
        (#"severity=="critical""#, 8, "unknown operator '=='; use =, !=, =~ or !~ (a single '=' compares)"),
        ("severity", 8, "expected =, !=, =~ or !~ after 'severity'"),
        (#"severity="critical"#, 9, #"the quoted value is not closed with '"'"#),
        (#"severity="a" b"#, 13, "unexpected 'b' after the quoted value"),
        (#"severity=crit"ical"#, 13, #"a value with quotes must be wholly in double quotes: severity="...""#),
    ])
    func reportsMistakesAtTheirOffset(_ text: String, _ offset: Int, _ message: String) {
        #expect(throws: AlertSyntaxError(message, at: offset)) { try LabelMatcher.parse(text) }
    }

    @Test func anInvalidRegexIsReportedAtItsValue() {
        do {
            _ = try LabelMatcher.parse(#"service=~"(api""#)
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 9)
            #expect(error.message.hasPrefix("invalid regular expression '(api': "), "\(error.message)")
        }
    }

    @Test func regexesMatchTheWholeValueAndMissingLabelsAreEmpty() {
        let labels: AlertLabels = ["service": "api-2", "severity": "critical"]
        #expect(!matcher(#"service=~"api""#).matches(labels), "anchored, as in Alertmanager")
        #expect(matcher(#"service=~"api.*""#).matches(labels))
        #expect(matcher(#"service!~"web|db""#).matches(labels))
        #expect(matcher(#"team!="web""#).matches(labels), "no team is not the web team")
        #expect(matcher(#"team="""#).matches(labels), "a missing label is empty")
        #expect(!matcher(#"team=~".+""#).matches(labels))
        #expect([matcher("severity=critical"), matcher("service=api-2")].matches(labels))
        #expect(![matcher("severity=critical"), matcher("service=api")].matches(labels))
        #expect([LabelMatcher]().matches(labels), "no matchers match everything")
    }
}
