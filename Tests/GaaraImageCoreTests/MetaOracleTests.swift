import Foundation
import GaaraImageCore
import Testing

/// Cases beyond the action's test-suite, for the corners of the port: semver build metadata and prereleases,
/// PEP 440 epochs, post and local versions, `type=match` flags and groups, priorities that are not numbers,
/// Handlebars escaping, white-space control and missing names, moment's format tokens and time zones, label
/// ordering and the JSON object, `DOCKER_METADATA_*` variables, flavors, images and sanitizing.
/// The expectations were obtained by running the action's own src/meta.ts (transpiled, with handlebars 4.7.7,
/// semver 7.3.5, moment 2.29.4, moment-timezone 0.5.40, csv-parse 7 and @renovate/pep440) on the same inputs:
/// `failure` marks inputs on which the action's step fails.
struct MetaOracleTests {
    /// An input set and what the action computed for it.
    struct OracleCase: Sendable, CustomTestStringConvertible {
        enum Expected: Sendable {
            case output(
                version: MetadataVersion, tags: [String], tagNames: [String], labels: [String], annotations: [String], json: String,
                warnings: [String])
            case failure(String)
        }

        let name: String
        let context: MetadataContext
        let inputs: MetadataInputs
        let expected: Expected
        var testDescription: String { name }
    }

    /// A fixture's context at other instants, or with another payload.
    static func context(_ fixture: EventFixture, now: String? = nil, commitDate: String? = nil, payload: MetadataEventPayload? = nil)
        -> MetadataContext
    {
        var context = fixture.context
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let now, let date = format.date(from: now) { context.now = date }
        if let commitDate, let date = format.date(from: commitDate) { context.commitDate = date }
        if let payload { context.payload = payload }
        return context
    }

    static let cases: [OracleCase] = [
        OracleCase(
            name: "semver v-prefixed major", context: context(.tagV1_1_1),
            inputs: MetadataInputs(
                images: ["user/app"], tags: ["type=semver,pattern=v{{major}}", "type=semver,pattern={{major}}.{{minor}}.{{patch}}-{{prerelease}}"]),
            expected: .output(
                version: MetadataVersion(main: "v1", partial: ["1.1.1-"], latest: true),
                tags: ["user/app:v1", "user/app:1.1.1-", "user/app:latest"], tagNames: ["v1", "1.1.1-", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1",
                ],
                json:
                    #"{"tags":["user/app:v1","user/app:1.1.1-","user/app:latest"],"tag-names":["v1","1.1.1-","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"v1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=v1"]}"#,
                warnings: [])),
        OracleCase(
            name: "semver build metadata", context: context(.pushMaster),
            inputs: MetadataInputs(tags: [
                "type=semver,pattern={{version}},value=v1.2.3+build.5", "type=semver,pattern={{raw}},value=v1.2.3+build.5",
                "type=semver,pattern=b{{build}},value=v1.2.3+build.5",
            ]),
            expected: .output(
                version: MetadataVersion(main: "1.2.3", partial: ["v1.2.3-build.5", "bbuild-5"], latest: true),
                tags: ["1.2.3", "v1.2.3-build.5", "bbuild-5", "latest"], tagNames: ["1.2.3", "v1.2.3-build.5", "bbuild-5", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.2.3",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.2.3",
                ],
                json:
                    #"{"tags":["1.2.3","v1.2.3-build.5","bbuild-5","latest"],"tag-names":["1.2.3","v1.2.3-build.5","bbuild-5","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1.2.3"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1.2.3"]}"#,
                warnings: [])),
        OracleCase(
            name: "semver prerelease keeps raw pattern with prefix", context: context(.tagV2_0_8Beta67),
            inputs: MetadataInputs(tags: ["type=semver,pattern={{raw}},prefix=pre-,suffix=-x", "type=semver,pattern={{major}}"]),
            expected: .output(
                version: MetadataVersion(main: "pre-v2.0.8-beta.67-x", partial: ["2.0.8-beta.67"], latest: false),
                tags: ["pre-v2.0.8-beta.67-x", "2.0.8-beta.67"], tagNames: ["pre-v2.0.8-beta.67-x", "2.0.8-beta.67"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pre-v2.0.8-beta.67-x",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pre-v2.0.8-beta.67-x",
                ],
                json:
                    #"{"tags":["pre-v2.0.8-beta.67-x","2.0.8-beta.67"],"tag-names":["pre-v2.0.8-beta.67-x","2.0.8-beta.67"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"pre-v2.0.8-beta.67-x"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=pre-v2.0.8-beta.67-x"]}"#,
                warnings: [])),
        OracleCase(
            name: "semver prerelease create event", context: context(.createTag),
            inputs: MetadataInputs(
                images: ["user/app"], tags: ["type=semver,pattern={{version}}", "type=raw,value=default,enable={{is_default_branch}}"]),
            expected: .output(
                version: MetadataVersion(main: "2.1.8-beta.67", partial: ["default"], latest: false),
                tags: ["user/app:2.1.8-beta.67", "user/app:default"], tagNames: ["2.1.8-beta.67", "default"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=2.1.8-beta.67",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=2.1.8-beta.67",
                ],
                json:
                    #"{"tags":["user/app:2.1.8-beta.67","user/app:default"],"tag-names":["2.1.8-beta.67","default"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"2.1.8-beta.67"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=2.1.8-beta.67"]}"#,
                warnings: [])),
        OracleCase(
            name: "semver invalid value warns", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=semver,pattern={{version}},value=1.2", "type=semver,pattern={{version}},value=01.2.3"]),
            expected: .output(
                version: MetadataVersion(main: nil, partial: [], latest: false),
                tags: [], tagNames: [],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=",
                ],
                json:
                    #"{"tags":[],"tag-names":[],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":""},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version="]}"#,
                warnings: [
                    "1.2 is not a valid semver. More info: https://semver.org/", "01.2.3 is not a valid semver. More info: https://semver.org/",
                    "No Docker image version has been generated. Check tags input.", "No Docker tag has been generated. Check tags input.",
                ])),
        OracleCase(
            name: "semver match without group fails", context: context(.tagV1_1_1),
            inputs: MetadataInputs(tags: [#"type=semver,pattern={{version}},match=\d.\d.\d"#]),
            expected: .failure("Cannot read properties of undefined (reading 'replace')")),
        OracleCase(
            name: "semver match not matching warns", context: context(.tagV1_1_1),
            inputs: MetadataInputs(tags: ["type=semver,pattern={{version}},match=^x(.*)"]),
            expected: .output(
                version: MetadataVersion(main: "1.1.1", partial: [], latest: true),
                tags: ["1.1.1", "latest"], tagNames: ["1.1.1", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.1.1",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.1.1",
                ],
                json:
                    #"{"tags":["1.1.1","latest"],"tag-names":["1.1.1","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1.1.1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1.1.1"]}"#,
                warnings: ["^x(.*) does not match v1.1.1."])),
        OracleCase(
            name: "pep440 epoch post and local", context: context(.pushMaster),
            inputs: MetadataInputs(tags: [
                "type=pep440,pattern={{version}},value=v1!2.0.post3", "type=pep440,pattern={{version}},value=1.0+abc.1",
                "type=pep440,pattern={{version}},value=1.0-1", "type=pep440,pattern={{version}},value=V1.2.3RC2",
                "type=pep440,pattern={{version}},value=1.0.0a",
            ]),
            expected: .output(
                version: MetadataVersion(main: "1-2.0.post3", partial: ["1.0-abc-1", "1.0.post1", "1.2.3rc2", "1.0.0a0"], latest: false),
                tags: ["1-2.0.post3", "1.0-abc-1", "1.0.post1", "1.2.3rc2", "1.0.0a0"],
                tagNames: ["1-2.0.post3", "1.0-abc-1", "1.0.post1", "1.2.3rc2", "1.0.0a0"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1-2.0.post3",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1-2.0.post3",
                ],
                json:
                    #"{"tags":["1-2.0.post3","1.0-abc-1","1.0.post1","1.2.3rc2","1.0.0a0"],"tag-names":["1-2.0.post3","1.0-abc-1","1.0.post1","1.2.3rc2","1.0.0a0"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1-2.0.post3"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1-2.0.post3"]}"#,
                warnings: [])),
        OracleCase(
            name: "pep440 four release numbers", context: context(.pushMaster),
            inputs: MetadataInputs(tags: [
                "type=pep440,pattern={{major}}.{{minor}}.{{patch}},value=1.2.3.4", "type=pep440,pattern={{major}}.{{minor}}.{{patch}},value=7",
                "type=pep440,pattern={{raw}}-{{version}},value=v007.01",
            ]),
            expected: .output(
                version: MetadataVersion(main: "1.2.3", partial: ["7.0.0", "v007.01-7.1"], latest: true),
                tags: ["1.2.3", "7.0.0", "v007.01-7.1", "latest"], tagNames: ["1.2.3", "7.0.0", "v007.01-7.1", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.2.3",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1.2.3",
                ],
                json:
                    #"{"tags":["1.2.3","7.0.0","v007.01-7.1","latest"],"tag-names":["1.2.3","7.0.0","v007.01-7.1","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1.2.3"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1.2.3"]}"#,
                warnings: [])),
        OracleCase(
            name: "pep440 invalid warns", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=pep440,pattern={{version}},value=1.0-beta-x", "type=raw,fallback"]),
            expected: .output(
                version: MetadataVersion(main: "fallback", partial: [], latest: false),
                tags: ["fallback"], tagNames: ["fallback"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=fallback",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=fallback",
                ],
                json:
                    #"{"tags":["fallback"],"tag-names":["fallback"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"fallback"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=fallback"]}"#,
                warnings: ["1.0-beta-x does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440"])),
        OracleCase(
            name: "match groups and flags", context: context(.tagV1_1_1),
            inputs: MetadataInputs(tags: [
                #"type=match,"pattern=/V(\d+)/i",group=1"#, #"type=match,pattern=v(\d+)\.(\d+),group=2"#, "type=match,pattern=nomatch",
                #"type=match,pattern=v(\d),group=5"#, #"type=match,pattern=v(\d),group=01"#,
            ]),
            expected: .output(
                version: MetadataVersion(main: "1", partial: [], latest: true),
                tags: ["1", "latest"], tagNames: ["1", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1",
                ],
                json:
                    #"{"tags":["1","latest"],"tag-names":["1","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1"]}"#,
                warnings: [
                    "nomatch does not match v1.1.1.", #"Group 5 does not exist for v(\d) pattern."#, #"Group 01 does not exist for v(\d) pattern."#,
                ])),
        OracleCase(
            name: "match global flag", context: context(.tagV1_1_1),
            inputs: MetadataInputs(tags: [#"type=match,"pattern=/\d/g",group=2"#]),
            expected: .output(
                version: MetadataVersion(main: "1", partial: [], latest: true),
                tags: ["1", "latest"], tagNames: ["1", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=1",
                ],
                json:
                    #"{"tags":["1","latest"],"tag-names":["1","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1"]}"#,
                warnings: [])),
        OracleCase(
            name: "match value on a branch push", context: context(.pushDev),
            inputs: MetadataInputs(tags: [#"type=match,pattern=\d+,value=build-{{sha}}-42"#]),
            expected: .output(
                version: MetadataVersion(main: "860", partial: [], latest: true),
                tags: ["860", "latest"], tagNames: ["860", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=860",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=860",
                ],
                json:
                    #"{"tags":["860","latest"],"tag-names":["860","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"860"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=860"]}"#,
                warnings: [])),
        OracleCase(
            name: "priority not a number", context: context(.pushDev),
            inputs: MetadataInputs(tags: [
                "type=raw,foo,priority=abc", "type=raw,bar", "type=sha,priority=xyz", "type=ref,event=branch", "type=raw,baz,priority=900",
            ]),
            expected: .output(
                version: MetadataVersion(main: "foo", partial: ["bar", "sha-860c190", "baz", "dev"], latest: false),
                tags: ["foo", "bar", "sha-860c190", "baz", "dev"], tagNames: ["foo", "bar", "sha-860c190", "baz", "dev"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=foo",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=foo",
                ],
                json:
                    #"{"tags":["foo","bar","sha-860c190","baz","dev"],"tag-names":["foo","bar","sha-860c190","baz","dev"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"foo"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=foo"]}"#,
                warnings: [])),
        OracleCase(
            name: "priority hex and exponent", context: context(.pushDev),
            inputs: MetadataInputs(tags: ["type=raw,low,priority=0x10", "type=raw,high,priority=1e3", "type=raw,mid,priority= 500 "]),
            expected: .output(
                version: MetadataVersion(main: "high", partial: ["mid", "low"], latest: false),
                tags: ["high", "mid", "low"], tagNames: ["high", "mid", "low"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=high",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=high",
                ],
                json:
                    #"{"tags":["high","mid","low"],"tag-names":["high","mid","low"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"high"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=high"]}"#,
                warnings: [])),
        OracleCase(
            name: "handlebars escaping and triple stash", context: context(.pushMaster),
            inputs: MetadataInputs(
                tags: ["type=raw,value={{date 'YYYY=MM'}}"],
                labels: [
                    #"org.example.escaped={{date "YYYY'MM"}}"#, #"org.example.raw={{{date "YYYY'MM"}}}"#, #"org.example.amp={{&date "YYYY=MM"}}"#,
                ]),
            expected: .output(
                version: MetadataVersion(main: "2020-x3D-01", partial: [], latest: false),
                tags: ["2020-x3D-01"], tagNames: ["2020-x3D-01"],
                labels: [
                    "org.example.amp=2020=01",
                    "org.example.escaped=2020&#x27;01",
                    "org.example.raw=2020'01",
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=2020-x3D-01",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=2020-x3D-01",
                ],
                json:
                    #"{"tags":["2020-x3D-01"],"tag-names":["2020-x3D-01"],"labels":{"org.example.amp":"2020=01","org.example.escaped":"2020&#x27;01","org.example.raw":"2020'01","org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"2020-x3D-01"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=2020-x3D-01"]}"#,
                warnings: [])),
        OracleCase(
            name: "handlebars whitespace control and comments", context: context(.pushMaster),
            inputs: MetadataInputs(
                tags: ["type=raw,value=x  {{~branch~}}  y", "type=raw,value={{! a comment }}nightly", "type=raw,value=a{{!-- b --}}c"],
                labels: ["org.example.label=  {{~tag}}-"]),
            expected: .output(
                version: MetadataVersion(main: "xmastery", partial: ["nightly", "ac"], latest: false),
                tags: ["xmastery", "nightly", "ac"], tagNames: ["xmastery", "nightly", "ac"],
                labels: [
                    "org.example.label=-",
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=xmastery",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=xmastery",
                ],
                json:
                    #"{"tags":["xmastery","nightly","ac"],"tag-names":["xmastery","nightly","ac"],"labels":{"org.example.label":"-","org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"xmastery"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=xmastery"]}"#,
                warnings: [])),
        OracleCase(
            name: "handlebars missing names print nothing", context: context(.pushMaster),
            inputs: MetadataInputs(tags: [
                "type=raw,value=x{{nothing}}y", "type=raw,value=x{{nothing tz=1}}y", "type=raw,value={{this.branch}}-{{./tag}}",
            ]),
            expected: .output(
                version: MetadataVersion(main: "xy", partial: ["master-"], latest: false),
                tags: ["xy", "master-"], tagNames: ["xy", "master-"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=xy",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=xy",
                ],
                json:
                    #"{"tags":["xy","master-"],"tag-names":["xy","master-"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"xy"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=xy"]}"#,
                warnings: [])),
        OracleCase(
            name: "handlebars unknown helper fails", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=raw,value={{nothing 'a'}}"]),
            expected: .failure(#"Missing helper: "nothing""#)),
        OracleCase(
            name: "date without format fails", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=raw,value={{date}}"]),
            expected: .failure("Cannot read properties of undefined (reading 'hash')")),
        OracleCase(
            name: "date unknown attribute fails", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=raw,value={{date 'YYYY' zone='UTC'}}"]),
            expected: .failure("Unknown zone attribute")),
        OracleCase(
            name: "enable must render true or false", context: context(.pushMaster),
            inputs: MetadataInputs(tags: ["type=raw,value=x,enable={{sha}}"]),
            expected: .failure("Invalid value for enable attribute: 2665741")),
        OracleCase(
            name: "schedule pattern sees only dates", context: context(.schedule),
            inputs: MetadataInputs(tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}-{{branch}}"]),
            expected: .output(
                version: MetadataVersion(main: "20200110-", partial: [], latest: false),
                tags: ["20200110-"], tagNames: ["20200110-"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=20200110-",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=20200110-",
                ],
                json:
                    #"{"tags":["20200110-"],"tag-names":["20200110-"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"20200110-"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=20200110-"]}"#,
                warnings: [])),
        OracleCase(
            name: "is_default_branch per event", context: context(.createTag),
            inputs: MetadataInputs(tags: [
                "type=raw,value=default,enable={{is_default_branch}}", "type=raw,value=notdefault,enable={{is_not_default_branch}}",
            ]),
            expected: .output(
                version: MetadataVersion(main: "default", partial: [], latest: false),
                tags: ["default"], tagNames: ["default"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=default",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=default",
                ],
                json:
                    #"{"tags":["default"],"tag-names":["default"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"default"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=default"]}"#,
                warnings: [])),
        OracleCase(
            name: "is_default_branch on a discussion", context: context(.discussionCreated),
            inputs: MetadataInputs(tags: ["type=raw,value=default,enable={{is_default_branch}}", "type=edge", "type=ref,event=branch"]),
            expected: .output(
                version: MetadataVersion(main: "edge", partial: ["master", "default"], latest: false),
                tags: ["edge", "master", "default"], tagNames: ["edge", "master", "default"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=edge",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=edge",
                ],
                json:
                    #"{"tags":["edge","master","default"],"tag-names":["edge","master","default"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"edge"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=edge"]}"#,
                warnings: [])),
        OracleCase(
            name: "is_default_branch on an issue", context: context(.issueOpened),
            inputs: MetadataInputs(tags: ["type=raw,value=default,enable={{is_default_branch}}"]),
            expected: .output(
                version: MetadataVersion(main: "default", partial: [], latest: false),
                tags: ["default"], tagNames: ["default"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=default",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=default",
                ],
                json:
                    #"{"tags":["default"],"tag-names":["default"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"default"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=default"]}"#,
                warnings: [])),
        OracleCase(
            name: "workflow_dispatch on a branch", context: context(.workflowDispatchDev),
            inputs: MetadataInputs(tags: ["type=edge", "type=ref,event=branch", "type=raw,value=default,enable={{is_default_branch}}"]),
            expected: .output(
                version: MetadataVersion(main: "dev", partial: [], latest: false),
                tags: ["dev"], tagNames: ["dev"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                json:
                    #"{"tags":["dev"],"tag-names":["dev"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#,
                warnings: [])),
        OracleCase(
            name: "create branch event", context: context(.createBranch),
            inputs: MetadataInputs(tags: ["type=edge,branch=dev", "type=raw,{{branch}}-{{sha}}"]),
            expected: .output(
                version: MetadataVersion(main: "edge", partial: ["dev-5f3331d"], latest: false),
                tags: ["edge", "dev-5f3331d"], tagNames: ["edge", "dev-5f3331d"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=5f3331d7f7044c18ca9f12c77d961c4d7cf3276a",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=edge",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=5f3331d7f7044c18ca9f12c77d961c4d7cf3276a",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=edge",
                ],
                json:
                    #"{"tags":["edge","dev-5f3331d"],"tag-names":["edge","dev-5f3331d"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"5f3331d7f7044c18ca9f12c77d961c4d7cf3276a","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"edge"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=5f3331d7f7044c18ca9f12c77d961c4d7cf3276a","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=edge"]}"#,
                warnings: [])),
        OracleCase(
            name: "moment tokens", context: context(.pushMaster, now: "2021-03-07T23:04:05.678Z", commitDate: "2019-12-30T12:00:00.009Z"),
            inputs: MetadataInputs(labels: [
                "a.long={{date 'dddd, MMMM Do YYYY, h:mm:ss a'}}", "b.localized={{date 'LLLL' tz='America/New_York'}} {{date 'l LT LTS'}}",
                "c.weeks={{commit_date 'w ww wo W WW Wo gggg GGGG gg GG'}}",
                "d.misc={{date 'Q Qo DDD DDDD DDDo E e d do dd ddd k kk hmm Hmmss S SS SSS SSSS X x'}}",
                "e.offsets={{date 'Z ZZ' tz='Asia/Kolkata'}} {{date 'Z' tz='America/St_Johns'}}",
                #"f.escapes={{date '[Today is] dddd \\Y YYYY [it]s'}}"#, "g.default={{date ''}} {{date '' tz='Asia/Tokyo'}} {{date false}}",
                "h.era={{date 'N NNNN y yo YY Y M Mo MMM'}}", "i.lowercase={{date 'a A' tz='Asia/Tokyo'}} {{date 'lll llll ll'}}",
            ]),
            expected: .output(
                version: MetadataVersion(main: "master", partial: [], latest: false),
                tags: ["master"], tagNames: ["master"],
                labels: [
                    "a.long=Sunday, March 7th 2021, 11:04:05 pm",
                    "b.localized=Sunday, March 7, 2021 6:04 PM 3/7/2021 11:04 PM 11:04:05 PM",
                    "c.weeks=1 01 1st 1 01 1st 2020 2020 20 20",
                    "d.misc=1 1st 66 066 66th 7 0 0 0th Su Sun 23 23 1104 230405 6 67 678 6780 1615158245 1615158245678",
                    "e.offsets=+05:30 +0530 -03:30",
                    "f.escapes=Today is Sunday 2021 2021 it5",
                    "g.default=2021-03-07T23:04:05Z 2021-03-08T08:04:05+09:00 2021-03-07T23:04:05Z",
                    "h.era=AD Anno Domini 2021 2021st 21 2021 3 3rd Mar",
                    "i.lowercase=am AM Mar 7, 2021 11:04 PM Sun, Mar 7, 2021 11:04 PM Mar 7, 2021",
                    "org.opencontainers.image.created=2021-03-07T23:04:05.678Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=master",
                ],
                annotations: [
                    "org.opencontainers.image.created=2021-03-07T23:04:05.678Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=master",
                ],
                json:
                    #"{"tags":["master"],"tag-names":["master"],"labels":{"a.long":"Sunday, March 7th 2021, 11:04:05 pm","b.localized":"Sunday, March 7, 2021 6:04 PM 3/7/2021 11:04 PM 11:04:05 PM","c.weeks":"1 01 1st 1 01 1st 2020 2020 20 20","d.misc":"1 1st 66 066 66th 7 0 0 0th Su Sun 23 23 1104 230405 6 67 678 6780 1615158245 1615158245678","e.offsets":"+05:30 +0530 -03:30","f.escapes":"Today is Sunday 2021 2021 it5","g.default":"2021-03-07T23:04:05Z 2021-03-08T08:04:05+09:00 2021-03-07T23:04:05Z","h.era":"AD Anno Domini 2021 2021st 21 2021 3 3rd Mar","i.lowercase":"am AM Mar 7, 2021 11:04 PM Sun, Mar 7, 2021 11:04 PM Mar 7, 2021","org.opencontainers.image.created":"2021-03-07T23:04:05.678Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"master"},"annotations":["manifest:org.opencontainers.image.created=2021-03-07T23:04:05.678Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=master"]}"#,
                warnings: [])),
        OracleCase(
            name: "moment week years and zones", context: context(.pushMaster, now: "2021-01-03T05:06:07.000Z"),
            inputs: MetadataInputs(labels: [
                "w={{date 'W GGGG GG w gggg YYYYYY YYYYY Y ggg GGG'}}",
                "z={{date 'HH:mm' tz='asia/tokyo'}} {{date 'YYYY-MM-DD HH:mm Z' tz='Pacific/Kiritimati'}} {{date 'HH:mm Z' tz='America/Los_Angeles'}}",
            ]),
            expected: .output(
                version: MetadataVersion(main: "master", partial: [], latest: false),
                tags: ["master"], tagNames: ["master"],
                labels: [
                    "org.opencontainers.image.created=2021-01-03T05:06:07.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=master",
                    "w=53 2020 20 2 2021 +002021 02021 2021 21g 20G",
                    "z=14:06 2021-01-03 19:06 +14:00 21:06 -08:00",
                ],
                annotations: [
                    "org.opencontainers.image.created=2021-01-03T05:06:07.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=master",
                ],
                json:
                    #"{"tags":["master"],"tag-names":["master"],"labels":{"org.opencontainers.image.created":"2021-01-03T05:06:07.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"master","w":"53 2020 20 2 2021 +002021 02021 2021 21g 20G","z":"14:06 2021-01-03 19:06 +14:00 21:06 -08:00"},"annotations":["manifest:org.opencontainers.image.created=2021-01-03T05:06:07.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=master"]}"#,
                warnings: [])),
        OracleCase(
            name: "label keys ordering and JSON object", context: context(.pushDev),
            inputs: MetadataInputs(
                images: ["user/app"],
                labels: [
                    "com.example.b=1", "com.example.B=2", "com-example=3", "com_example=4", "123=5", "9=6", "Maintainer=me", "maintainer=you",
                    "__proto__=x", "org.opencontainers.image.url=", "novalue",
                ], annotations: ["org.example.base={{base_ref}}", "org.example.title={{branch}}"]),
            expected: .output(
                version: MetadataVersion(main: "dev", partial: [], latest: false),
                tags: ["user/app:dev"], tagNames: ["dev"],
                labels: [
                    "__proto__=x",
                    "123=5",
                    "9=6",
                    "com_example=4",
                    "com-example=3",
                    "com.example.b=1",
                    "com.example.B=2",
                    "maintainer=you",
                    "Maintainer=me",
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=",
                    "org.opencontainers.image.version=dev",
                ],
                annotations: [
                    "org.example.base=",
                    "org.example.title=dev",
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                json:
                    #"{"tags":["user/app:dev"],"tag-names":["dev"],"labels":{"9":"6","123":"5","com_example":"4","com-example":"3","com.example.b":"1","com.example.B":"2","maintainer":"you","Maintainer":"me","org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.example.base=","manifest:org.example.title=dev","manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#,
                warnings: [])),
        OracleCase(
            name: "annotations levels and base_ref on tag", context: context(.tagV1_1_1),
            inputs: MetadataInputs(
                annotations: ["org.example.base={{base_ref}}"], environment: MetadataEnvironment(annotationsLevels: "manifest,index")),
            expected: .output(
                version: MetadataVersion(main: "v1.1.1", partial: [], latest: true),
                tags: ["v1.1.1", "latest"], tagNames: ["v1.1.1", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1.1.1",
                ],
                annotations: [
                    "org.example.base=master",
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1.1.1",
                ],
                json:
                    #"{"tags":["v1.1.1","latest"],"tag-names":["v1.1.1","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"v1.1.1"},"annotations":["manifest:org.example.base=master","manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=v1.1.1","index:org.example.base=master","index:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","index:org.opencontainers.image.description=This your first repo!","index:org.opencontainers.image.licenses=MIT","index:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","index:org.opencontainers.image.source=https://github.com/octocat/Hello-World","index:org.opencontainers.image.title=Hello-World","index:org.opencontainers.image.url=https://github.com/octocat/Hello-World","index:org.opencontainers.image.version=v1.1.1"]}"#,
                warnings: [])),
        OracleCase(
            name: "short sha length", context: context(.pushDev),
            inputs: MetadataInputs(tags: ["type=sha", "type=raw,value=x-{{sha}}"], environment: MetadataEnvironment(shortSHALength: "12")),
            expected: .output(
                version: MetadataVersion(main: "x-860c1904a1ce", partial: ["sha-860c1904a1ce"], latest: false),
                tags: ["x-860c1904a1ce", "sha-860c1904a1ce"], tagNames: ["x-860c1904a1ce", "sha-860c1904a1ce"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=x-860c1904a1ce",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=x-860c1904a1ce",
                ],
                json:
                    #"{"tags":["x-860c1904a1ce","sha-860c1904a1ce"],"tag-names":["x-860c1904a1ce","sha-860c1904a1ce"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"x-860c1904a1ce"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=x-860c1904a1ce"]}"#,
                warnings: [])),
        OracleCase(
            name: "short sha length not a number", context: context(.pushDev),
            inputs: MetadataInputs(tags: ["type=sha"], environment: MetadataEnvironment(shortSHALength: "twelve")),
            expected: .failure("DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: twelve")),
        OracleCase(
            name: "flavor prefix rendered and onlatest", context: context(.tagV1_1_1),
            inputs: MetadataInputs(
                images: ["user/app"], tags: ["type=semver,pattern={{version}}", "type=sha,prefix="],
                flavor: ["prefix={{tag}}-,onlatest=true", "suffix=-alpine"]),
            expected: .output(
                version: MetadataVersion(main: "v1.1.1-1.1.1-alpine", partial: ["860c190-alpine"], latest: true),
                tags: ["user/app:v1.1.1-1.1.1-alpine", "user/app:860c190-alpine", "user/app:-tag--latest"],
                tagNames: ["v1.1.1-1.1.1-alpine", "860c190-alpine", "-tag--latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1.1.1-1.1.1-alpine",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v1.1.1-1.1.1-alpine",
                ],
                json:
                    #"{"tags":["user/app:v1.1.1-1.1.1-alpine","user/app:860c190-alpine","user/app:-tag--latest"],"tag-names":["v1.1.1-1.1.1-alpine","860c190-alpine","-tag--latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"v1.1.1-1.1.1-alpine"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=v1.1.1-1.1.1-alpine"]}"#,
                warnings: [])),
        OracleCase(
            name: "flavor latest true on a branch", context: context(.pushDev),
            inputs: MetadataInputs(images: ["user/app"], flavor: ["latest=true", "suffix=-slim,onlatest=true"]),
            expected: .output(
                version: MetadataVersion(main: "dev-slim", partial: [], latest: true),
                tags: ["user/app:dev-slim", "user/app:latest-slim"], tagNames: ["dev-slim", "latest-slim"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev-slim",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev-slim",
                ],
                json:
                    #"{"tags":["user/app:dev-slim","user/app:latest-slim"],"tag-names":["dev-slim","latest-slim"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev-slim"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev-slim"]}"#,
                warnings: [])),
        OracleCase(
            name: "images old format and disabled images", context: context(.pushDev),
            inputs: MetadataInputs(images: ["user/app,ghcr.io/User/App"]),
            expected: .output(
                version: MetadataVersion(main: "dev", partial: [], latest: false),
                tags: ["user/app:dev", "ghcr.io/user/app:dev"], tagNames: ["dev"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                json:
                    #"{"tags":["user/app:dev","ghcr.io/user/app:dev"],"tag-names":["dev"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#,
                warnings: [])),
        OracleCase(
            name: "all images disabled", context: context(.pushDev),
            inputs: MetadataInputs(images: ["name=user/app,enable=false"]),
            expected: .output(
                version: MetadataVersion(main: "dev", partial: [], latest: false),
                tags: ["dev"], tagNames: ["dev"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=dev",
                ],
                json:
                    #"{"tags":["dev"],"tag-names":["dev"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#,
                warnings: [])),
        OracleCase(
            name: "sanitized tags", context: context(.pushInvalidChars),
            inputs: MetadataInputs(tags: ["type=ref,event=branch", "type=raw,value=a b&c//d", "type=raw,value=ünïcode"]),
            expected: .output(
                version: MetadataVersion(main: "my-feature-1245", partial: ["a-b-c-d", "-n-code"], latest: false),
                tags: ["my-feature-1245", "a-b-c-d", "-n-code"], tagNames: ["my-feature-1245", "a-b-c-d", "-n-code"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=983315b5e8d46e46fc4c49869e85e7ee5fb289ba",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=my-feature-1245",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=983315b5e8d46e46fc4c49869e85e7ee5fb289ba",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=my-feature-1245",
                ],
                json:
                    #"{"tags":["my-feature-1245","a-b-c-d","-n-code"],"tag-names":["my-feature-1245","a-b-c-d","-n-code"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"983315b5e8d46e46fc4c49869e85e7ee5fb289ba","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"my-feature-1245"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=983315b5e8d46e46fc4c49869e85e7ee5fb289ba","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=my-feature-1245"]}"#,
                warnings: [])),
        OracleCase(
            name: "pull_request_target without number", context: context(.pullRequestTarget, payload: MetadataEventPayload()),
            inputs: MetadataInputs(tags: ["type=ref,event=pr"]),
            expected: .output(
                version: MetadataVersion(main: "pr-undefined", partial: [], latest: false),
                tags: ["pr-undefined"], tagNames: ["pr-undefined"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pr-undefined",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pr-undefined",
                ],
                json:
                    #"{"tags":["pr-undefined"],"tag-names":["pr-undefined"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"266574110acf203503badf966df2ea24b5d732d7","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"pr-undefined"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=266574110acf203503badf966df2ea24b5d732d7","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=pr-undefined"]}"#,
                warnings: [])),
        OracleCase(
            name: "pr head sha on pull_request_target", context: context(.pullRequestTarget),
            inputs: MetadataInputs(tags: ["type=sha", "type=ref,event=pr"], environment: MetadataEnvironment(prHeadSHA: "TRUE")),
            expected: .output(
                version: MetadataVersion(main: "pr-15", partial: ["sha-3370e22"], latest: false),
                tags: ["pr-15", "sha-3370e22"], tagNames: ["pr-15", "sha-3370e22"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pr-15",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=pr-15",
                ],
                json:
                    #"{"tags":["pr-15","sha-3370e22"],"tag-names":["pr-15","sha-3370e22"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"3370e228f2209994d57af4427fe64e71bb79ac96","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"pr-15"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=3370e228f2209994d57af4427fe64e71bb79ac96","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=pr-15"]}"#,
                warnings: [])),
        OracleCase(
            name: "default tags on a tag push", context: context(.tagV2_0_8Beta67),
            inputs: MetadataInputs(images: ["user/app"]),
            expected: .output(
                version: MetadataVersion(main: "v2.0.8-beta.67", partial: [], latest: true),
                tags: ["user/app:v2.0.8-beta.67", "user/app:latest"], tagNames: ["v2.0.8-beta.67", "latest"],
                labels: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v2.0.8-beta.67",
                ],
                annotations: [
                    "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
                    "org.opencontainers.image.description=This your first repo!",
                    "org.opencontainers.image.licenses=MIT",
                    "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
                    "org.opencontainers.image.source=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.title=Hello-World",
                    "org.opencontainers.image.url=https://github.com/octocat/Hello-World",
                    "org.opencontainers.image.version=v2.0.8-beta.67",
                ],
                json:
                    #"{"tags":["user/app:v2.0.8-beta.67","user/app:latest"],"tag-names":["v2.0.8-beta.67","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"v2.0.8-beta.67"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=v2.0.8-beta.67"]}"#,
                warnings: [])),
    ]

    /// Gaara computes what the action computed, or fails where it failed.
    @Test(arguments: cases)
    func matchesTheAction(_ testCase: OracleCase) throws {
        switch testCase.expected {
        case .output(let version, let tags, let tagNames, let labels, let annotations, let json, let warnings):
            let output = try DockerMetadata.compute(inputs: testCase.inputs, context: testCase.context)
            #expect(output.version == version)
            #expect(output.tags == tags)
            #expect(output.tagNames == tagNames)
            #expect(output.labels == labels)
            #expect(output.annotationEntries == annotations)
            #expect(output.json == json)
            #expect(output.warnings == warnings)
        case .failure:
            #expect(throws: MetadataError.self) { try DockerMetadata.compute(inputs: testCase.inputs, context: testCase.context) }
        }
    }
}
