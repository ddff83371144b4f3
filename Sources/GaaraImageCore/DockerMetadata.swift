/// docker/metadata-action computed without I/O: from the step's inputs and the run's context to the version,
/// tags, labels, annotations and JSON the action outputs (bake files aside), with the action's rules, defaults,
/// ordering, sanitizing and warnings. What the action accepts but Gaara cannot reproduce is an error naming
/// the input, never a different answer.
public enum DockerMetadata {
    /// Computes the action's outputs.
    public static func compute(inputs: MetadataInputs, context given: MetadataContext) throws(MetadataError) -> MetadataOutput {
        let environment = inputs.environment
        let exportsEnvironment = try exportsOutputs(environment)
        let context = given.adjusted(for: inputs.context, environment: environment)
        let images = try ImageName.parse(inputs.images)
        let rules = try TagRule.transform(inputs.tags)
        let flavor = try Flavor.parse(inputs.flavor)
        let expressions = MetadataExpressions(context: context, shortSHALength: shortSHALength(environment))
        var computation = VersionComputation(context: context, flavor: flavor, expressions: expressions)
        let version = try computation.version(rules)
        var warnings = computation.warnings
        if (version.main ?? "").isEmpty { warnings.append("No Docker image version has been generated. Check tags input.") }

        let imageNames = images.filter(\.enable).map { $0.name.lowercased() }
        let tags =
            imageNames.isEmpty ? Self.tags(version, image: nil, flavor: flavor) : imageNames.flatMap { Self.tags(version, image: $0, flavor: flavor) }
        if tags.isEmpty { warnings.append("No Docker tag has been generated. Check tags input.") }
        let tagNames = Self.tags(version, image: nil, flavor: flavor)
        let labels = try ociAnnotations(inputs.labels, input: "labels", version: version, context: context, expressions: expressions)
        let annotationEntries = try ociAnnotations(
            inputs.annotations, input: "annotations", version: version, context: context, expressions: expressions)
        let levelsText = environment.annotationsLevels.flatMap { $0.isEmpty ? nil : $0 } ?? "manifest"
        let levels = levelsText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let annotations = levels.flatMap { level in annotationEntries.map { "\(level):\($0)" } }
        let json =
            "{\"tags\":\(JSONText.array(tags)),\"tag-names\":\(JSONText.array(tagNames)),\"labels\":\(JSONText.object(labels.map(labelPair))),"
            + "\"annotations\":\(JSONText.array(annotations))}"

        let outputs = [
            "version": version.main ?? "", "tags": tags.joined(separator: inputs.sepTags), "tag-names": tagNames.joined(separator: inputs.sepTags),
            "labels": labels.joined(separator: inputs.sepLabels), "annotations": annotations.joined(separator: inputs.sepAnnotations), "json": json,
        ]
        var exported: [String: String] = [:]
        if exportsEnvironment {
            for (name, value) in outputs { exported["DOCKER_METADATA_OUTPUT_" + name.replacing("-", with: "_").uppercased()] = value }
        }
        return MetadataOutput(
            version: version, tags: tags, tagNames: tagNames, labels: labels, annotationEntries: annotationEntries, annotations: annotations,
            json: json, warnings: warnings, outputs: outputs, exportedEnvironment: exported)
    }

    /// `Meta.isRawStatement`: whether a pattern is exactly one `{{raw}}` mustache.
    public static func isRawStatement(_ pattern: String) -> Bool { HandlebarsTemplate.isRawStatement(pattern) }

    /// `generateTags`: the version, the other tags, then `latest` (with the flavor's prefix and suffix when
    /// `onlatest=true`), each after `image:` when there is an image name.
    private static func tags(_ version: MetadataVersion, image: String?, flavor: Flavor) -> [String] {
        guard let main = version.main, !main.isEmpty else { return [] }
        let prefix = image.map { $0.isEmpty ? "" : "\($0):" } ?? ""
        var tags = [prefix + main] + version.partial.map { prefix + $0 }
        if version.latest {
            let latest = (flavor.prefixLatest ? flavor.prefix : "") + "latest" + (flavor.suffixLatest ? flavor.suffix : "")
            tags.append(prefix + VersionComputation.sanitize(latest))
        }
        return tags
    }

    /// `getOCIAnnotationsWithCustoms`: the default OCI keys, then the input's entries rendered, merged by key
    /// (a later value wins, entries without `=` dropped) and sorted by key as `localeCompare` sorts.
    private static func ociAnnotations(
        _ extra: [String], input: String, version: MetadataVersion, context: MetadataContext, expressions: MetadataExpressions
    ) throws(MetadataError) -> [String] {
        let repository = context.repository
        var entries = [
            "org.opencontainers.image.title=\(repository.name ?? "")", "org.opencontainers.image.description=\(repository.description ?? "")",
            "org.opencontainers.image.url=\(repository.htmlURL ?? "")", "org.opencontainers.image.source=\(repository.htmlURL ?? "")",
            "org.opencontainers.image.version=\(version.main ?? "")", "org.opencontainers.image.created=\(CivilTime.isoString(context.now))",
            "org.opencontainers.image.revision=\(context.sha)", "org.opencontainers.image.licenses=\(repository.licenseSPDXID ?? "")",
        ]
        let scope = expressions.global
        for entry in extra {
            entries.append(try attributing(input: input, value: entry) { () throws(Failure) in try TemplateRenderer.render(entry, context: scope) })
        }
        var keys: [String] = []
        var values: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.unicodeScalars.firstIndex(of: "=") else { continue }
            let key = String(entry.unicodeScalars[..<equals])
            if values[key] == nil { keys.append(key) }
            values[key] = String(entry.unicodeScalars[entry.unicodeScalars.index(after: equals)...])
        }
        var sortKeys: [(key: String, sortKey: LocaleCollation.SortKey)] = []
        for key in keys {
            sortKeys.append((key, try attributing(input: input, value: key) { () throws(Failure) in try LocaleCollation.sortKey(key) }))
        }
        // Keys are distinct and so are their sort keys: the order is total.
        return sortKeys.sorted { $0.sortKey < $1.sortKey }.map { "\($0.key)=\(values[$0.key] ?? "")" }
    }

    /// `label.match(/([^=]*)=(.*)/)`: the key before the first `=`, the value after it up to a line break.
    private static func labelPair(_ label: String) -> (key: String, value: String) {
        let scalars = label.unicodeScalars
        guard let equals = scalars.firstIndex(of: "=") else { return (label, "") }
        let rest = scalars[scalars.index(after: equals)...]
        let value = rest.prefix { !JavaScript.isLineTerminator($0) }
        return (String(scalars[..<equals]), String(String.UnicodeScalarView(value)))
    }

    /// `DOCKER_METADATA_SHORT_SHA_LENGTH`, when set: a number (any JavaScript number), else an error.
    private static func shortSHALength(_ environment: MetadataEnvironment) -> Result<Double?, MetadataError> {
        guard let text = environment.shortSHALength, !text.isEmpty else { return .success(nil) }
        let value = JavaScript.number(text)
        guard !value.isNaN else {
            return .failure(
                MetadataError(
                    input: "DOCKER_METADATA_SHORT_SHA_LENGTH", value: text, message: "DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: \(text)"
                ))
        }
        return .success(value)
    }

    /// `DOCKER_METADATA_SET_OUTPUT_ENV`, read with the toolkit's `parseBool` (true when unset).
    private static func exportsOutputs(_ environment: MetadataEnvironment) throws(MetadataError) -> Bool {
        guard let text = environment.setOutputEnv, !text.isEmpty else { return true }
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: throw MetadataError(input: "DOCKER_METADATA_SET_OUTPUT_ENV", value: text, message: "parseBool syntax error: \(text)")
        }
    }
}
