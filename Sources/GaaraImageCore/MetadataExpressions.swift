import Foundation

/// The objects the action's Handlebars templates are rendered against: the global expressions (`{{branch}}`,
/// `{{tag}}`, `{{sha}}`, `{{base_ref}}`, `{{is_default_branch}}`, `{{is_not_default_branch}}`,
/// `{{date 'FORMAT' tz='ZONE'}}`, `{{commit_date ...}}`) in values, prefixes, suffixes, `enable`, labels and
/// annotations; only the two dates in `type=schedule` patterns; the parsed version in `type=semver` patterns;
/// `raw`, `version`, `major`, `minor`, `patch` in `type=pep440` patterns.
struct MetadataExpressions: Sendable {
    /// The run's context after the action's adjustments.
    let context: MetadataContext
    /// `DOCKER_METADATA_SHORT_SHA_LENGTH` as read (its error surfaces only when a short SHA is needed).
    let shortSHALength: Result<Double?, MetadataError>

    /// `Meta.shortSha`: the first N characters (7 unless configured), all of a shorter SHA.
    func shortSHA(_ sha: String) throws(MetadataError) -> String {
        let length = try shortSHALength.get() ?? 7
        let count = sha.utf16.count
        if length >= Double(count) { return sha }
        // `substring(0, n)` truncates a fraction and treats a negative length as 0.
        let prefix = length > 0 ? Int(length) : 0
        return String(decoding: Array(sha.utf16.prefix(prefix)), as: UTF16.self)
    }

    /// The branch of a `refs/heads/` ref, or the ref unchanged.
    private var branchOrRef: String { Self.removing("refs/heads/", from: context.ref) }

    /// `{{is_default_branch}}`: the ref (without `refs/heads/`) is the payload repository's default branch, or
    /// the event is one that always runs on the default branch's last commit (create, discussion, issues,
    /// schedule).
    var isDefaultBranch: Bool {
        let branch = branchOrRef
        if branch.isEmpty { return false }
        if context.payload.repositoryDefaultBranch == branch { return true }
        return ["create", "discussion", "issues", "schedule"].contains { context.eventName.contains($0) }
    }

    /// The global expressions.
    var global: [String: TemplateValue] {
        let context = context
        let isDefault = isDefaultBranch
        let expressions = self
        func constant(_ name: String, _ value: String) -> (String, TemplateValue) {
            (name, .function(TemplateFunction(name: name) { _, _ in .string(value) }))
        }
        var baseRef = ""
        if context.ref.hasPrefix("refs/tags/"), let ref = context.payload.baseRef {
            baseRef = Self.removing("refs/heads/", from: ref)
        } else if context.ref.hasPrefix("refs/pull/"), let ref = context.payload.pullRequestBaseRef {
            baseRef = ref
        }
        var scope = Dictionary(uniqueKeysWithValues: [
            constant("branch", context.ref.hasPrefix("refs/heads/") ? Self.removing("refs/heads/", from: context.ref) : ""),
            constant("tag", context.ref.hasPrefix("refs/tags/") ? Self.removing("refs/tags/", from: context.ref) : ""),
            constant("base_ref", baseRef),
            constant("is_default_branch", isDefault ? "true" : "false"),
            constant("is_not_default_branch", isDefault ? "false" : "true"),
        ])
        scope["sha"] = .function(
            TemplateFunction(name: "sha") { _, _ throws(Failure) in
                do throws(MetadataError) {
                    return .string(try expressions.shortSHA(context.sha))
                } catch {
                    throw .metadata(error)
                }
            })
        scope["date"] = Self.dateFunction("date", context.now)
        scope["commit_date"] = Self.dateFunction("commit_date", context.commitDate)
        return scope
    }

    /// What a `type=schedule` pattern sees: the two dates only.
    var schedule: [String: TemplateValue] {
        ["date": Self.dateFunction("date", context.now), "commit_date": Self.dateFunction("commit_date", context.commitDate)]
    }

    /// What a `type=semver` pattern sees: node-semver's parsed object (own properties).
    static func semver(_ version: Semver) -> [String: TemplateValue] {
        [
            "options": .object(["loose": .boolean(true)]), "loose": .boolean(true), "includePrerelease": .boolean(false),
            "raw": .string(version.raw), "major": .number(Double(version.major)), "minor": .number(Double(version.minor)),
            "patch": .number(Double(version.patch)),
            "prerelease": .array(
                version.prerelease.map { identifier in
                    switch identifier {
                    case .number(let value): .number(Double(value))
                    case .text(let text): .string(text)
                    }
                }),
            "build": .array(version.build.map { .string($0) }), "version": .string(version.version),
        ]
    }

    /// What a `type=pep440` pattern of a final release sees.
    static func pep440(raw: String, _ version: PEP440) -> [String: TemplateValue] {
        func constant(_ name: String, _ value: TemplateValue) -> TemplateValue {
            .function(TemplateFunction(name: name) { _, _ in value })
        }
        return [
            "raw": constant("raw", .string(raw)), "version": constant("version", .string(version.normalized)),
            "major": constant("major", .number(version.major)), "minor": constant("minor", .number(version.minor)),
            "patch": constant("patch", .number(version.patch)),
        ]
    }

    /// `date` and `commit_date`: `function (format, options)` formatting with moment in `tz` (default UTC).
    /// Called other than as `{{name 'FORMAT' [tz='ZONE']}}` the action's function fails, and so does this one.
    private static func dateFunction(_ name: String, _ date: Date) -> TemplateValue {
        .function(
            TemplateFunction(name: name) { params, hash throws(Failure) in
                guard params.count == 1, let hash else {
                    throw .message("{{\(name)}} takes one format argument: {{\(name) 'FORMAT'}} or {{\(name) 'FORMAT' tz='ZONE'}}")
                }
                var zoneValue = TemplateValue.string("UTC")
                for (key, value) in hash {
                    guard key == "tz" else { throw .message("Unknown \(key) attribute") }
                    zoneValue = value
                }
                guard case .string(let zoneName) = zoneValue, !zoneName.isEmpty else {
                    throw .message("Time zone name must be a non-empty string, got \((try? zoneValue.text()) ?? "a function")")
                }
                guard let zone = MomentFormat.timeZone(named: zoneName) else {
                    throw .message("unknown time zone '\(zoneName)' (the action would silently use the runner's local time)")
                }
                let format: String
                switch params[0] {
                case .string(let text): format = text
                case let value where !value.isTruthy: format = ""
                default: throw .message("{{\(name)}} needs a format string")
                }
                return .string(try MomentFormat(date: date, timeZone: zone).format(format))
            })
    }

    /// `text.replace(/^prefix/, '')`.
    static func removing(_ prefix: String, from text: String) -> String {
        guard text.unicodeScalars.starts(with: prefix.unicodeScalars) else { return text }
        return String(text.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
    }
}
