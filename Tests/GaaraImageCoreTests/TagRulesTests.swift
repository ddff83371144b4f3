import Testing

@testable import GaaraImageCore

/// The `tags` input's parsing and ordering.
/// Ported from docker/metadata-action's __tests__/tag.test.ts (`transform` and `parse`); the comment on each
/// case names the upstream block. Upstream's invalid cases are the ones expected to throw.
struct TagRulesTests {
    /// tag.test.ts › transform: defaults filled in, then ordered by priority (equal priorities keep their order).
    @Test func transformOrdersByPriority() throws {
        let rules = try TagRule.transform([
            "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr", "type=schedule", "type=sha", "type=raw,foo", "type=edge",
            "type=semver,pattern={{version}}", #"type=match,"pattern=\d.\d.\d",group=0"#,
        ])
        #expect(
            rules == [
                TagRule(kind: .schedule, attributes: ["enable": "true", "pattern": "nightly", "priority": "1000"]),
                TagRule(kind: .semver, attributes: ["enable": "true", "match": "", "pattern": "{{version}}", "priority": "900", "value": ""]),
                TagRule(kind: .match, attributes: ["enable": "true", "group": "0", "pattern": #"\d.\d.\d"#, "priority": "800", "value": ""]),
                TagRule(kind: .edge, attributes: ["branch": "", "enable": "true", "priority": "700"]),
                TagRule(kind: .ref, attributes: ["enable": "true", "event": "branch", "priority": "600"]),
                TagRule(kind: .ref, attributes: ["enable": "true", "event": "tag", "priority": "600"]),
                TagRule(kind: .ref, attributes: ["enable": "true", "event": "pr", "prefix": "pr-", "priority": "600"]),
                TagRule(kind: .raw, attributes: ["enable": "true", "priority": "200", "value": "foo"]),
                TagRule(kind: .sha, attributes: ["enable": "true", "format": "short", "prefix": "sha-", "priority": "100"]),
            ])
    }

    /// tag.test.ts › parse: an entry and the rule it gives (nil: the action throws).
    static let parseCases: [(String, TagRule?)] = [
        // tag.test.ts › parse
        (
            "type=schedule,enable=true,pattern={{date 'YYYYMMDD'}}",
            TagRule(kind: .schedule, attributes: ["enable": "true", "pattern": "{{date 'YYYYMMDD'}}", "priority": "1000"])
        ),
        // tag.test.ts › parse
        (
            "type=schedule,enable=true,pattern={{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
            TagRule(kind: .schedule, attributes: ["enable": "true", "pattern": "{{date 'YYYYMMDD' tz='Asia/Tokyo'}}", "priority": "1000"])
        ),
        // tag.test.ts › parse
        (
            "type=semver,enable=true,pattern={{version}}",
            TagRule(kind: .semver, attributes: ["enable": "true", "match": "", "pattern": "{{version}}", "priority": "900", "value": ""])
        ),
        // tag.test.ts › parse
        (
            "type=semver,priority=1,enable=true,pattern={{version}}",
            TagRule(kind: .semver, attributes: ["enable": "true", "match": "", "pattern": "{{version}}", "priority": "1", "value": ""])
        ),
        // tag.test.ts › parse
        (
            "type=semver,priority=1,enable=true,pattern={{version}},value=v1.0.0",
            TagRule(kind: .semver, attributes: ["enable": "true", "match": "", "pattern": "{{version}}", "priority": "1", "value": "v1.0.0"])
        ),
        // tag.test.ts › parse
        (
            #"type=semver,priority=1,enable=true,pattern={{version}},value=p1/v1.0.0,"match=v(\d.\d.\d)$""#,
            TagRule(
                kind: .semver,
                attributes: ["enable": "true", "match": #"v(\d.\d.\d)$"#, "pattern": "{{version}}", "priority": "1", "value": "p1/v1.0.0"])
        ),
        // tag.test.ts › parse
        (
            "type=match,enable=true,pattern=v(.*),group=1",
            TagRule(kind: .match, attributes: ["enable": "true", "group": "1", "pattern": "v(.*)", "priority": "800", "value": ""])
        ),
        // tag.test.ts › parse
        (
            #"type=match,enable=true,"pattern=^v(\d.\d.\d)$",group=1"#,
            TagRule(kind: .match, attributes: ["enable": "true", "group": "1", "pattern": #"^v(\d.\d.\d)$"#, "priority": "800", "value": ""])
        ),
        // tag.test.ts › parse
        (
            "type=match,priority=700,enable=true,pattern=v(.*),group=1",
            TagRule(kind: .match, attributes: ["enable": "true", "group": "1", "pattern": "v(.*)", "priority": "700", "value": ""])
        ),
        // tag.test.ts › parse
        (
            "type=match,enable=true,pattern=v(.*),group=1,value=v1.2.3",
            TagRule(kind: .match, attributes: ["enable": "true", "group": "1", "pattern": "v(.*)", "priority": "800", "value": "v1.2.3"])
        ),
        // tag.test.ts › parse
        ("type=match,enable=true,pattern=v(.*),group=foo", nil),
        // tag.test.ts › parse
        ("type=edge", TagRule(kind: .edge, attributes: ["branch": "", "enable": "true", "priority": "700"])),
        // tag.test.ts › parse
        ("type=edge,enable=true,branch=master", TagRule(kind: .edge, attributes: ["branch": "master", "enable": "true", "priority": "700"])),
        // tag.test.ts › parse
        ("type=ref,event=tag", TagRule(kind: .ref, attributes: ["enable": "true", "event": "tag", "priority": "600"])),
        // tag.test.ts › parse
        ("type=ref,event=branch", TagRule(kind: .ref, attributes: ["enable": "true", "event": "branch", "priority": "600"])),
        // tag.test.ts › parse
        ("type=ref,event=pr", TagRule(kind: .ref, attributes: ["enable": "true", "event": "pr", "prefix": "pr-", "priority": "600"])),
        // tag.test.ts › parse
        ("type=ref,event=foo", nil),
        // tag.test.ts › parse
        ("type=ref", nil),
        // tag.test.ts › parse
        ("acustomtag", TagRule(kind: .raw, attributes: ["enable": "true", "priority": "200", "value": "acustomtag"])),
        // tag.test.ts › parse
        ("type=raw", nil),
        // tag.test.ts › parse
        ("type=raw,value=acustomtag2", TagRule(kind: .raw, attributes: ["enable": "true", "priority": "200", "value": "acustomtag2"])),
        // tag.test.ts › parse
        ("type=raw,enable=true,value=acustomtag4", TagRule(kind: .raw, attributes: ["enable": "true", "priority": "200", "value": "acustomtag4"])),
        // tag.test.ts › parse
        ("type=raw,enable=false,value=acustomtag5", TagRule(kind: .raw, attributes: ["enable": "false", "priority": "200", "value": "acustomtag5"])),
        // tag.test.ts › parse
        ("type=sha", TagRule(kind: .sha, attributes: ["enable": "true", "format": "short", "prefix": "sha-", "priority": "100"])),
        // tag.test.ts › parse
        ("type=sha,format=long", TagRule(kind: .sha, attributes: ["enable": "true", "format": "long", "prefix": "sha-", "priority": "100"])),
        // tag.test.ts › parse
        ("type=sha,prefix=", TagRule(kind: .sha, attributes: ["enable": "true", "format": "short", "prefix": "", "priority": "100"])),
        // tag.test.ts › parse
        ("type=sha,enable=false", TagRule(kind: .sha, attributes: ["enable": "false", "format": "short", "prefix": "sha-", "priority": "100"])),
        // tag.test.ts › parse
        ("type=semver", nil),
        // tag.test.ts › parse
        ("type=match", nil),
        // tag.test.ts › parse
        ("type=foo", nil),
        // tag.test.ts › parse
        ("type=sha,format=foo", nil),
    ]

    /// Each entry parses to upstream's rule, or fails with an error naming the `tags` input.
    @Test(arguments: parseCases)
    func parse(_ entry: String, _ expected: TagRule?) throws {
        if let expected {
            #expect(try TagRule.parse(entry) == expected)
        } else {
            let error = #expect(throws: MetadataError.self) { try TagRule.parse(entry) }
            #expect(error?.input == "tags")
            #expect(error?.value == entry)
        }
    }
}
