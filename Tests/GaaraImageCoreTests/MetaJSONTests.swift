import GaaraImageCore
import Testing

/// The `json` output and the `sep-tags` input.
/// Ported from docker/metadata-action's __tests__/meta.test.ts (`json` and `sepTags`): the expected JSON objects are
/// written here as the compact text `JSON.stringify` gives the action's `json` output.
struct MetaJSONTests {
    /// A `json` case: upstream name, fixture, inputs, the expected `json` output.
    struct JSONCase: Sendable, CustomTestStringConvertible {
        let name: String
        let fixture: EventFixture
        let inputs: MetadataInputs
        let json: String
        var testDescription: String { name }
    }

    /// meta.test.ts › json.
    static let jsonCases: [JSONCase] = [
        // meta.test.ts › json › json01
        JSONCase(
            name: "json json01", fixture: .pushDev,
            inputs: MetadataInputs(
                images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], labels: ["invalid", "foo="]),
            json:
                #"{"tags":["user/app:dev","user/app:my","user/app:custom","user/app:tags"],"tag-names":["dev","my","custom","tags"],"labels":{"foo":"","org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#
        ),
        // meta.test.ts › json › json02
        JSONCase(
            name: "json json02", fixture: .pushDev, inputs: MetadataInputs(images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my"]),
            json:
                #"{"tags":["user/app:dev","user/app:my"],"tag-names":["dev","my"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"dev"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=dev"]}"#
        ),
        // meta.test.ts › json › json03
        JSONCase(
            name: "json json03", fixture: .tagRelease1,
            inputs: MetadataInputs(images: ["user/app"], tags: ["type=ref,event=tag", "type=raw,my", "type=raw,custom", "type=raw,tags"]),
            json:
                #"{"tags":["user/app:release1","user/app:my","user/app:custom","user/app:tags","user/app:latest"],"tag-names":["release1","my","custom","tags","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"release1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=release1"]}"#
        ),
        // meta.test.ts › json › json04
        JSONCase(
            name: "json json04", fixture: .tag20200110RC2,
            inputs: MetadataInputs(
                images: ["user/app"], tags: [#"type=match,pattern=\d{8}"#, "type=raw,my", "type=raw,custom", "type=raw,tags"],
                flavor: ["latest=false"]),
            json:
                #"{"tags":["user/app:20200110","user/app:my","user/app:custom","user/app:tags"],"tag-names":["20200110","my","custom","tags"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"20200110"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=20200110"]}"#
        ),
        // meta.test.ts › json › json05
        JSONCase(
            name: "json json05", fixture: .tagV1_1_1,
            inputs: MetadataInputs(
                images: ["org/app", "ghcr.io/user/app"],
                tags: [
                    "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}", "type=raw,my",
                    "type=raw,custom", "type=raw,tags",
                ]),
            json:
                #"{"tags":["org/app:1.1.1","org/app:1.1","org/app:1","org/app:my","org/app:custom","org/app:tags","org/app:latest","ghcr.io/user/app:1.1.1","ghcr.io/user/app:1.1","ghcr.io/user/app:1","ghcr.io/user/app:my","ghcr.io/user/app:custom","ghcr.io/user/app:tags","ghcr.io/user/app:latest"],"tag-names":["1.1.1","1.1","1","my","custom","tags","latest"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"1.1.1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=1.1.1"]}"#
        ),
        // meta.test.ts › json › json06
        JSONCase(
            name: "json json06", fixture: .tagV1_1_1,
            inputs: MetadataInputs(images: ["org/app", "ghcr.io/user/app"], tags: ["type=raw,my", "type=raw,custom", "type=raw,tags"]),
            json:
                #"{"tags":["org/app:my","org/app:custom","org/app:tags","ghcr.io/user/app:my","ghcr.io/user/app:custom","ghcr.io/user/app:tags"],"tag-names":["my","custom","tags"],"labels":{"org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"This your first repo!","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"Hello-World","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.version":"my"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=my"]}"#
        ),
        // meta.test.ts › json › json07
        JSONCase(
            name: "json json07", fixture: .tagV1_1_1,
            inputs: MetadataInputs(
                images: ["org/app"],
                labels: [
                    "foo", "maintainer=CrazyMax", "org.opencontainers.image.title=MyCustom=Title",
                    "org.opencontainers.image.description=Another description", "org.opencontainers.image.vendor=MyCompany",
                ]),
            json:
                #"{"tags":["org/app:v1.1.1","org/app:latest"],"tag-names":["v1.1.1","latest"],"labels":{"maintainer":"CrazyMax","org.opencontainers.image.created":"2020-01-10T00:30:00.000Z","org.opencontainers.image.description":"Another description","org.opencontainers.image.licenses":"MIT","org.opencontainers.image.revision":"860c1904a1ce19322e91ac35af1ab07466440c37","org.opencontainers.image.source":"https://github.com/octocat/Hello-World","org.opencontainers.image.title":"MyCustom=Title","org.opencontainers.image.url":"https://github.com/octocat/Hello-World","org.opencontainers.image.vendor":"MyCompany","org.opencontainers.image.version":"v1.1.1"},"annotations":["manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z","manifest:org.opencontainers.image.description=This your first repo!","manifest:org.opencontainers.image.licenses=MIT","manifest:org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37","manifest:org.opencontainers.image.source=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.title=Hello-World","manifest:org.opencontainers.image.url=https://github.com/octocat/Hello-World","manifest:org.opencontainers.image.version=v1.1.1"]}"#
        ),
    ]

    /// The JSON object: tags, tag names, labels as an object, annotations with their level.
    @Test(arguments: jsonCases)
    func json(_ testCase: JSONCase) throws {
        let output = try DockerMetadata.compute(inputs: testCase.inputs, context: testCase.fixture.context)
        #expect(output.json == testCase.json)
        #expect(output.outputs["json"] == testCase.json)
    }

    /// meta.test.ts › sepTags: the fixture, inputs and the joined `tags` output.
    static let sepTagsCases: [(String, EventFixture, MetadataInputs, String)] = [
        // meta.test.ts › sepTags › sepTags01
        (
            "sepTags01", .pushDev,
            MetadataInputs(images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], sepTags: " "),
            "user/app:dev user/app:my user/app:custom user/app:tags"
        ),
        // meta.test.ts › sepTags › sepTags02
        (
            "sepTags02", .pushDev,
            MetadataInputs(images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my", "type=raw,custom", "type=raw,tags"], sepTags: ","),
            "user/app:dev,user/app:my,user/app:custom,user/app:tags"
        ),
    ]

    /// `sep-tags` joins the `tags` output.
    @Test(arguments: sepTagsCases)
    func sepTags(_ name: String, _ fixture: EventFixture, _ inputs: MetadataInputs, _ expected: String) throws {
        let output = try DockerMetadata.compute(inputs: inputs, context: fixture.context)
        #expect(output.outputs["tags"] == expected, "\(name)")
    }
}
