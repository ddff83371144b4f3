import GaaraImageCore
import Testing

/// Pull requests: `pr-N` tags, `pull_request_target` refs, `{{base_ref}}`, and `DOCKER_METADATA_PR_HEAD_SHA`.
/// Ported from docker/metadata-action's __tests__/meta.test.ts: each case keeps the upstream inputs and expected
/// version, tags, labels and annotations; the comment names the upstream `describe` block and case.
struct MetaPullRequestTests {
    /// meta.test.ts › pr.
    static let prCases: [MetaCase] = [
        // meta.test.ts › pr › pr01
        MetaCase(
            "pr pr01", .pullRequest, MetadataInputs(images: ["user/app"]),
            version: MetadataVersion(main: "pr-15", partial: [], latest: false),
            tags: ["user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr › pr02
        MetaCase(
            "pr pr02", .pullRequest, MetadataInputs(images: ["org/app", "ghcr.io/user/app"]),
            version: MetadataVersion(main: "pr-15", partial: [], latest: false),
            tags: ["org/app:pr-15", "ghcr.io/user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr › pr03
        MetaCase(
            "pr pr03", .pullRequest, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr", "type=sha"]),
            version: MetadataVersion(main: "pr-15", partial: ["sha-a9c8c58"], latest: false),
            tags: ["org/app:pr-15", "org/app:sha-a9c8c58", "ghcr.io/user/app:pr-15", "ghcr.io/user/app:sha-a9c8c58"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr › pr04
        MetaCase(
            "pr pr04", .pullRequest, MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=sha,priority=2000", "type=ref,event=pr"]),
            version: MetadataVersion(main: "sha-a9c8c58", partial: ["pr-15"], latest: false),
            tags: ["org/app:sha-a9c8c58", "org/app:pr-15", "ghcr.io/user/app:sha-a9c8c58", "ghcr.io/user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-a9c8c58",
            ]),
        // meta.test.ts › pr › pr05
        MetaCase(
            "pr pr05", .pullRequest,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr"], flavor: ["prefix=glo-", "suffix=-bal"]),
            version: MetadataVersion(main: "pr-15-bal", partial: [], latest: false),
            tags: ["org/app:pr-15-bal", "ghcr.io/user/app:pr-15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15-bal",
            ]),
        // meta.test.ts › pr › pr06
        MetaCase(
            "pr pr06", .pullRequest,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"]),
            version: MetadataVersion(main: "15-bal", partial: [], latest: false),
            tags: ["org/app:15-bal", "ghcr.io/user/app:15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=15-bal",
            ]),
        // meta.test.ts › pr › pr07
        MetaCase(
            "pr pr07", .pullRequestTarget,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=sha,priority=2000", "type=ref,event=pr"]),
            version: MetadataVersion(main: "sha-2665741", partial: ["pr-15"], latest: false),
            tags: ["org/app:sha-2665741", "org/app:pr-15", "ghcr.io/user/app:sha-2665741", "ghcr.io/user/app:pr-15"],
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
        // meta.test.ts › pr › pr08
        MetaCase(
            "pr pr08", .pullRequestTarget,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"]),
            version: MetadataVersion(main: "15-bal", partial: [], latest: false),
            tags: ["org/app:15-bal", "ghcr.io/user/app:15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=15-bal",
            ]),
        // meta.test.ts › pr › pr09
        MetaCase(
            "pr pr09", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app"], tags: ["type=ref,event=tag", "type=ref,event=pr", "type=ref,event=branch", "type=sha", "type=sha,format=long"]),
            version: MetadataVersion(main: "pr-15", partial: ["sha-2665741", "sha-266574110acf203503badf966df2ea24b5d732d7"], latest: false),
            tags: ["org/app:pr-15", "org/app:sha-2665741", "org/app:sha-266574110acf203503badf966df2ea24b5d732d7"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr › pr10
        MetaCase(
            "pr pr10", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app"], tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"]),
            version: MetadataVersion(main: "mytag-master", partial: [], latest: false),
            tags: ["org/app:mytag-master"],
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
        // meta.test.ts › pr › pr11
        MetaCase(
            "pr pr11", .pullRequest,
            MetadataInputs(
                images: ["org/app"], tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"]),
            version: MetadataVersion(main: "mytag-master", partial: [], latest: false),
            tags: ["org/app:mytag-master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=mytag-master",
            ]),
        // meta.test.ts › pr › pr12
        MetaCase(
            "pr pr12", .pullRequest, MetadataInputs(images: ["org/app"], tags: ["type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}"]),
            version: MetadataVersion(main: "2020-01-10T00-30-00Z", partial: [], latest: false),
            tags: ["org/app:2020-01-10T00-30-00Z"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=a9c8c5828b91be19d9728548b24759e352367ef1",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=2020-01-10T00-30-00Z",
            ]),
    ]

    /// pull_request and pull_request_target runs.
    @Test(arguments: prCases)
    func pr(_ testCase: MetaCase) throws {
        try testCase.check()
    }

    /// meta.test.ts › pr-head-sha.
    static let prHeadShaCases: [MetaCase] = [
        // meta.test.ts › pr-head-sha › pr01
        MetaCase(
            "pr-head-sha pr01", .pullRequest, MetadataInputs(images: ["user/app"], environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "pr-15", partial: [], latest: false),
            tags: ["user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr-head-sha › pr02
        MetaCase(
            "pr-head-sha pr02", .pullRequest,
            MetadataInputs(images: ["org/app", "ghcr.io/user/app"], environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "pr-15", partial: [], latest: false),
            tags: ["org/app:pr-15", "ghcr.io/user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr-head-sha › pr03
        MetaCase(
            "pr-head-sha pr03", .pullRequest,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr", "type=sha"], environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "pr-15", partial: ["sha-3370e22"], latest: false),
            tags: ["org/app:pr-15", "org/app:sha-3370e22", "ghcr.io/user/app:pr-15", "ghcr.io/user/app:sha-3370e22"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr-head-sha › pr04
        MetaCase(
            "pr-head-sha pr04", .pullRequest,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=sha,priority=2000", "type=ref,event=pr"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "sha-3370e22", partial: ["pr-15"], latest: false),
            tags: ["org/app:sha-3370e22", "org/app:pr-15", "ghcr.io/user/app:sha-3370e22", "ghcr.io/user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-3370e22",
            ]),
        // meta.test.ts › pr-head-sha › pr05
        MetaCase(
            "pr-head-sha pr05", .pullRequest,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr"], flavor: ["prefix=glo-", "suffix=-bal"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "pr-15-bal", partial: [], latest: false),
            tags: ["org/app:pr-15-bal", "ghcr.io/user/app:pr-15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15-bal",
            ]),
        // meta.test.ts › pr-head-sha › pr06
        MetaCase(
            "pr-head-sha pr06", .pullRequest,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "15-bal", partial: [], latest: false),
            tags: ["org/app:15-bal", "ghcr.io/user/app:15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=15-bal",
            ]),
        // meta.test.ts › pr-head-sha › pr07
        MetaCase(
            "pr-head-sha pr07", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=sha,priority=2000", "type=ref,event=pr"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "sha-3370e22", partial: ["pr-15"], latest: false),
            tags: ["org/app:sha-3370e22", "org/app:pr-15", "ghcr.io/user/app:sha-3370e22", "ghcr.io/user/app:pr-15"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=sha-3370e22",
            ]),
        // meta.test.ts › pr-head-sha › pr08
        MetaCase(
            "pr-head-sha pr08", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"], tags: ["type=ref,event=pr,prefix="], flavor: ["prefix=glo-", "suffix=-bal"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "15-bal", partial: [], latest: false),
            tags: ["org/app:15-bal", "ghcr.io/user/app:15-bal"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=15-bal",
            ]),
        // meta.test.ts › pr-head-sha › pr09
        MetaCase(
            "pr-head-sha pr09", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app"], tags: ["type=ref,event=tag", "type=ref,event=pr", "type=ref,event=branch", "type=sha", "type=sha,format=long"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "pr-15", partial: ["sha-3370e22", "sha-3370e228f2209994d57af4427fe64e71bb79ac96"], latest: false),
            tags: ["org/app:pr-15", "org/app:sha-3370e22", "org/app:sha-3370e228f2209994d57af4427fe64e71bb79ac96"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=pr-15",
            ]),
        // meta.test.ts › pr-head-sha › pr10
        MetaCase(
            "pr-head-sha pr10", .pullRequestTarget,
            MetadataInputs(
                images: ["org/app"], tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "mytag-master", partial: [], latest: false),
            tags: ["org/app:mytag-master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=mytag-master",
            ]),
        // meta.test.ts › pr-head-sha › pr11
        MetaCase(
            "pr-head-sha pr11", .pullRequest,
            MetadataInputs(
                images: ["org/app"], tags: ["type=raw,value=mytag-{{base_ref}}", "type=raw,mytag-defbranch,enable={{is_default_branch}}"],
                environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "mytag-master", partial: [], latest: false),
            tags: ["org/app:mytag-master"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=mytag-master",
            ]),
        // meta.test.ts › pr-head-sha › pr12
        MetaCase(
            "pr-head-sha pr12", .pullRequest,
            MetadataInputs(
                images: ["org/app"], tags: ["type=raw,value=src-{{commit_date YYYY-MM-DD}}"], environment: MetadataEnvironment(prHeadSHA: "true")),
            version: MetadataVersion(main: "src-2020-01-10T00-30-00Z", partial: [], latest: false),
            tags: ["org/app:src-2020-01-10T00-30-00Z"],
            labels: [
                "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                "org.opencontainers.image.description=This your first repo!",
                "org.opencontainers.image.licenses=MIT",
                "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.title=Hello-World",
                "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                "org.opencontainers.image.version=src-2020-01-10T00-30-00Z",
            ]),
    ]

    /// The same runs with `DOCKER_METADATA_PR_HEAD_SHA=true`: the head commit replaces the merge commit.
    @Test(arguments: prHeadShaCases)
    func prHeadSha(_ testCase: MetaCase) throws {
        try testCase.check()
    }
}
