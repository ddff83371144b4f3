import Foundation
import GaaraImageCore
import Testing

/// What the port adds around the action's computation: the step outputs and exported variables, the context
/// adjustments, and the errors for what the action accepts but Gaara refuses to guess.
struct MetadataBehaviourTests {
    /// The step outputs join with the separators; every output is exported as `DOCKER_METADATA_OUTPUT_*`.
    @Test func outputsAndExportedVariables() throws {
        let inputs = MetadataInputs(
            images: ["user/app"], tags: ["type=ref,event=branch", "type=raw,my"], labels: ["a=1"], sepTags: ",", sepLabels: ";", sepAnnotations: "|",
            environment: MetadataEnvironment(annotationsLevels: "manifest,index"))
        let output = try DockerMetadata.compute(inputs: inputs, context: EventFixture.pushDev.context)
        #expect(output.outputs["version"] == "dev")
        #expect(output.outputs["tags"] == "user/app:dev,user/app:my")
        #expect(output.outputs["tag-names"] == "dev,my")
        #expect(output.outputs["labels"]?.hasPrefix("a=1;org.opencontainers.image.created=2020-01-10T00:30:00.000Z;") == true)
        #expect(output.annotations.count == 2 * output.annotationEntries.count)
        #expect(output.annotations.first == "manifest:org.opencontainers.image.created=2020-01-10T00:30:00.000Z")
        #expect(output.annotations.last == "index:org.opencontainers.image.version=dev")
        #expect(output.outputs["annotations"] == output.annotations.joined(separator: "|"))
        #expect(
            Set(output.exportedEnvironment.keys) == [
                "DOCKER_METADATA_OUTPUT_VERSION", "DOCKER_METADATA_OUTPUT_TAGS", "DOCKER_METADATA_OUTPUT_TAG_NAMES", "DOCKER_METADATA_OUTPUT_LABELS",
                "DOCKER_METADATA_OUTPUT_ANNOTATIONS", "DOCKER_METADATA_OUTPUT_JSON",
            ])
        #expect(output.exportedEnvironment["DOCKER_METADATA_OUTPUT_JSON"] == output.json)
        #expect(output.warnings.isEmpty)
    }

    /// `DOCKER_METADATA_SET_OUTPUT_ENV=false` exports nothing; a value `parseBool` refuses fails the step.
    @Test func outputEnvironmentSwitch() throws {
        let off = MetadataInputs(environment: MetadataEnvironment(setOutputEnv: "False"))
        #expect(try DockerMetadata.compute(inputs: off, context: EventFixture.pushDev.context).exportedEnvironment.isEmpty)
        let invalid = MetadataInputs(environment: MetadataEnvironment(setOutputEnv: "yes"))
        let error = #expect(throws: MetadataError.self) { try DockerMetadata.compute(inputs: invalid, context: EventFixture.pushDev.context) }
        #expect(error?.input == "DOCKER_METADATA_SET_OUTPUT_ENV")
    }

    /// No rule matching: no version, no tag, the action's two warnings.
    @Test func nothingGenerated() throws {
        let output = try DockerMetadata.compute(inputs: MetadataInputs(tags: ["type=ref,event=tag"]), context: EventFixture.pushDev.context)
        #expect(output.version == MetadataVersion(main: nil, partial: [], latest: false))
        #expect(output.tags.isEmpty)
        #expect(output.outputs["version"] == "")
        #expect(output.json.hasPrefix("{\"tags\":[],\"tag-names\":[],\"labels\":{\"org.opencontainers.image.created\":"))
        #expect(
            output.warnings == [
                "No Docker image version has been generated. Check tags input.", "No Docker tag has been generated. Check tags input.",
            ])
    }

    /// `context: git` takes the given ref and SHA as they are: no `pull_request_target` merge ref, no head SHA.
    @Test func gitContextIsNotAdjusted() throws {
        let inputs = MetadataInputs(context: .git, tags: ["type=ref,event=branch", "type=sha"], environment: MetadataEnvironment(prHeadSHA: "true"))
        let output = try DockerMetadata.compute(inputs: inputs, context: EventFixture.pullRequestTarget.context)
        #expect(output.tags == ["master", "sha-2665741"])
    }

    /// More than 63 rules sort stably by priority (V8 merges runs there, which agrees with any stable sort).
    @Test func manyRulesSortStably() throws {
        let tags = (0..<70).map { "type=raw,value=t\($0),priority=\($0 % 3)" }
        let output = try DockerMetadata.compute(inputs: MetadataInputs(tags: tags), context: EventFixture.pushDev.context)
        let expected = [2, 1, 0].flatMap { priority in (0..<70).filter { $0 % 3 == priority }.map { "t\($0)" } }
        #expect(output.tagNames == expected)
    }

    /// What the action accepts but Gaara cannot compute faithfully is an error naming the input and the entry.
    @Test(arguments: [
        ("tags", "type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}", "unknown time zone"),
        ("tags", "type=raw,value={{date 'z'}}", "not supported by Gaara"),
        ("tags", "type=raw,value=x,enable={{#if branch}}true{{/if}}", "not supported by Gaara"),
        ("tags", "type=raw,value={{@root.branch}}", "not supported by Gaara"),
        ("tags", "type=raw,value={{branch.length}}", "not supported by Gaara"),
        ("tags", "type=match,pattern=[^],value=x", ""),
        ("labels", "clé=value", "not supported by Gaara"),
        ("flavor", "prefix={{> partial}}", "not supported by Gaara"),
    ])
    func refusals(_ input: String, _ entry: String, _ message: String) throws {
        var inputs = MetadataInputs(tags: ["type=raw,x"])
        switch input {
        case "tags": inputs.tags = [entry]
        case "labels": inputs.labels = [entry]
        default: inputs.flavor = [entry]
        }
        do {
            let output = try DockerMetadata.compute(inputs: inputs, context: EventFixture.pushDev.context)
            // `[^]` is JavaScript's "any character": it compiles and matches.
            #expect(message.isEmpty && output.version.main == "x", "\(entry) should fail")
        } catch {
            #expect(error.input == input)
            #expect(error.message.contains(message))
            #expect(error.description.hasPrefix("\(input): '"))
        }
    }

    /// A priority that is not a number among more than 63 rules: V8's merge order is not reproduced.
    @Test func manyRulesWithPriorityNotANumber() {
        let tags = (0..<64).map { "type=raw,value=t\($0),priority=\($0 == 3 ? "high" : "1")" }
        let error = #expect(throws: MetadataError.self) {
            try DockerMetadata.compute(inputs: MetadataInputs(tags: tags), context: EventFixture.pushDev.context)
        }
        #expect(error?.message.contains("not supported by Gaara") == true)
    }
}
