/// One entry of the `images` input: a base name for the tags, and whether it is used.
public struct ImageName: Sendable, Equatable {
    /// `ghcr.io/owner/app`, as written (tags use it lowercased).
    public var name: String
    /// `enable=false` leaves it out.
    public var enable: Bool

    /// Creates an entry.
    public init(name: String, enable: Bool = true) {
        self.name = name
        self.enable = enable
    }

    /// The `images` input as `image.ts` reads it. A single line without `=` is the old format, a comma-separated
    /// list of names (empty names included, as the action keeps them); otherwise each line is `name` or
    /// `name=...` with an optional `enable=true|false`.
    public static func parse(_ entries: [String]) throws(MetadataError) -> [ImageName] {
        if entries.count == 1 {
            let fields = try Self.fields(entries[0])
            if fields.allSatisfy({ Self.parts($0).count == 1 }) {
                return fields.map { ImageName(name: Self.parts($0)[0]) }
            }
        }
        var images: [ImageName] = []
        for entry in entries {
            var image = ImageName(name: "")
            for field in try Self.fields(entry) {
                let parts = Self.parts(field)
                if parts.count == 1 {
                    image.name = parts[0]
                    continue
                }
                switch parts[0].lowercased() {
                case "name":
                    image.name = parts[1]
                case "enable":
                    guard parts[1] == "true" || parts[1] == "false" else {
                        throw MetadataError(input: "images", value: entry, message: "Invalid enable attribute value: \(entry)")
                    }
                    image.enable = parts[1] == "true"
                default:
                    throw MetadataError(input: "images", value: entry, message: "Unknown image attribute: \(entry)")
                }
            }
            guard !image.name.isEmpty else {
                throw MetadataError(input: "images", value: entry, message: "Image name attribute empty: \(entry)")
            }
            images.append(image)
        }
        return images
    }

    /// The fields of an entry's first CSV record.
    private static func fields(_ entry: String) throws(MetadataError) -> [String] {
        let records = try attributing(input: "images", value: entry) { () throws(Failure) in try CSV.entry.records(entry) }
        guard let first = records.first else { throw MetadataError(input: "images", value: entry, message: "the entry is empty") }
        return first
    }

    /// `field.split('=').map(trim)`: every `=` splits.
    private static func parts(_ field: String) -> [String] {
        field.split(separator: "=", omittingEmptySubsequences: false).map { JavaScript.trim(String($0)) }
    }
}
