import GaaraImageCore
import Testing

/// The step's `with:` values read as the action's `getInputs()` reads them (`Util.getInputList` over csv-parse).
/// Expectations were computed with csv-parse 7 and the toolkit's `getList` on the same strings.
struct InputListTests {
    /// Lines, comments, quotes (consumed here, once), line endings, relaxed quotes and blank lines.
    @Test(arguments: [
        ("type=ref,event=branch\ntype=sha\n", ["type=ref,event=branch", "type=sha"]),
        (
            "# a comment\ntype=sha\n  # indented is not a comment\ntype=raw,value=x#y",
            ["type=sha", "# indented is not a comment", "type=raw,value=x#y"]
        ),
        (#"type=match,"pattern=a,b",group=0"#, ["type=match,pattern=a,b,group=0"]),
        ("\"type=raw,value=a\nb\"\ntype=sha", ["type=raw,value=a\nb", "type=sha"]),
        ("type=ref,event=branch\r\ntype=sha\r\n", ["type=ref,event=branch", "type=sha"]),
        (#"type=raw,value=a"b"c"#, [#"type=raw,value=a"b"c"#]),
        ("a\n   \nb", ["a", "", "b"]),
        ("", []),
        ("  \n  ", []),
        (#""a"b,c"#, [#""a"b,c"#]),
        ("x,,y\n,\n", ["x,,y", ","]),
    ])
    func lists(_ value: String, _ expected: [String]) throws {
        let inputs = try MetadataInputs(action: ["tags": value, "labels": value])
        #expect(inputs.tags == expected)
        #expect(inputs.labels == expected)
    }

    /// An unclosed quote fails the input.
    @Test func unclosedQuote() {
        let error = #expect(throws: MetadataError.self) { try MetadataInputs(action: ["images": "\"unclosed"]) }
        #expect(error?.input == "images")
    }

    /// Separators are kept as written (not trimmed), `\n` when empty; `context` is `workflow` or `git`.
    @Test func separatorsAndContext() throws {
        let inputs = try MetadataInputs(action: ["sep-tags": " ", "sep-labels": "", "context": " git "])
        #expect(inputs.sepTags == " ")
        #expect(inputs.sepLabels == "\n")
        #expect(inputs.sepAnnotations == "\n")
        #expect(inputs.context == .git)
        #expect(throws: MetadataError(input: "context", value: "github", message: "Invalid context source: github")) {
            try MetadataInputs(action: ["context": "github"])
        }
    }

    /// The `DOCKER_METADATA_*` variables are picked out of a step's environment.
    @Test func environmentVariables() {
        let environment = MetadataEnvironment(variables: [
            "DOCKER_METADATA_PR_HEAD_SHA": "true", "DOCKER_METADATA_SHORT_SHA_LENGTH": "12", "DOCKER_METADATA_ANNOTATIONS_LEVELS": "index",
            "DOCKER_METADATA_SET_OUTPUT_ENV": "false", "PATH": "/bin",
        ])
        #expect(environment == MetadataEnvironment(prHeadSHA: "true", shortSHALength: "12", annotationsLevels: "index", setOutputEnv: "false"))
    }
}
