import GaaraImageCore
import Testing

/// Branch pushes and runs without a ref: branch names, `type=edge`, `type=sha`, raw values with global expressions, priorities.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaPushTests {
    /// meta.test.ts › null.
    static let nullCases: [MetaCase] = [
        // meta.test.ts › null › null01
        MetaCase(
            "null null01", .nullEvent, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: nil, partial: [], latest: false),
            tags: [],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=",
            ]),
        // meta.test.ts › null › null02
        MetaCase(
            "null null02", .empty, MetadataInputs(images: ["user/app"], tags: ["type=sha", "type=raw,{{branch}}"]),
            version: MetadataVersion(main: nil, partial: [], latest: false),
            tags: [],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=",
            ]),
    ]

    /// A run without event data produces no tag, only the default labels.
    @Test(arguments: nullCases)
    func null(_ testCase: MetaCase) throws {
        try testCase.check()
    }

    /// meta.test.ts › push.
    static let pushCases: [MetaCase] = [
        // meta.test.ts › push › push01
        MetaCase(
            "push push01", .pushDev, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: "dev", partial: [], latest: false),
            tags: ["user/app:dev"],
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
        // meta.test.ts › push › push02
        MetaCase(
            "push push02", .pushMaster, MetadataInputs(images: ["user/app"], tags: ["type=edge"]),
            version: MetadataVersion(main: "edge", partial: [], latest: false),
            tags: ["user/app:edge"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push03
        MetaCase(
            "push push03", .pushMaster, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: "master", partial: [], latest: false),
            tags: ["user/app:master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=master",
            ]),
        // meta.test.ts › push › push04
        MetaCase(
            "push push04", .workflowDispatch, MetadataInputs(images: ["user/app"], tags: ["type=edge"]),
            version: MetadataVersion(main: "edge", partial: [], latest: false),
            tags: ["user/app:edge"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push05
        MetaCase(
            "push push05", .pushDev, MetadataInputs(images: ["org/app", "ghcr.io/user/app"]),
            version: MetadataVersion(main: "dev", partial: [], latest: false),
            tags: ["org/app:dev", "ghcr.io/user/app:dev"],
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
        // meta.test.ts › push › push06
        MetaCase(
            "push push06", .pushMaster, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=edge"]),
            version: MetadataVersion(main: "edge", partial: [], latest: false),
            tags: ["org/app:edge", "ghcr.io/user/app:edge"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push07
        MetaCase(
            "push push07", .pushDev, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=branch", "type=sha"]),
            version: MetadataVersion(main: "dev", partial: ["sha-860c190"], latest: false),
            tags: ["org/app:dev", "org/app:sha-860c190", "ghcr.io/user/app:dev", "ghcr.io/user/app:sha-860c190"],
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
        // meta.test.ts › push › push08
        MetaCase(
            "push push08", .pushMaster, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=edge", "type=sha"]),
            version: MetadataVersion(main: "edge", partial: ["sha-2665741"], latest: false),
            tags: ["org/app:edge", "org/app:sha-2665741", "ghcr.io/user/app:edge", "ghcr.io/user/app:sha-2665741"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push09
        MetaCase(
            "push push09", .pushDev, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=edge,branch=dev", "type=sha"]),
            version: MetadataVersion(main: "edge", partial: ["sha-860c190"], latest: false),
            tags: ["org/app:edge", "org/app:sha-860c190", "ghcr.io/user/app:edge", "ghcr.io/user/app:sha-860c190"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push10
        MetaCase(
            "push push10", .pushMaster, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=edge,branch=dev", "type=sha"]),
            version: MetadataVersion(main: "sha-2665741", partial: [], latest: false),
            tags: ["org/app:sha-2665741", "ghcr.io/user/app:sha-2665741"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-2665741",
            ]),
        // meta.test.ts › push › push11
        MetaCase(
            "push push11", .pushInvalidChars, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=edge", "type=sha"]),
            version: MetadataVersion(main: "sha-983315b", partial: [], latest: false),
            tags: ["org/app:sha-983315b", "ghcr.io/user/app:sha-983315b"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=983315b5e8d46e46fc4c49869e85e7ee5fb289ba",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-983315b",
            ]),
        // meta.test.ts › push › push12
        MetaCase(
            "push push12", .pushInvalidChars,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=semver,pattern={{version}}", "type=pep440,pattern={{version}}", "type=edge"]),
            version: MetadataVersion(main: nil, partial: [], latest: false),
            tags: [],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=983315b5e8d46e46fc4c49869e85e7ee5fb289ba",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=",
            ]),
        // meta.test.ts › push › push13
        MetaCase(
            "push push13", .pushMaster, MetadataInputs(images: ["user/app"], tags: ["type=ref,priority=2000,event=branch", "type=edge"]),
            version: MetadataVersion(main: "master", partial: ["edge"], latest: false),
            tags: ["user/app:master", "user/app:edge"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=master",
            ]),
        // meta.test.ts › push › push14
        MetaCase(
            "push push14", .pushMaster,
            MetadataInputs(
                images: ["user/app"],
                tags: ["type=semver,pattern={{version}},value=v1.2.3", "type=pep440,pattern={{version}},value=v1.2.3", "type=edge"]),
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
        // meta.test.ts › push › push15
        MetaCase(
            "push push15", .pushMaster, MetadataInputs(images: ["user/app"], tags: ["type=match,pattern=v(.*),group=1,value=v1.2.3", "type=edge"]),
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
        // meta.test.ts › push › push16
        MetaCase(
            "push push16", .pushMaster,
            MetadataInputs(images: ["user/app"], tags: ["type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3", "type=edge"]),
            version: MetadataVersion(main: "edge", partial: [], latest: false),
            tags: ["user/app:edge"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=edge",
            ]),
        // meta.test.ts › push › push17
        MetaCase(
            "push push17", .pushMaster,
            MetadataInputs(
                images: ["user/app"],
                tags: [
                    "type=raw,value=mytag-{{branch}}", "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
                    "type=raw,value=mytag-cd-{{commit_date 'YYYYMMDD'}}", "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
                    "type=raw,value=mytag-tag-{{tag}}", "type=raw,value=mytag-baseref-{{base_ref}}",
                    "type=raw,value=mytag-defbranch,enable={{is_default_branch}}",
                ]),
            version: MetadataVersion(
                main: "mytag-master",
                partial: ["mytag-20200110", "mytag-cd-20200110", "mytag-20200110-093000", "mytag-tag-", "mytag-baseref-", "mytag-defbranch"],
                latest: false),
            tags: [
                "user/app:mytag-master", "user/app:mytag-20200110", "user/app:mytag-cd-20200110", "user/app:mytag-20200110-093000",
                "user/app:mytag-tag-", "user/app:mytag-baseref-", "user/app:mytag-defbranch",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=mytag-master",
            ]),
        // meta.test.ts › push › push18
        MetaCase(
            "push push18", .pushDev,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=branch", "type=sha,format=long"]),
            version: MetadataVersion(main: "dev", partial: ["sha-860c1904a1ce19322e91ac35af1ab07466440c37"], latest: false),
            tags: [
                "org/app:dev", "org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37", "ghcr.io/user/app:dev",
                "ghcr.io/user/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37",
            ],
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
        // meta.test.ts › push › push19
        MetaCase(
            "push push19", .pushDev,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    "type=edge,branch=master", "type=ref,event=branch,enable=false", "type=sha,format=long",
                    "type=raw,value=defbranch,enable={{is_default_branch}}",
                ]),
            version: MetadataVersion(main: "sha-860c1904a1ce19322e91ac35af1ab07466440c37", partial: [], latest: false),
            tags: ["org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37", "ghcr.io/user/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-860c1904a1ce19322e91ac35af1ab07466440c37",
            ]),
        // meta.test.ts › push › push20
        MetaCase(
            "push push20", .pushDev,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app,enable=false"],
                tags: ["type=edge,branch=master", "type=ref,event=branch,enable=false", "type=sha,format=long"]),
            version: MetadataVersion(main: "sha-860c1904a1ce19322e91ac35af1ab07466440c37", partial: [], latest: false),
            tags: ["org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-860c1904a1ce19322e91ac35af1ab07466440c37",
            ]),
        // meta.test.ts › push › push21
        MetaCase(
            "push push21", .pushMaster,
            MetadataInputs(
                images: [],
                tags: [
                    "type=raw,value=mytag-{{branch}}", "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
                    "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", "type=raw,value=mytag-src-{{commit_date 'YYYYMMDD'}}",
                    "type=raw,value=mytag-tag-{{tag}}", "type=raw,value=mytag-baseref-{{base_ref}}",
                    "type=raw,value=mytag-defbranch,enable={{is_default_branch}}",
                ], labels: ["org.opencontainers.image.created={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}"]),
            version: MetadataVersion(
                main: "mytag-master",
                partial: ["mytag-20200110", "mytag-20200110-093000", "mytag-src-20200110", "mytag-tag-", "mytag-baseref-", "mytag-defbranch"],
                latest: false),
            tags: [
                "mytag-master", "mytag-20200110", "mytag-20200110-093000", "mytag-src-20200110", "mytag-tag-", "mytag-baseref-", "mytag-defbranch",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=mytag-master",
            ]),
        // meta.test.ts › push › push22
        MetaCase(
            "push push22", .pushDev,
            MetadataInputs(
                images: ["org/app"],
                tags: ["type=edge,branch=master", "type=sha,format=long", "type=raw,value=notdefbranch,enable={{is_not_default_branch}}"]),
            version: MetadataVersion(main: "notdefbranch", partial: ["sha-860c1904a1ce19322e91ac35af1ab07466440c37"], latest: false),
            tags: ["org/app:notdefbranch", "org/app:sha-860c1904a1ce19322e91ac35af1ab07466440c37"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=notdefbranch",
            ]),
    ]

    /// Pushes to the default branch and to other branches, and workflow_dispatch runs.
    @Test(arguments: pushCases)
    func push(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
