import GaaraImageCore
import Testing

/// Scheduled runs: `type=schedule` (nightly and dated patterns, time zones) and release events.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaScheduleTests {
    /// meta.test.ts › schedule.
    static let scheduleCases: [MetaCase] = [
        // meta.test.ts › schedule › schedule01
        MetaCase(
            "schedule schedule01", .schedule, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: "nightly", partial: ["master"], latest: false),
            tags: ["user/app:nightly", "user/app:master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=nightly",
            ]),
        // meta.test.ts › schedule › schedule02
        MetaCase(
            "schedule schedule02", .schedule,
            MetadataInputs(
                images: ["user/app"],
                tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}", "type=schedule,pattern=source-date-{{commit_date 'YYYY-MM-DD'}}"]),
            version: MetadataVersion(main: "20200110", partial: ["source-date-2020-01-10"], latest: false),
            tags: ["user/app:20200110", "user/app:source-date-2020-01-10"],
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
        // meta.test.ts › schedule › schedule03
        MetaCase(
            "schedule schedule03", .schedule, MetadataInputs(images: ["user/app"], tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss'}}"]),
            version: MetadataVersion(main: "20200110-003000", partial: [], latest: false),
            tags: ["user/app:20200110-003000"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=20200110-003000",
            ]),
        // meta.test.ts › schedule › schedule04
        MetaCase(
            "schedule schedule04", .schedule, MetadataInputs(images: ["org/app", "ghcr.io/user/app"]),
            version: MetadataVersion(main: "nightly", partial: ["master"], latest: false),
            tags: ["org/app:nightly", "org/app:master", "ghcr.io/user/app:nightly", "ghcr.io/user/app:master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=nightly",
            ]),
        // meta.test.ts › schedule › schedule05
        MetaCase(
            "schedule schedule05", .schedule, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=schedule", "type=sha"]),
            version: MetadataVersion(main: "nightly", partial: ["sha-860c190"], latest: false),
            tags: ["org/app:nightly", "org/app:sha-860c190", "ghcr.io/user/app:nightly", "ghcr.io/user/app:sha-860c190"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=nightly",
            ]),
        // meta.test.ts › schedule › schedule06
        MetaCase(
            "schedule schedule06", .schedule,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: ["type=schedule", "type=sha,priority=2000", "type=raw,value=defbranch,enable={{is_default_branch}}"]),
            version: MetadataVersion(main: "sha-860c190", partial: ["nightly", "defbranch"], latest: false),
            tags: [
                "org/app:sha-860c190", "org/app:nightly", "org/app:defbranch", "ghcr.io/user/app:sha-860c190", "ghcr.io/user/app:nightly",
                "ghcr.io/user/app:defbranch",
            ],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-860c190",
            ]),
        // meta.test.ts › schedule › schedule07
        MetaCase(
            "schedule schedule07", .schedule,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=schedule"], flavor: ["prefix=glo-", "suffix=-bal"]),
            version: MetadataVersion(main: "glo-nightly-bal", partial: [], latest: false),
            tags: ["org/app:glo-nightly-bal", "ghcr.io/user/app:glo-nightly-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=glo-nightly-bal",
            ]),
        // meta.test.ts › schedule › schedule08
        MetaCase(
            "schedule schedule08", .schedule,
            MetadataInputs(
                images: ["user/app"],
                tags: [
                    "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
                    "type=schedule,pattern=src-{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
                ]),
            version: MetadataVersion(main: "20200110-093000", partial: ["src-20200110-093000"], latest: false),
            tags: ["user/app:20200110-093000", "user/app:src-20200110-093000"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=20200110-093000",
            ]),
    ]

    /// Scheduled runs: the default `nightly`, `{{date}}` and `{{commit_date}}` patterns, `Asia/Tokyo`.
    @Test(arguments: scheduleCases)
    func schedule(_ testCase: MetaCase) throws {
        try testCase.check()
    }

    /// meta.test.ts › release.
    static let releaseCases: [MetaCase] = [
        // meta.test.ts › release › release01
        MetaCase(
            "release release01", .releaseCreated, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: "v1.1.1", partial: [], latest: true),
            tags: ["user/app:v1.1.1", "user/app:latest"],
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
        // meta.test.ts › release › release02
        MetaCase(
            "release release02", .releaseCreated,
            MetadataInputs(
                images: ["user/app"],
                tags: ["type=ref,event=tag", "type=raw,value=baseref-{{base_ref}}", "type=raw,value=defbranch,enable={{is_default_branch}}"]),
            version: MetadataVersion(main: "v1.1.1", partial: ["baseref-"], latest: true),
            tags: ["user/app:v1.1.1", "user/app:baseref-", "user/app:latest"],
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
        // meta.test.ts › release › release03
        MetaCase(
            "release release03", .releaseCreated,
            MetadataInputs(
                images: ["user/app"], tags: ["type=raw,value=src-{{commit_date 'YYYYMMDD-HHmmss'}}", "type=raw,value={{date 'YYYYMMDD-HHmmss'}}"]),
            version: MetadataVersion(main: "src-20200110-003000", partial: ["20200110-003000"], latest: false),
            tags: ["user/app:src-20200110-003000", "user/app:20200110-003000"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=src-20200110-003000",
            ]),
    ]

    /// Release events: the release tag, `{{base_ref}}` without a base ref, dated raw tags.
    @Test(arguments: releaseCases)
    func release(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
