import GaaraImageCore
import Testing

/// One case of the action's `tagsLabelsTest`: a fixture and inputs, and the version, tags, labels and annotations
/// the action's own test expects (`annotations` nil when they are the labels, as upstream's `undefined`).
struct MetaCase: Sendable, CustomTestStringConvertible {
    let name: String
    let fixture: EventFixture
    let inputs: MetadataInputs
    let version: MetadataVersion
    let tags: [String]
    let labels: [String]
    let annotations: [String]?

    init(
        _ name: String, _ fixture: EventFixture, _ inputs: MetadataInputs, version: MetadataVersion, tags: [String], labels: [String],
        annotations: [String]? = nil
    ) {
        self.name = name
        self.fixture = fixture
        self.inputs = inputs
        self.version = version
        self.tags = tags
        self.labels = labels
        self.annotations = annotations
    }

    var testDescription: String { name }

    /// Computes and compares as upstream does: `meta.version`, `getTags()`, `getLabels()`, `getAnnotations()`.
    func check() throws {
        let output = try DockerMetadata.compute(inputs: inputs, context: fixture.context)
        #expect(output.version == version, "version")
        #expect(output.tags == tags, "tags")
        #expect(output.labels == labels, "labels")
        #expect(output.annotationEntries == (annotations ?? labels), "annotations")
        // The step outputs join the same lists; the annotations output carries the default `manifest` level.
        #expect(output.outputs["version"] == (version.main ?? ""))
        #expect(output.outputs["tags"] == tags.joined(separator: "\n"))
        #expect(output.annotations == (annotations ?? labels).map { "manifest:\($0)" })
    }
}
