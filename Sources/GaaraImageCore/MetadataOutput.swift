/// The version the tag rules produced: the first tag (`main`), the others (`partial`), and whether `latest` is
/// added.
public struct MetadataVersion: Sendable, Equatable {
    /// The version, nil when no rule produced a tag.
    public var main: String?
    /// The other tags, in order, without duplicates.
    public var partial: [String]
    /// Whether a `latest` tag follows.
    public var latest: Bool

    /// Creates a version.
    public init(main: String?, partial: [String], latest: Bool) {
        self.main = main
        self.partial = partial
        self.latest = latest
    }
}

/// docker/metadata-action's outputs (all but the bake files).
public struct MetadataOutput: Sendable, Equatable {
    /// The version the tags are built from.
    public var version: MetadataVersion
    /// `image:tag` for each enabled image (bare tags without images): the `tags` output's entries.
    public var tags: [String]
    /// The tags without image names: the `tag-names` output's entries.
    public var tagNames: [String]
    /// `key=value` OCI labels, defaults merged with the `labels` input, sorted by key: the `labels` output's entries.
    public var labels: [String]
    /// `key=value` annotations before their levels (the action's `getAnnotations()`).
    public var annotationEntries: [String]
    /// `level:key=value` for each annotation level (`manifest` by default): the `annotations` output's entries.
    public var annotations: [String]
    /// The `json` output: `{"tags":[...],"tag-names":[...],"labels":{...},"annotations":[...]}`.
    public var json: String
    /// The warnings the action prints (a value that is not a valid semver, a pattern that does not match,
    /// no version or no tag generated).
    public var warnings: [String]
    /// The step outputs, separators applied: `version`, `tags`, `tag-names`, `labels`, `annotations`, `json`.
    public var outputs: [String: String]
    /// The `DOCKER_METADATA_OUTPUT_*` variables the action exports (none when `DOCKER_METADATA_SET_OUTPUT_ENV`
    /// is false).
    public var exportedEnvironment: [String: String]

    /// Creates outputs.
    public init(
        version: MetadataVersion, tags: [String], tagNames: [String], labels: [String], annotationEntries: [String], annotations: [String],
        json: String, warnings: [String], outputs: [String: String], exportedEnvironment: [String: String]
    ) {
        self.version = version
        self.tags = tags
        self.tagNames = tagNames
        self.labels = labels
        self.annotationEntries = annotationEntries
        self.annotations = annotations
        self.json = json
        self.warnings = warnings
        self.outputs = outputs
        self.exportedEnvironment = exportedEnvironment
    }
}
