/// One rule of the `tags` input (`type=semver,pattern={{version}},priority=900`), parsed as `tag.ts` does:
/// every attribute kept as text, with the defaults of its type filled in.
public struct TagRule: Sendable, Equatable {
    /// The `type=` of a rule (`raw` when absent).
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// `type=schedule`: on scheduled runs, `pattern` (default `nightly`).
        case schedule
        /// `type=semver`: a semantic-version tag or `value`, rendered through `pattern`.
        case semver
        /// `type=pep440`: a PEP 440 version tag or `value`, rendered through `pattern`.
        case pep440
        /// `type=match`: a group of a regular expression `pattern` over the tag or `value`.
        case match
        /// `type=edge`: `edge` on pushes to `branch` (default: the repository's default branch).
        case edge
        /// `type=ref,event=branch|tag|pr`: the branch name, the tag name, or `pr-N`.
        case ref
        /// `type=raw`: `value` as written (after the global expressions).
        case raw
        /// `type=sha`: the commit SHA, `format=short|long`, prefixed `sha-` by default.
        case sha
    }

    /// The rule's type.
    public var kind: Kind
    /// Every attribute but `type`, defaults included (`priority`, `enable`, `prefix` for `sha` and `ref,event=pr`...).
    public var attributes: [String: String]
    /// The entry as written, for messages (not compared: two entries meaning the same rule are equal).
    public var entry: String

    /// Creates a rule from parsed parts.
    public init(kind: Kind, attributes: [String: String], entry: String = "") {
        self.kind = kind
        self.attributes = attributes
        self.entry = entry
    }

    /// Equal when the type and the attributes are.
    public static func == (lhs: TagRule, rhs: TagRule) -> Bool { lhs.kind == rhs.kind && lhs.attributes == rhs.attributes }

    /// The priority each type gets when the rule sets none; higher comes first, the first one gives the version.
    public static let defaultPriorities: [Kind: String] = [
        .schedule: "1000", .semver: "900", .pep440: "900", .match: "800", .edge: "700", .ref: "600", .raw: "200", .sha: "100",
    ]

    /// The rules used when the `tags` input is empty.
    public static let defaultEntries = ["type=schedule", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr"]

    /// Parses one entry. A field without `=` is the `value`; a key is lowercased; only the first `=` of a field
    /// splits it (after at least one character), so `value=a=b` is `a=b`.
    public static func parse(_ entry: String) throws(MetadataError) -> TagRule {
        func failure(_ message: String) -> MetadataError { MetadataError(input: "tags", value: entry, message: message) }
        let records = try attributing(input: "tags", value: entry) { () throws(Failure) in try CSV.entry.records(entry) }
        guard let fields = records.first else { throw failure("the entry is empty") }
        var kind: Kind?
        var attributes: [String: String] = [:]
        for field in fields {
            let scalars = field.unicodeScalars
            guard let equals = scalars.firstIndex(of: "="), equals != scalars.startIndex else {
                attributes["value"] = JavaScript.trim(field)
                continue
            }
            let key = JavaScript.trim(String(scalars[..<equals])).lowercased()
            let value = JavaScript.trim(String(scalars[scalars.index(after: equals)...]))
            if key == "type" {
                guard let type = Kind(rawValue: value) else { throw failure("Unknown tag type attribute: \(value)") }
                kind = type
            } else {
                attributes[key] = value
            }
        }
        let type = kind ?? .raw
        switch type {
        case .schedule:
            if attributes["pattern"] == nil { attributes["pattern"] = "nightly" }
        case .semver, .pep440:
            guard attributes["pattern"] != nil else { throw failure("Missing pattern attribute for \(entry)") }
            if attributes["value"] == nil { attributes["value"] = "" }
            if attributes["match"] == nil { attributes["match"] = "" }
        case .match:
            guard attributes["pattern"] != nil else { throw failure("Missing pattern attribute for \(entry)") }
            if attributes["group"] == nil { attributes["group"] = "0" }
            if JavaScript.number(attributes["group"] ?? "").isNaN { throw failure("Invalid match group for \(entry)") }
            if attributes["value"] == nil { attributes["value"] = "" }
        case .edge:
            if attributes["branch"] == nil { attributes["branch"] = "" }
        case .ref:
            guard let event = attributes["event"] else { throw failure("Missing event attribute for \(entry)") }
            guard ["branch", "tag", "pr"].contains(event) else { throw failure("Invalid event for \(entry)") }
            if event == "pr", attributes["prefix"] == nil { attributes["prefix"] = "pr-" }
        case .raw:
            guard attributes["value"] != nil else { throw failure("Missing value attribute for \(entry)") }
        case .sha:
            if attributes["prefix"] == nil { attributes["prefix"] = "sha-" }
            if attributes["format"] == nil { attributes["format"] = "short" }
            guard attributes["format"] == "short" || attributes["format"] == "long" else { throw failure("Invalid format for \(entry)") }
        }
        if attributes["enable"] == nil { attributes["enable"] = "true" }
        if attributes["priority"] == nil { attributes["priority"] = defaultPriorities[type] }
        return TagRule(kind: type, attributes: attributes, entry: entry)
    }

    /// The `tags` input as `Transform` reads it: the defaults when empty, each entry parsed, then ordered by
    /// priority, highest first, as V8's `Array.prototype.sort` orders them with the action's comparator.
    public static func transform(_ entries: [String]) throws(MetadataError) -> [TagRule] {
        var rules: [TagRule] = []
        for entry in entries.isEmpty ? defaultEntries : entries { rules.append(try parse(entry)) }
        // `Number(...)` of a priority that is not a number is NaN: every comparison with it is false, so "equal".
        let consistent = rules.allSatisfy { !JavaScript.number($0.attributes["priority"] ?? "").isNaN }
        return try V8Sort.sorted(rules, consistent: consistent, input: "tags") { first, second in
            let one = JavaScript.number(first.attributes["priority"] ?? "")
            let two = JavaScript.number(second.attributes["priority"] ?? "")
            return one < two ? 1 : one > two ? -1 : 0
        }
    }
}

/// V8's `Array.prototype.sort` for short arrays: one natural run (reversed when strictly descending), then a
/// binary insertion sort of the rest. With a consistent comparator any stable sort agrees with it; with the
/// action's priority comparator and a priority that is not a number (NaN compares equal to everything) only the
/// same steps give the same order, so they are reproduced for up to 63 elements, where V8 does nothing else.
enum V8Sort {
    /// Sorts with a comparator returning negative, zero or positive, as V8 does.
    /// `consistent` says whether the comparator is a total order over these elements (no NaN priority).
    static func sorted<T>(_ elements: [T], consistent: Bool, input: String, by compare: (T, T) -> Int) throws(MetadataError) -> [T] {
        var array = elements
        guard array.count >= 2 else { return array }
        guard array.count < 64 else {
            // TimSort's merges would follow; past 63 rules only a consistent comparator is supported.
            if consistent { return stableSorted(array, compare) }
            throw MetadataError(
                input: input, value: "\(array.count) entries",
                message: "more than 63 entries with a priority that is not a number is not supported by Gaara")
        }
        var run = 2
        let descending = compare(array[1], array[0]) < 0
        var previous = array[1]
        var index = 2
        while index < array.count {
            let order = compare(array[index], previous)
            if descending ? order >= 0 : order < 0 { break }
            previous = array[index]
            run += 1
            index += 1
        }
        if descending { array[0..<run].reverse() }
        var start = run
        while start < array.count {
            let pivot = array[start]
            var left = 0
            var right = start
            while left < right {
                let mid = left + (right - left) / 2
                if compare(pivot, array[mid]) < 0 { right = mid } else { left = mid + 1 }
            }
            array.remove(at: start)
            array.insert(pivot, at: left)
            start += 1
        }
        return array
    }

    private static func stableSorted<T>(_ array: [T], _ compare: (T, T) -> Int) -> [T] {
        array.enumerated().sorted { first, second in
            let order = compare(first.element, second.element)
            return order != 0 ? order < 0 : first.offset < second.offset
        }.map(\.element)
    }
}
