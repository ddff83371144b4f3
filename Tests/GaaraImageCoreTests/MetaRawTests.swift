import GaaraImageCore
import Testing

/// `type=raw` tags with branch, tag and semver tags, priorities, `enable`, prefixes and suffixes.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaRawTests {
    /// meta.test.ts › raw.
    static let rawCases: [MetaCase] = [
        // meta.test.ts › raw › raw01
        MetaCase(
            "raw raw01", .pushDev,
            MetadataInputs(images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"]),
            version: MetadataVersion(main: "dev", partial: ["my", "custom", "tags"], latest: false),
            tags: ["user/app:dev", "user/app:my", "user/app:custom", "user/app:tags"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=dev",
            ]),
        // meta.test.ts › raw › raw02
        MetaCase(
            "raw raw02", .pushDev, MetadataInputs(images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my"]),
            version: MetadataVersion(main: "dev", partial: ["my"], latest: false),
            tags: ["user/app:dev", "user/app:my"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=dev",
            ]),
        // meta.test.ts › raw › raw03
        MetaCase(
            "raw raw03", .tagRelease1,
            MetadataInputs(images: ["user/app"], tags: ["type=ref,event=tag", "type=raw,my", "type=raw,custom", "type=raw,tags"]),
            version: MetadataVersion(main: "release1", partial: ["my", "custom", "tags"], latest: true),
            tags: ["user/app:release1", "user/app:my", "user/app:custom", "user/app:tags", "user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=release1",
            ]),
        // meta.test.ts › raw › raw04
        MetaCase(
            "raw raw04", .tag20200110RC2,
            MetadataInputs(
                images: ["user/app"], tags: [#"type=match,pattern=\d{8}"#, "type=raw,my", "type=raw,custom", "type=raw,tags"],
                flavor: ["latest=false"]),
            version: MetadataVersion(main: "20200110", partial: ["my", "custom", "tags"], latest: false),
            tags: ["user/app:20200110", "user/app:my", "user/app:custom", "user/app:tags"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=20200110",
            ]),
        // meta.test.ts › raw › raw05
        MetaCase(
            "raw raw05", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}", "type=raw,my",
                    "type=raw,custom", "type=raw,tags",
                ]),
            version: MetadataVersion(main: "1.1.1", partial: ["1.1", "1", "my", "custom", "tags"], latest: true),
            tags: [
                "org/app:1.1.1", "org/app:1.1", "org/app:1", "org/app:my", "org/app:custom", "org/app:tags", "org/app:latest",
                "ghcr.io/user/app:1.1.1", "ghcr.io/user/app:1.1", "ghcr.io/user/app:1", "ghcr.io/user/app:my", "ghcr.io/user/app:custom",
                "ghcr.io/user/app:tags", "ghcr.io/user/app:latest",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.1.1",
            ]),
        // meta.test.ts › raw › raw06
        MetaCase(
            "raw raw06", .tagV1_1_1,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=raw,my", "type=raw,custom", "type=raw,tags"]),
            version: MetadataVersion(main: "my", partial: ["custom", "tags"], latest: false),
            tags: ["org/app:my", "org/app:custom", "org/app:tags", "ghcr.io/user/app:my", "ghcr.io/user/app:custom", "ghcr.io/user/app:tags"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=my",
            ]),
        // meta.test.ts › raw › raw07
        MetaCase(
            "raw raw07", .pushDev,
            MetadataInputs(
                images: ["user/app"], tags: ["type=ref,priority=90,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"],
                flavor: ["latest=true"]),
            version: MetadataVersion(main: "my", partial: ["custom", "tags", "dev"], latest: true),
            tags: ["user/app:my", "user/app:custom", "user/app:tags", "user/app:dev", "user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=my",
            ]),
        // meta.test.ts › raw › raw08
        MetaCase(
            "raw raw08", .pushDev,
            MetadataInputs(
                images: ["user/app"], tags: [#"type=match,pattern=\d{8}"#, "type=raw,my", "type=raw,custom", "type=raw,tags"],
                flavor: ["latest=false"]),
            version: MetadataVersion(main: "my", partial: ["custom", "tags"], latest: false),
            tags: ["user/app:my", "user/app:custom", "user/app:tags"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=my",
            ]),
        // meta.test.ts › raw › raw09
        MetaCase(
            "raw raw09", .pushDev,
            MetadataInputs(
                images: ["user/app"],
                tags: [#"type=match,pattern=\d{8}"#, "type=raw,my,prefix=foo-,suffix=-bar", "type=raw,custom", "type=raw,tags"],
                flavor: ["latest=false", "prefix=glo-", "suffix=-bal"]),
            version: MetadataVersion(main: "foo-my-bar", partial: ["glo-custom-bal", "glo-tags-bal"], latest: false),
            tags: ["user/app:foo-my-bar", "user/app:glo-custom-bal", "user/app:glo-tags-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=foo-my-bar",
            ]),
        // meta.test.ts › raw › raw10
        MetaCase(
            "raw raw10", .pushDev,
            MetadataInputs(
                images: ["user/app"], tags: ["type=raw,foo", "type=raw,bar,enable=false", "type=raw,baz,enable=true"], flavor: ["latest=false"]),
            version: MetadataVersion(main: "foo", partial: ["baz"], latest: false),
            tags: ["user/app:foo", "user/app:baz"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=foo",
            ]),
    ]

    /// `type=raw` alongside other rules.
    @Test(arguments: rawCases)
    func raw(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
