/// The action's inputs (its `with:` values) as lists, the way its `getInputs()` hands them to the rest of the
/// action, plus the `DOCKER_METADATA_*` environment variables it reads. Build one from the raw `with:` strings
/// with ``init(action:environment:)``, or directly from lists (as the action's own tests do).
public struct MetadataInputs: Sendable, Equatable {
    /// Where the ref, SHA and commit date come from (the `context` input).
    public enum ContextSource: String, Sendable, Equatable {
        /// The workflow's event (the default): the action adjusts the ref of `pull_request_target` runs and,
        /// with `DOCKER_METADATA_PR_HEAD_SHA`, the SHA of pull request runs.
        case workflow
        /// The checkout's Git state: the caller passes the checkout's ref, commit and commit date as they are.
        case git
    }

    /// The `context` input.
    public var context: ContextSource
    /// The `images` input, one entry a line: `name`, `name,enable=false` or `name=name,enable=...`.
    public var images: [String]
    /// The `tags` input, one rule a line (`type=semver,pattern={{version}}`); empty means the action's defaults.
    public var tags: [String]
    /// The `flavor` input, one entry a line (`latest=auto`, `prefix=foo-,onlatest=true`).
    public var flavor: [String]
    /// The `labels` input, `key=value` a line; values may use the global expressions.
    public var labels: [String]
    /// The `annotations` input, `key=value` a line; values may use the global expressions.
    public var annotations: [String]
    /// The `sep-tags` input: what joins the `tags` and `tag-names` outputs.
    public var sepTags: String
    /// The `sep-labels` input: what joins the `labels` output.
    public var sepLabels: String
    /// The `sep-annotations` input: what joins the `annotations` output.
    public var sepAnnotations: String
    /// The `DOCKER_METADATA_*` variables of the step's environment.
    public var environment: MetadataEnvironment

    /// Creates inputs from lists (each list as the action's `getInputList` would return it).
    public init(
        context: ContextSource = .workflow, images: [String] = [], tags: [String] = [], flavor: [String] = [], labels: [String] = [],
        annotations: [String] = [], sepTags: String = "\n", sepLabels: String = "\n", sepAnnotations: String = "\n",
        environment: MetadataEnvironment = MetadataEnvironment()
    ) {
        self.context = context
        self.images = images
        self.tags = tags
        self.flavor = flavor
        self.labels = labels
        self.annotations = annotations
        self.sepTags = sepTags
        self.sepLabels = sepLabels
        self.sepAnnotations = sepAnnotations
        self.environment = environment
    }

    /// Reads the step's `with:` values (keyed by the input names of the action's `action.yml`) the way the action
    /// does: each value trimmed, the list inputs split into lines by csv-parse (quotes protect commas and line
    /// breaks, lines starting with `#` are comments, empty entries dropped), the separators kept as written with
    /// `\n` for empty. `bake-target` and `github-token` only serve bake files and the API, which are not computed
    /// here.
    public init(action inputs: [String: String], environment: MetadataEnvironment = MetadataEnvironment()) throws(MetadataError) {
        let contextText = JavaScript.trim(inputs["context"] ?? "")
        guard let context = contextText.isEmpty ? ContextSource.workflow : ContextSource(rawValue: contextText) else {
            throw MetadataError(input: "context", value: contextText, message: "Invalid context source: \(contextText)")
        }
        func list(_ name: String) throws(MetadataError) -> [String] {
            try Self.inputList(JavaScript.trim(inputs[name] ?? ""), input: name)
        }
        func separator(_ name: String) -> String {
            let value = inputs[name] ?? ""
            return value.isEmpty ? "\n" : value
        }
        self.init(
            context: context, images: try list("images"), tags: try list("tags"), flavor: try list("flavor"), labels: try list("labels"),
            annotations: try list("annotations"), sepTags: separator("sep-tags"), sepLabels: separator("sep-labels"),
            sepAnnotations: separator("sep-annotations"), environment: environment)
    }

    /// `Util.getList(value, {ignoreComma: true, comment: '#', commentNoInfix: true})`: the records of the CSV
    /// text, each joined back with commas (so quotes are consumed here, once), empty ones dropped, trimmed.
    static func inputList(_ value: String, input: String) throws(MetadataError) -> [String] {
        guard !value.isEmpty else { return [] }
        let records = try attributing(input: input, value: value) { () throws(Failure) in try CSV.inputList.records(value) }
        return records.map { $0.joined(separator: ",") }.filter { !$0.isEmpty }.map(JavaScript.trim)
    }
}

/// The `DOCKER_METADATA_*` environment variables the action reads, as the step's environment has them.
public struct MetadataEnvironment: Sendable, Equatable {
    /// `DOCKER_METADATA_PR_HEAD_SHA`: containing `true` (any case) uses a pull request's head SHA.
    public var prHeadSHA: String?
    /// `DOCKER_METADATA_SHORT_SHA_LENGTH`: the length of a short SHA (default 7).
    public var shortSHALength: String?
    /// `DOCKER_METADATA_ANNOTATIONS_LEVELS`: comma-separated annotation levels (default `manifest`).
    public var annotationsLevels: String?
    /// `DOCKER_METADATA_SET_OUTPUT_ENV`: whether outputs are also exported as `DOCKER_METADATA_OUTPUT_*` (default true).
    public var setOutputEnv: String?

    /// Creates the settings from values.
    public init(prHeadSHA: String? = nil, shortSHALength: String? = nil, annotationsLevels: String? = nil, setOutputEnv: String? = nil) {
        self.prHeadSHA = prHeadSHA
        self.shortSHALength = shortSHALength
        self.annotationsLevels = annotationsLevels
        self.setOutputEnv = setOutputEnv
    }

    /// Picks the variables out of a step's environment.
    public init(variables: [String: String]) {
        self.init(
            prHeadSHA: variables["DOCKER_METADATA_PR_HEAD_SHA"], shortSHALength: variables["DOCKER_METADATA_SHORT_SHA_LENGTH"],
            annotationsLevels: variables["DOCKER_METADATA_ANNOTATIONS_LEVELS"], setOutputEnv: variables["DOCKER_METADATA_SET_OUTPUT_ENV"])
    }
}
