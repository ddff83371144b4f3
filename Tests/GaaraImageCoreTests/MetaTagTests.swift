import GaaraImageCore
import Testing

/// Tag pushes: `type=ref,event=tag`, `type=match`, `type=semver` and `type=pep440`, prefixes and suffixes.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaTagTests {
    /// meta.test.ts › tag.
    static let tagCases: [MetaCase] = [
        // meta.test.ts › tag › tag01
        MetaCase(
            "tag tag01", .tagRelease1, MetadataInputs(images: ["user/app"]),
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
        // meta.test.ts › tag › tag02
        MetaCase(
            "tag tag02", .tag20200110RC2, MetadataInputs(images: ["user/app"]),
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
        // meta.test.ts › tag › tag03
        MetaCase(
            "tag tag03", .tag20200110RC2, MetadataInputs(images: ["user/app"], tags: [#"type=match,pattern=\d{8}"#], flavor: ["latest=false"]),
            version: MetadataVersion(main: "20200110", partial: [], latest: false),
            tags: ["user/app:20200110"],
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
        // meta.test.ts › tag › tag04
        MetaCase(
            "tag tag04", .tag20200110RC2,
            MetadataInputs(images: ["user/app"], tags: ["type=match,pattern=(.*)-RC,group=1"], flavor: ["latest=false"]),
            version: MetadataVersion(main: "20200110", partial: [], latest: false),
            tags: ["user/app:20200110"],
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
        // meta.test.ts › tag › tag05
        MetaCase(
            "tag tag05", .tagV1_1_1, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=\d.\d.\d""#]),
            version: MetadataVersion(main: "1.1.1", partial: [], latest: true),
            tags: ["org/app:1.1.1", "org/app:latest", "ghcr.io/user/app:1.1.1", "ghcr.io/user/app:latest"],
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
        // meta.test.ts › tag › tag06
        MetaCase(
            "tag tag06", .tagV1_1_1, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=^v(\d.\d.\d)$",group=1"#]),
            version: MetadataVersion(main: "1.1.1", partial: [], latest: true),
            tags: ["org/app:1.1.1", "org/app:latest", "ghcr.io/user/app:1.1.1", "ghcr.io/user/app:latest"],
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
        // meta.test.ts › tag › tag07
        MetaCase(
            "tag tag07", .tagV2_0_8Beta67,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=\d.\d.\d-(alpha|beta).\d+""#]),
            version: MetadataVersion(main: "2.0.8-beta.67", partial: [], latest: true),
            tags: ["org/app:2.0.8-beta.67", "org/app:latest", "ghcr.io/user/app:2.0.8-beta.67", "ghcr.io/user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2.0.8-beta.67",
            ]),
        // meta.test.ts › tag › tag08
        MetaCase(
            "tag tag08", .tagV2_0_8Beta67, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=\d.\d""#]),
            version: MetadataVersion(main: "2.0", partial: [], latest: true),
            tags: ["org/app:2.0", "org/app:latest", "ghcr.io/user/app:2.0", "ghcr.io/user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2.0",
            ]),
        // meta.test.ts › tag › tag09
        MetaCase(
            "tag tag09", .tagV2_0_8Beta67,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [#"type=match,"pattern=v(.*)-beta.(.*)",group=1"#, #"type=match,"pattern=v(.*)-beta.(.*)",group=2"#]),
            version: MetadataVersion(main: "2.0.8", partial: ["67"], latest: true),
            tags: ["org/app:2.0.8", "org/app:67", "org/app:latest", "ghcr.io/user/app:2.0.8", "ghcr.io/user/app:67", "ghcr.io/user/app:latest"],
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
        // meta.test.ts › tag › tag10
        MetaCase(
            "tag tag10", .tagSometag, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: [#"type=match,"pattern=\d.\d""#]),
            version: MetadataVersion(main: nil, partial: [], latest: false),
            tags: [],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=",
            ]),
        // meta.test.ts › tag › tag11
        MetaCase(
            "tag tag11", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}"]),
            version: MetadataVersion(main: "1.1.1", partial: ["1.1", "1"], latest: true),
            tags: [
                "org/app:1.1.1", "org/app:1.1", "org/app:1", "org/app:latest", "ghcr.io/user/app:1.1.1", "ghcr.io/user/app:1.1", "ghcr.io/user/app:1",
                "ghcr.io/user/app:latest",
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
        // meta.test.ts › tag › tag12
        MetaCase(
            "tag tag12", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"]),
            version: MetadataVersion(main: "1.1.1", partial: [], latest: true),
            tags: ["org/app:1.1.1", "org/app:latest", "ghcr.io/user/app:1.1.1", "ghcr.io/user/app:latest"],
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
        // meta.test.ts › tag › tag13
        MetaCase(
            "tag tag13", .tagV2_0_8Beta67,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}"]),
            version: MetadataVersion(main: "2.0.8-beta.67", partial: [], latest: false),
            tags: ["org/app:2.0.8-beta.67", "ghcr.io/user/app:2.0.8-beta.67"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2.0.8-beta.67",
            ]),
        // meta.test.ts › tag › tag14
        MetaCase(
            "tag tag14", .tagSometag,
            MetadataInputs(
                images: ["ghcr.io/user/app"],
                tags: [
                    "type=ref,event=tag", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}",
                    "type=semver,pattern={{major}}",
                ], flavor: ["latest=false"]),
            version: MetadataVersion(main: "sometag", partial: [], latest: false),
            tags: ["ghcr.io/user/app:sometag"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sometag",
            ]),
        // meta.test.ts › tag › tag15
        MetaCase(
            "tag tag15", .tagV2_0_8Beta67,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=raw,priority=2000,foo", "type=semver,pattern={{version}}", #"type=match,"pattern=\d.\d""#]),
            version: MetadataVersion(main: "foo", partial: ["2.0.8-beta.67", "2.0"], latest: false),
            tags: [
                "org/app:foo", "org/app:2.0.8-beta.67", "org/app:2.0", "ghcr.io/user/app:foo", "ghcr.io/user/app:2.0.8-beta.67",
                "ghcr.io/user/app:2.0",
            ],
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
        // meta.test.ts › tag › tag16
        MetaCase(
            "tag tag16", .tagV1_1_1,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=raw,priority=2000,foo", "type=ref,event=tag", "type=edge"]),
            version: MetadataVersion(main: "foo", partial: ["v1.1.1"], latest: false),
            tags: ["org/app:foo", "org/app:v1.1.1", "ghcr.io/user/app:foo", "ghcr.io/user/app:v1.1.1"],
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
        // meta.test.ts › tag › tag17
        MetaCase(
            "tag tag17", .tagP1V1_0_0,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    #"type=match,"pattern=/^v(\d.\d.\d)$/ig",group=1"#, #"type=match,pattern=\d.\d.\d"#, #"type=match,pattern=\d.\d"#,
                    "type=ref,event=pr", "type=sha",
                ]),
            version: MetadataVersion(main: "1.0.0", partial: ["1.0", "sha-860c190"], latest: true),
            tags: [
                "org/app:1.0.0", "org/app:1.0", "org/app:sha-860c190", "org/app:latest", "ghcr.io/user/app:1.0.0", "ghcr.io/user/app:1.0",
                "ghcr.io/user/app:sha-860c190", "ghcr.io/user/app:latest",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.0.0",
            ]),
        // meta.test.ts › tag › tag18
        MetaCase(
            "tag tag18", .tagP1V1_0_0,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    #"type=match,pattern=p1/v(\d.\d.\d),group=1"#, #"type=match,pattern=p1/v(\d.\d),group=1"#,
                    #"type=match,pattern=p1/v(\d.\d),group=3"#, "type=ref,event=pr", "type=sha",
                ]),
            version: MetadataVersion(main: "1.0.0", partial: ["1.0", "sha-860c190"], latest: true),
            tags: [
                "org/app:1.0.0", "org/app:1.0", "org/app:sha-860c190", "org/app:latest", "ghcr.io/user/app:1.0.0", "ghcr.io/user/app:1.0",
                "ghcr.io/user/app:sha-860c190", "ghcr.io/user/app:latest",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.0.0",
            ]),
        // meta.test.ts › tag › tag19
        MetaCase(
            "tag tag19", .tagP1V1_0_0,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    #"type=match,pattern=p1/v(\d.\d.\d),group=1"#, #"type=match,pattern=p1/v(\d.\d),group=1,suffix="#, "type=ref,event=pr",
                    "type=sha",
                ], flavor: ["suffix=-dev"]),
            version: MetadataVersion(main: "1.0.0-dev", partial: ["1.0", "sha-860c190-dev"], latest: true),
            tags: [
                "org/app:1.0.0-dev", "org/app:1.0", "org/app:sha-860c190-dev", "org/app:latest", "ghcr.io/user/app:1.0.0-dev", "ghcr.io/user/app:1.0",
                "ghcr.io/user/app:sha-860c190-dev", "ghcr.io/user/app:latest",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.0.0-dev",
            ]),
        // meta.test.ts › tag › tag20
        MetaCase(
            "tag tag20", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=raw,{{tag}}-{{sha}}-foo", "type=raw,{{base_ref}}-foo", "type=raw,defbranch-foo,enable={{is_default_branch}}"]),
            version: MetadataVersion(main: "v1.1.1-860c190-foo", partial: ["master-foo"], latest: false),
            tags: ["org/app:v1.1.1-860c190-foo", "org/app:master-foo", "ghcr.io/user/app:v1.1.1-860c190-foo", "ghcr.io/user/app:master-foo"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v1.1.1-860c190-foo",
            ]),
        // meta.test.ts › tag › tag21
        MetaCase(
            "tag tag21", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"], flavor: ["suffix=-dev,onlatest=true"]),
            version: MetadataVersion(main: "1.1.1-dev", partial: [], latest: true),
            tags: ["org/app:1.1.1-dev", "org/app:latest-dev", "ghcr.io/user/app:1.1.1-dev", "ghcr.io/user/app:latest-dev"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.1.1-dev",
            ]),
        // meta.test.ts › tag › tag22
        MetaCase(
            "tag tag22", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}"],
                flavor: ["prefix=foo-,onlatest=true", "suffix=-dev,onlatest=true"]),
            version: MetadataVersion(main: "foo-1.1.1-dev", partial: [], latest: true),
            tags: ["org/app:foo-1.1.1-dev", "org/app:foo-latest-dev", "ghcr.io/user/app:foo-1.1.1-dev", "ghcr.io/user/app:foo-latest-dev"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=foo-1.1.1-dev",
            ]),
        // meta.test.ts › tag › tag23
        MetaCase(
            "tag tag23", .tagV1_1_1,
            MetadataInputs(images: ["org/app"], tags: ["type=pep440,pattern={{raw}}", "type=pep440,pattern={{major}}.{{minor}}"]),
            version: MetadataVersion(main: "v1.1.1", partial: ["1.1"], latest: true),
            tags: ["org/app:v1.1.1", "org/app:1.1", "org/app:latest"],
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
        // meta.test.ts › tag › tag24
        MetaCase(
            "tag tag24", .tag1_2,
            MetadataInputs(images: ["org/app"], tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}"]),
            version: MetadataVersion(main: "1.2", partial: [], latest: true),
            tags: ["org/app:1.2", "org/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.2",
            ]),
        // meta.test.ts › tag › tag25
        MetaCase(
            "tag tag25", .tag1_1beta2,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"]),
            version: MetadataVersion(main: "1.1b2", partial: [], latest: false),
            tags: ["org/app:1.1b2", "ghcr.io/user/app:1.1b2"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.1b2",
            ]),
        // meta.test.ts › tag › tag26
        MetaCase(
            "tag tag26", .tag1_0dev4,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"]),
            version: MetadataVersion(main: "1.0.dev4", partial: [], latest: false),
            tags: ["org/app:1.0.dev4", "ghcr.io/user/app:1.0.dev4"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.0.dev4",
            ]),
        // meta.test.ts › tag › tag27
        MetaCase(
            "tag tag27", .tag1_2_3rc2,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    "type=pep440,pattern={{raw}}", "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}",
                    "type=pep440,pattern={{major}}",
                ]),
            version: MetadataVersion(main: "1.2.3rc2", partial: [], latest: false),
            tags: ["org/app:1.2.3rc2", "ghcr.io/user/app:1.2.3rc2"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.2.3rc2",
            ]),
        // meta.test.ts › tag › tag28
        MetaCase(
            "tag tag28", .tagV1_1_1,
            MetadataInputs(
                images: ["org/app"],
                tags: [
                    "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}.{{patch}}", "type=pep440,pattern={{major}}.{{minor}}",
                    "type=pep440,pattern={{major}}",
                ]),
            version: MetadataVersion(main: "1.1.1", partial: ["1.1", "1"], latest: true),
            tags: ["org/app:1.1.1", "org/app:1.1", "org/app:1", "org/app:latest"],
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
        // meta.test.ts › tag › tag29
        MetaCase(
            "tag tag29", .tag1_2post1,
            MetadataInputs(
                images: ["org/app"],
                tags: ["type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}", "type=pep440,pattern={{major}}"]),
            version: MetadataVersion(main: "1.2.post1", partial: [], latest: false),
            tags: ["org/app:1.2.post1"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.2.post1",
            ]),
        // meta.test.ts › tag › tag30
        MetaCase(
            "tag tag30", .tagSometag,
            MetadataInputs(
                images: ["ghcr.io/user/app"],
                tags: [
                    "type=ref,event=tag", "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}",
                    "type=pep440,pattern={{major}}",
                ], flavor: ["latest=false"]),
            version: MetadataVersion(main: "sometag", partial: [], latest: false),
            tags: ["ghcr.io/user/app:sometag"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sometag",
            ]),
        // meta.test.ts › tag › tag31
        MetaCase(
            "tag tag31", .tagV2_0_8Beta67, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=semver,pattern={{raw}}"]),
            version: MetadataVersion(main: "v2.0.8-beta.67", partial: [], latest: false),
            tags: ["org/app:v2.0.8-beta.67", "ghcr.io/user/app:v2.0.8-beta.67"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v2.0.8-beta.67",
            ]),
        // meta.test.ts › tag › tag32
        MetaCase(
            "tag tag32", .tagV1_2_3rc2,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=pep440,pattern={{raw}}", "type=pep440,pattern={{major}}.{{minor}}"]),
            version: MetadataVersion(main: "v1.2.3rc2", partial: ["1.2.3rc2"], latest: false),
            tags: ["org/app:v1.2.3rc2", "org/app:1.2.3rc2", "ghcr.io/user/app:v1.2.3rc2", "ghcr.io/user/app:1.2.3rc2"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=v1.2.3rc2",
            ]),
        // meta.test.ts › tag › tag33
        MetaCase(
            "tag tag33", .tagV1_1_1,
            MetadataInputs(
                images: [],
                tags: [
                    "type=pep440,pattern={{version}}", "type=pep440,pattern={{major}}.{{minor}}.{{patch}}", "type=pep440,pattern={{major}}.{{minor}}",
                    "type=pep440,pattern={{major}}",
                ]),
            version: MetadataVersion(main: "1.1.1", partial: ["1.1", "1"], latest: true),
            tags: ["1.1.1", "1.1", "1", "latest"],
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
        // meta.test.ts › tag › tag34
        MetaCase(
            "tag tag34", .tagP1V1_0_0, MetadataInputs(images: ["org/app"], tags: [#"type=semver,pattern={{version}},"match=v(\d.\d.\d)$""#]),
            version: MetadataVersion(main: "1.0.0", partial: [], latest: true),
            tags: ["org/app:1.0.0", "org/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.0.0",
            ]),
        // meta.test.ts › tag › push35
        MetaCase(
            "tag push35", .pushMaster,
            MetadataInputs(
                images: ["user/app"],
                tags: [
                    #"type=semver,pattern={{version}},value=p1/v1.2.3,"match=v(\d.\d.\d)$""#,
                    #"type=pep440,pattern={{version}},value=p1/v1.2.3,"match=v(\d.\d.\d)$""#, "type=edge",
                ]),
            version: MetadataVersion(main: "1.2.3", partial: ["edge"], latest: true),
            tags: ["user/app:1.2.3", "user/app:edge", "user/app:latest"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=1.2.3",
            ]),
    ]

    /// Tag pushes: non-semver tags, semver releases and prereleases, PEP 440 versions, match groups.
    @Test(arguments: tagCases)
    func tag(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
