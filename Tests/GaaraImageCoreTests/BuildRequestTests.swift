import GaaraImageCore
import Testing

/// docker/build-push-action's inputs as ``BuildRequest`` reads them: lists split the action's way,
/// defaults, and every input Gaara cannot honour refused with its name.
struct BuildRequestTests {
    static let host = "linux/amd64"

    static func request(_ inputs: [String: String]) throws(MetadataError) -> BuildRequest {
        try BuildRequest(action: inputs, hostPlatform: host)
    }

    @Test func defaultsBuildTheRunsCommitWithoutPushing() throws {
        let request = try Self.request([:])
        #expect(request.context == .git(subdirectory: nil))
        #expect(request.file == nil && request.tags.isEmpty && !request.push && !request.load && !request.noCache && !request.pull)
        #expect(request.platform == nil && request.secrets.isEmpty && request.cacheFrom.isEmpty && request.cacheTo == nil)
        #expect(request.engineFlags.isEmpty && request.notes.isEmpty)
    }

    @Test(arguments: [
        ("{{defaultContext}}", BuildRequest.Context.git(subdirectory: nil)),
        ("{{defaultContext}}:backend", .git(subdirectory: "backend")),
        (".", .path(".")),
        ("  ./backend \n", .path("./backend")),
        ("/srv/app", .path("/srv/app")),
    ])
    func contexts(_ text: String, _ expected: BuildRequest.Context) throws {
        #expect(try Self.request(["context": text]).context == expected)
    }

    @Test(arguments: ["https://github.com/o/r.git#main", "git@github.com:o/r.git", "{{defaultContext}}:", "{{defaultContext}}x"])
    func remoteOrMalformedContextsAreRefused(_ text: String) {
        #expect(throws: MetadataError.self) { try Self.request(["context": text]) }
    }

    @Test func tagsSplitOnCommasAndLinesLabelsAndBuildArgsOnLinesOnly() throws {
        let request = try Self.request([
            "tags": "reg:5000/app:main, reg:5000/app:sha-1\nreg:5000/app:latest\n",
            "labels": "org.opencontainers.image.title=app\norg.example.list=a,b",
            "build-args": "BASE_IMAGE=gaara/python:3.11-bookworm\nLIST=x,y",
            "push": "true", "target": " runtime ", "file": "backend/Dockerfile", "no-cache": "TRUE", "pull": "false",
        ])
        #expect(request.tags == ["reg:5000/app:main", "reg:5000/app:sha-1", "reg:5000/app:latest"])
        #expect(request.labels == ["org.opencontainers.image.title=app", "org.example.list=a,b"])
        #expect(request.buildArgs == ["BASE_IMAGE=gaara/python:3.11-bookworm", "LIST=x,y"])
        #expect(request.push && request.noCache && !request.pull)
        #expect(request.target == "runtime" && request.file == "backend/Dockerfile")
    }

    @Test func quotedEntriesKeepTheirCommas() throws {
        let request = try Self.request(["build-args": "\"A=1,2\"\nB=3", "tags": "\"app:a\",app:b"])
        #expect(request.buildArgs == ["A=1,2", "B=3"])
        #expect(request.tags == ["app:a", "app:b"])
    }

    @Test func outputsOfTypeDockerAndRegistryMeanLoadAndPush() throws {
        #expect(try Self.request(["outputs": "type=docker"]).load)
        let registry = try Self.request(["outputs": "type=registry", "tags": "reg:5000/app:1"])
        #expect(registry.push)
        #expect(try Self.request(["outputs": "type=image,push=true", "tags": "reg:5000/app:1"]).push)
        #expect(
            throws: MetadataError(
                input: "outputs", value: "type=local,dest=out", message: "not supported by Gaara: only type=docker and type=registry outputs")
        ) {
            try Self.request(["outputs": "type=local,dest=out"])
        }
    }

    @Test func aPushNeedsATagAndTagsMustBeReferences() {
        #expect(throws: MetadataError(input: "tags", value: "", message: "push needs at least one tag naming the registry and repository")) {
            try Self.request(["push": "true"])
        }
        #expect(throws: MetadataError(input: "tags", value: "Reg/App:1", message: "not a valid image reference")) {
            try Self.request(["tags": "Reg/App:1"])
        }
        #expect(throws: MetadataError(input: "push", value: "yes", message: "expected true or false")) { try Self.request(["push": "yes"]) }
    }

    @Test(arguments: ["linux/amd64", "amd64", "linux/x86_64", "linux/amd64, amd64"])
    func theHostsPlatformIsAccepted(_ platforms: String) throws {
        #expect(try Self.request(["platforms": platforms]).platform == "linux/amd64")
    }

    @Test func anotherPlatformIsRefusedNamingIt() {
        #expect(
            throws: MetadataError(
                input: "platforms", value: "linux/arm64",
                message: "Gaara builds for the engine's own platform (linux/amd64) only; emulated platforms are not supported")
        ) { try Self.request(["platforms": "linux/amd64,linux/arm64"]) }
    }

    @Test(arguments: ["allow", "annotations", "attests", "build-contexts", "call", "no-cache-filters", "ssh"])
    func inputsGaaraCannotHonourAreRefusedByName(_ name: String) {
        do {
            _ = try Self.request([name: "something"])
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.input == name && error.message.hasPrefix("not supported by Gaara: "), "\(error)")
        }
        // Empty, they ask for nothing.
        #expect((try? Self.request([name: ""])) != nil)
    }

    @Test func attestationsMustBeOffAndUnknownInputsAreErrors() throws {
        #expect((try? Self.request(["provenance": "false", "sbom": "false"])) != nil)
        #expect(throws: MetadataError.self) { try Self.request(["provenance": "mode=max"]) }
        #expect(throws: MetadataError.self) { try Self.request(["sbom": "true"]) }
        #expect(
            throws: MetadataError(input: "tag", value: "app:1", message: "docker/build-push-action has no input 'tag'")
        ) { try Self.request(["tag": "app:1"]) }
    }

    @Test func secretsComeFromValuesFilesAndVariables() throws {
        let request = try Self.request([
            "secrets": "token=abc=def\nnpm=x,y", "secret-files": "key=./key.pem", "secret-envs": "env=API_TOKEN",
        ])
        #expect(
            request.secrets == [
                .init(id: "token", source: .value("abc=def")), .init(id: "npm", source: .value("x,y")), .init(id: "key", source: .file("./key.pem")),
                .init(id: "env", source: .environment("API_TOKEN")),
            ])
        // The value of a malformed secret is never repeated in the error.
        #expect(throws: MetadataError(input: "secrets", value: "***", message: "expected id=value")) {
            try Self.request(["secrets": "no-equals-sign-s3cret"])
        }
    }

    @Test func cachesOfTypeLocalGhaInlineAndRegistry() throws {
        let request = try Self.request([
            "cache-from": "type=local,src=/tmp/cache\ntype=gha,scope=backend\nreg:5000/app:cache\ntype=registry,ref=reg:5000/app:buildcache",
            "cache-to": "type=local,dest=/tmp/cache,mode=max",
        ])
        #expect(
            request.cacheFrom == [
                .local("/tmp/cache"), .gha(scope: "backend"), .registry("reg:5000/app:cache"), .registry("reg:5000/app:buildcache"),
            ])
        #expect(request.cacheTo == .local("/tmp/cache"))
        #expect(try Self.request(["cache-to": "type=gha"]).cacheTo == .gha(scope: "buildkit"))
        #expect(try Self.request(["cache-to": "type=inline"]).cacheTo == .inline)
    }

    @Test(arguments: [
        ("cache-to", "type=registry,ref=reg:5000/app:cache"), ("cache-to", "type=s3,bucket=b"), ("cache-from", "type=local"),
        ("cache-to", "type=local,dest=/c,oci-mediatypes=true"), ("cache-from", "type=inline"), ("cache-to", "type=local,dest=a\ntype=gha"),
    ])
    func cachesGaaraCannotServeAreRefused(_ input: String, _ value: String) {
        do {
            _ = try Self.request([input: value])
            Issue.record("\(input): \(value) was accepted")
        } catch {
            #expect(error.input == input, "\(error)")
        }
    }

    @Test func engineFlagsPassThroughAndBuilderIsNoted() throws {
        let request = try Self.request([
            "network": "host", "add-hosts": "db:127.0.0.1,cache:127.0.0.2", "shm-size": "1g", "ulimit": "nofile=1024:1024",
            "cgroup-parent": "gaara", "builder": "builder-1",
        ])
        #expect(
            request.engineFlags == [
                "--network", "host", "--add-host", "db:127.0.0.1", "--add-host", "cache:127.0.0.2", "--shm-size", "1g", "--ulimit",
                "nofile=1024:1024",
                "--cgroup-parent", "gaara",
            ])
        #expect(request.notes == ["builder: Gaara builds with the engine's own BuildKit"])
    }

    @Test(arguments: [
        ("linux/amd64", "linux/amd64"), ("amd64", "linux/amd64"), ("linux/x86_64", "linux/amd64"), ("aarch64", "linux/arm64"),
        ("linux/arm64/v8", "linux/arm64"), ("linux/arm/v7", "linux/arm/v7"), ("LINUX/AMD64", "linux/amd64"),
    ])
    func platformsAreNormalised(_ given: String, _ expected: String) {
        #expect(BuildRequest.normalizedPlatform(given) == expected)
    }

    @Test(arguments: [
        ("127.0.0.1:5000/team/app:main", "127.0.0.1:5000/team/app"), ("app", "app"), ("app:1.2.3", "app"),
        ("ghcr.io/org/app:sha-0a1b2c3", "ghcr.io/org/app"),
        ("localhost/app", "localhost/app"),
        ("reg:5000/app@sha256:" + String(repeating: "a", count: 64), "reg:5000/app"),
    ])
    func referencesNameTheirRepository(_ reference: String, _ repository: String) {
        #expect(ImageReference.repository(of: reference) == repository)
    }

    @Test(arguments: ["", "App:1", "app:", "app:-bad", "reg:5000//app", "app@sha256:short", "app:" + String(repeating: "t", count: 129)])
    func malformedReferencesAreNot(_ reference: String) {
        #expect(ImageReference.repository(of: reference) == nil)
    }

    @Test func thePushedDigestIsReadFromDockerPushOutput() {
        let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)
        let output = """
            The push refers to repository [127.0.0.1:5000/team/app]
            7abb854bb338: Pushed
            main: digest: \(digest) size: 943
            """
        #expect(ImageReference.pushedDigest(in: output) == digest)
        #expect(ImageReference.pushedDigest(in: "7abb854bb338: Pushed\n") == nil)
        #expect(ImageReference.isDigest(digest) && !ImageReference.isDigest(digest.uppercased()) && !ImageReference.isDigest("sha256:abc"))
    }
}
