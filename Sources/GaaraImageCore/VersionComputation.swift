/// `Meta.getVersion()`: each enabled rule, in priority order, turns the run's ref (or its `value`) into a tag;
/// the first tag is the version, the others follow it, and the first rule that produced a tag decides `latest`.
struct VersionComputation {
    /// The run's context after the action's adjustments.
    let context: MetadataContext
    /// The `flavor` input.
    let flavor: Flavor
    /// The template contexts.
    let expressions: MetadataExpressions
    /// The warnings met, in order.
    private(set) var warnings: [String] = []

    private var main: String?
    private var partial: [String] = []
    private var latest: Bool?

    /// Prepares a computation.
    init(context: MetadataContext, flavor: Flavor, expressions: MetadataExpressions) {
        self.context = context
        self.flavor = flavor
        self.expressions = expressions
    }

    /// Runs the rules.
    mutating func version(_ rules: [TagRule]) throws(MetadataError) -> MetadataVersion {
        for rule in rules {
            let enabled = try global(rule.attributes["enable"] ?? "", rule)
            guard enabled == "true" || enabled == "false" else {
                throw MetadataError(input: "tags", value: rule.entry, message: "Invalid value for enable attribute: \(enabled)")
            }
            guard enabled == "true" else { continue }
            switch rule.kind {
            case .schedule: try schedule(rule)
            case .semver: try semver(rule)
            case .pep440: try pep440(rule)
            case .match: try match(rule)
            case .ref:
                switch rule.attributes["event"] {
                case "branch": try refBranch(rule)
                case "tag": try refTag(rule)
                case "pr": try refPullRequest(rule)
                default: break
                }
            case .edge: try edge(rule)
            case .raw: try set(try decorate(try global(rule.attributes["value"] ?? "", rule), rule), latest: autoLatest(false))
            case .sha:
                guard !context.sha.isEmpty else { continue }
                let sha = rule.attributes["format"] == "short" ? try expressions.shortSHA(context.sha) : context.sha
                try set(try decorate(sha, rule), latest: autoLatest(false))
            }
        }
        var unique: [String] = []
        for tag in partial where !unique.contains(tag) { unique.append(tag) }
        return MetadataVersion(main: main, partial: unique, latest: latest ?? false)
    }

    // MARK: - Rules

    private mutating func schedule(_ rule: TagRule) throws(MetadataError) {
        guard context.eventName.contains("schedule") else { return }
        let pattern = rule.attributes["pattern"] ?? ""
        let rendered = try attributing(input: "tags", value: rule.entry) { () throws(Failure) in
            try TemplateRenderer.render(pattern, context: expressions.schedule)
        }
        try set(try decorate(rendered, rule), latest: autoLatest(false))
    }

    private mutating func semver(_ rule: TagRule) throws(MetadataError) {
        guard var raw = try versionSource(rule) else { return }
        guard let version = Semver.parse(raw) else {
            warnings.append("\(raw) is not a valid semver. More info: https://semver.org/")
            return
        }
        let pattern = rule.attributes["pattern"] ?? ""
        let scope = MetadataExpressions.semver(version)
        let isRelease = version.prerelease.isEmpty
        // A prerelease only gets `{{version}}`, or the pattern when it is exactly `{{raw}}`.
        let template = isRelease || HandlebarsTemplate.isRawStatement(pattern) ? pattern : "{{version}}"
        raw = try attributing(input: "tags", value: rule.entry) { () throws(Failure) in try TemplateRenderer.render(template, context: scope) }
        try set(try decorate(raw, rule), latest: autoLatest(isRelease))
    }

    private mutating func pep440(_ rule: TagRule) throws(MetadataError) {
        guard let raw = try versionSource(rule) else { return }
        guard let version = PEP440.parse(raw) else {
            warnings.append("\(raw) does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440")
            return
        }
        let pattern = rule.attributes["pattern"] ?? ""
        if version.isPreOrPostOrDev {
            // Pre, post and dev releases only get the cleaned version, or the tag as is for `{{raw}}`.
            let tag = HandlebarsTemplate.isRawStatement(pattern) ? raw : version.normalized
            try set(try decorate(tag, rule), latest: autoLatest(false))
            return
        }
        let scope = MetadataExpressions.pep440(raw: raw, version)
        let rendered = try attributing(input: "tags", value: rule.entry) { () throws(Failure) in try TemplateRenderer.render(pattern, context: scope)
        }
        try set(try decorate(rendered, rule), latest: autoLatest(true))
    }

    /// The text `type=semver` and `type=pep440` read: the rendered `value` or the tag name, reduced to the first
    /// group of `match` when it matches, with `/` replaced by `-`; nil when the run is not a tag and there is no
    /// value.
    private mutating func versionSource(_ rule: TagRule) throws(MetadataError) -> String? {
        let value = rule.attributes["value"] ?? ""
        guard context.ref.hasPrefix("refs/tags/") || !value.isEmpty else { return nil }
        var raw = value.isEmpty ? MetadataExpressions.removing("refs/tags/", from: context.ref) : try global(value, rule)
        let pattern = rule.attributes["match"] ?? ""
        if !pattern.isEmpty {
            let source = raw
            let groups = try attributing(input: "tags", value: rule.entry) { () throws(Failure) in try JSRegExp(source: pattern).match(source) }
            if let groups {
                guard groups.count > 1, let first = groups[1] else {
                    throw MetadataError(input: "tags", value: rule.entry, message: "match=\(pattern) has no group 1 in its match of \(raw)")
                }
                raw = first
            } else {
                warnings.append("\(pattern) does not match \(raw).")
            }
        }
        return raw.replacing("/", with: "-")
    }

    private mutating func match(_ rule: TagRule) throws(MetadataError) {
        let value = rule.attributes["value"] ?? ""
        guard context.ref.hasPrefix("refs/tags/") || !value.isEmpty else { return }
        let raw = value.isEmpty ? MetadataExpressions.removing("refs/tags/", from: context.ref) : try global(value, rule)
        let pattern = rule.attributes["pattern"] ?? ""
        let group = rule.attributes["group"] ?? "0"
        let groups = try attributing(input: "tags", value: rule.entry) { () throws(Failure) in
            if let literal = JSRegExp.literalParts(pattern) { return try JSRegExp(source: literal.source, flags: literal.flags).match(raw) }
            return try JSRegExp(source: pattern).match(raw)
        }
        guard let groups else {
            warnings.append("\(pattern) does not match \(raw).")
            return
        }
        // `tmatch[group]`: only a canonical index names an element.
        guard let index = JavaScript.arrayIndex(group), index < groups.count, let text = groups[index] else {
            warnings.append("Group \(group) does not exist for \(pattern) pattern.")
            return
        }
        try set(try decorate(text, rule), latest: autoLatest(true))
    }

    private mutating func refBranch(_ rule: TagRule) throws(MetadataError) {
        guard context.ref.hasPrefix("refs/heads/") else { return }
        try set(try decorate(MetadataExpressions.removing("refs/heads/", from: context.ref), rule), latest: autoLatest(false))
    }

    private mutating func refTag(_ rule: TagRule) throws(MetadataError) {
        guard context.ref.hasPrefix("refs/tags/") else { return }
        try set(try decorate(MetadataExpressions.removing("refs/tags/", from: context.ref), rule), latest: autoLatest(true))
    }

    private mutating func refPullRequest(_ rule: TagRule) throws(MetadataError) {
        guard context.ref.hasPrefix("refs/pull/") else { return }
        var number = MetadataExpressions.removing("refs/pull/", from: context.ref)
        if number.unicodeScalars.reversed().starts(with: "/merge".unicodeScalars.reversed()) {
            number = String(number.unicodeScalars.dropLast(6))
        }
        try set(try decorate(number, rule), latest: autoLatest(false))
    }

    private mutating func edge(_ rule: TagRule) throws(MetadataError) {
        guard context.ref.hasPrefix("refs/heads/") else { return }
        let branch = MetadataExpressions.removing("refs/heads/", from: context.ref)
        let wanted = (rule.attributes["branch"] ?? "").isEmpty ? context.repository.defaultBranch : rule.attributes["branch"]
        guard wanted == branch else { return }
        try set(try decorate("edge", rule), latest: autoLatest(false))
    }

    // MARK: - Building blocks

    /// `flavor.latest == 'auto' ? auto : flavor.latest == 'true'`.
    private func autoLatest(_ auto: Bool) -> Bool {
        switch flavor.latest {
        case .auto: auto
        case .true: true
        case .false: false
        }
    }

    /// `setGlobalExp`: a template rendered with the global expressions, its errors charged to the rule.
    private func global(_ template: String, _ rule: TagRule) throws(MetadataError) -> String {
        let scope = expressions.global
        return try attributing(input: "tags", value: rule.entry) { () throws(Failure) in try TemplateRenderer.render(template, context: scope) }
    }

    /// `setValue`: the rule's own `prefix`/`suffix` (even empty) or else the flavor's, rendered.
    private func decorate(_ value: String, _ rule: TagRule) throws(MetadataError) -> String {
        var result = value
        let scope = expressions.global
        if let prefix = rule.attributes["prefix"] {
            result = try global(prefix, rule) + result
        } else if !flavor.prefix.isEmpty {
            let prefix = flavor.prefix
            result =
                try attributing(input: "flavor", value: prefix) { () throws(Failure) in try TemplateRenderer.render(prefix, context: scope) } + result
        }
        if let suffix = rule.attributes["suffix"] {
            result += try global(suffix, rule)
        } else if !flavor.suffix.isEmpty {
            let suffix = flavor.suffix
            result += try attributing(input: "flavor", value: suffix) { () throws(Failure) in try TemplateRenderer.render(suffix, context: scope) }
        }
        return result
    }

    /// `setVersion`: an empty tag is dropped; the first becomes the version, later different ones follow it;
    /// the first also decides `latest`.
    private mutating func set(_ tag: String, latest: Bool) throws(MetadataError) {
        guard !tag.isEmpty else { return }
        let sanitized = Self.sanitize(tag)
        if main == nil {
            main = sanitized
        } else if sanitized != main {
            partial.append(sanitized)
        }
        if self.latest == nil { self.latest = latest }
    }

    /// `tag.replace(/[^a-zA-Z0-9._-]+/g, '-')`.
    static func sanitize(_ tag: String) -> String {
        var output = ""
        var inRun = false
        for scalar in tag.unicodeScalars {
            let allowed =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar)
            if allowed {
                output.unicodeScalars.append(scalar)
                inRun = false
            } else if !inRun {
                output += "-"
                inRun = true
            }
        }
        return output
    }
}
