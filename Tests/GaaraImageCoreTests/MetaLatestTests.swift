import GaaraImageCore
import Testing

/// The `latest` tag: when the rules add it, `flavor: latest=false`, and custom labels and annotations.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaLatestTests {
    /// meta.test.ts › latest.
    static let latestCases: [MetaCase] = [
        // meta.test.ts › latest › latest01
        MetaCase(
            "latest latest01", .tagRelease1, MetadataInputs(images: ["user/app"], tags: [#"type=match,"pattern=^release\d{1,2}""#]),
            version: MetadataVersion(main: "release1", partial: [], latest: true),
            tags: ["user/app:release1", "user/app:latest"],
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
        // meta.test.ts › latest › latest02
        MetaCase(
            "latest latest02", .tag20200110RC2, MetadataInputs(images: ["user/app"], tags: [#"type=match,"pattern=^\d+-RC\d{1,2}""#]),
            version: MetadataVersion(main: "20200110-RC2", partial: [], latest: true),
            tags: ["user/app:20200110-RC2", "user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=20200110-RC2",
            ]),
        // meta.test.ts › latest › latest03
        MetaCase(
            "latest latest03", .tag20200110RC2, MetadataInputs(images: ["user/app"], tags: [#"type=match,pattern=\d{8}"#]),
            version: MetadataVersion(main: "20200110", partial: [], latest: true),
            tags: ["user/app:20200110", "user/app:latest"],
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
        // meta.test.ts › latest › latest04
        MetaCase(
            "latest latest04", .tagV1_1_1, MetadataInputs(images: ["user/app"], tags: [#"type=match,"pattern=\d.\d.\d""#]),
            version: MetadataVersion(main: "1.1.1", partial: [], latest: true),
            tags: ["user/app:1.1.1", "user/app:latest"],
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
        // meta.test.ts › latest › latest05
        MetaCase(
            "latest latest05", .tagV1_1_1, MetadataInputs(images: ["org/app", "ghcr.io/user/app"]),
            version: MetadataVersion(main: "v1.1.1", partial: [], latest: true),
            tags: ["org/app:v1.1.1", "org/app:latest", "ghcr.io/user/app:v1.1.1", "ghcr.io/user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v1.1.1",
            ]),
        // meta.test.ts › latest › latest06
        MetaCase(
            "latest latest06", .tagV2_0_8Beta67, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=\d.\d.\d""#]),
            version: MetadataVersion(main: "2.0.8", partial: [], latest: true),
            tags: ["org/app:2.0.8", "org/app:latest", "ghcr.io/user/app:2.0.8", "ghcr.io/user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2.0.8",
            ]),
        // meta.test.ts › latest › latest07
        MetaCase(
            "latest latest07", .tagV1_1_1,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=tag"], flavor: ["latest=false"]),
            version: MetadataVersion(main: "v1.1.1", partial: [], latest: false),
            tags: ["org/app:v1.1.1", "ghcr.io/user/app:v1.1.1"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v1.1.1",
            ]),
        // meta.test.ts › latest › latest08
        MetaCase(
            "latest latest08", .tagV1_1_1,
            MetadataInputs(images: ["org/app", "ghcr.io/MyUSER/MyApp"], tags: ["type=ref,event=tag"], flavor: ["latest=false"]),
            version: MetadataVersion(main: "v1.1.1", partial: [], latest: false),
            tags: ["org/app:v1.1.1", "ghcr.io/myuser/myapp:v1.1.1"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v1.1.1",
            ]),
        // meta.test.ts › latest › latest09
        MetaCase(
            "latest latest09", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/MyUSER/MyApp"], tags: ["type=ref,event=tag"], flavor: ["latest=false"],
                labels: [
                    "maintainer=CrazyMax", #"org.opencontainers.image.description=this is a "good" example"#,
                    "org.opencontainers.image.title=MyCustomTitle", "org.opencontainers.image.vendor=MyCompany",
                ],
                annotations: [
                    "maintainer=Foo", #"org.opencontainers.image.description=this is a "bad" example"#, "org.opencontainers.image.title=MyNotTitle",
                    "org.opencontainers.image.vendor=MyNotCompany",
                ]),
            version: MetadataVersion(main: "v1.1.1", partial: [], latest: false),
            tags: ["org/app:v1.1.1", "ghcr.io/myuser/myapp:v1.1.1"],
            labels: [
                "maintainer=CrazyMax",
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                #"org.opencontainers.image.description=this is a "good" example"#,
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=MyCustomTitle",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.vendor=MyCompany",
                "org.opencontainers.image.version=v1.1.1",
            ],
            annotations: [
                "maintainer=Foo",
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                #"org.opencontainers.image.description=this is a "bad" example"#,
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=MyNotTitle",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.vendor=MyNotCompany",
                "org.opencontainers.image.version=v1.1.1",
            ]),
        // meta.test.ts › latest › latest10
        MetaCase(
            "latest latest10", .tagV2_0_8Beta67, MetadataInputs(images: [], tags: [#"type=match,"pattern=\d.\d.\d""#]),
            version: MetadataVersion(main: "2.0.8", partial: [], latest: true),
            tags: ["2.0.8", "latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2.0.8",
            ]),
    ]

    /// Which rules add `latest`, image names lowercased, labels and annotations overriding the defaults.
    @Test(arguments: latestCases)
    func latest(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
