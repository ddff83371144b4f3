/// The `flavor` input: whether a `latest` tag is added, and a prefix and suffix for every tag.
public struct Flavor: Sendable, Equatable {
    /// `latest=auto|true|false`.
    public enum Latest: String, Sendable, Equatable {
        /// Each tag rule decides (semver and pep440 releases, `type=match` and `type=ref,event=tag` ask for it).
        case auto
        /// Always a `latest` tag.
        case `true`
        /// Never.
        case `false`
    }

    /// `latest=...`, `auto` by default.
    public var latest: Latest
    /// `prefix=...`, put before every tag (a rule's own `prefix` attribute wins).
    public var prefix: String
    /// `prefix=...,onlatest=true`: the `latest` tag gets the prefix too.
    public var prefixLatest: Bool
    /// `suffix=...`, put after every tag (a rule's own `suffix` attribute wins).
    public var suffix: String
    /// `suffix=...,onlatest=true`: the `latest` tag gets the suffix too.
    public var suffixLatest: Bool

    /// Creates a flavor (the defaults are the action's).
    public init(latest: Latest = .auto, prefix: String = "", prefixLatest: Bool = false, suffix: String = "", suffixLatest: Bool = false) {
        self.latest = latest
        self.prefix = prefix
        self.prefixLatest = prefixLatest
        self.suffix = suffix
        self.suffixLatest = suffixLatest
    }

    /// The `flavor` input as `flavor.ts` reads it. `onlatest` applies to the `prefix` or `suffix` given before it
    /// on the same line, and to nothing without one (as in the action).
    public static func parse(_ entries: [String]) throws(MetadataError) -> Flavor {
        var flavor = Flavor()
        for entry in entries {
            let records = try attributing(input: "flavor", value: entry) { () throws(Failure) in try CSV.entry.records(entry) }
            guard let fields = records.first else { throw MetadataError(input: "flavor", value: entry, message: "the entry is empty") }
            var onLatestFor = ""
            for field in fields {
                // `split('=')`: every `=` splits and only the first value counts.
                let parts = field.split(separator: "=", omittingEmptySubsequences: false).map { JavaScript.trim(String($0)) }
                guard parts.count > 1 else { throw MetadataError(input: "flavor", value: entry, message: "Invalid flavor entry: \(entry)") }
                let value = parts[1]
                switch parts[0].lowercased() {
                case "latest":
                    guard let latest = Latest(rawValue: value) else {
                        throw MetadataError(input: "flavor", value: entry, message: "Invalid latest flavor entry: \(entry)")
                    }
                    flavor.latest = latest
                case "prefix":
                    flavor.prefix = value
                    onLatestFor = "prefix"
                case "suffix":
                    flavor.suffix = value
                    onLatestFor = "suffix"
                case "onlatest":
                    guard value == "true" || value == "false" else {
                        throw MetadataError(input: "flavor", value: entry, message: "Invalid value for onlatest attribute: \(value)")
                    }
                    if onLatestFor == "prefix" { flavor.prefixLatest = value == "true" }
                    if onLatestFor == "suffix" { flavor.suffixLatest = value == "true" }
                default:
                    throw MetadataError(input: "flavor", value: entry, message: "Unknown flavor entry: \(entry)")
                }
            }
        }
        return flavor
    }
}
