import GaaraImageCore
import Testing

/// The `images` input.
/// Ported from docker/metadata-action's __tests__/image.test.ts (`transform`): entries and the images they give,
/// or nil where the action throws.
struct ImageListTests {
    /// image.test.ts › transform.
    static let cases: [([String], [ImageName]?)] = [
        // image.test.ts › transform
        (["name/foo"], [ImageName(name: "name/foo")]),
        // image.test.ts › transform
        (["name/foo,name/bar"], [ImageName(name: "name/foo"), ImageName(name: "name/bar")]),
        // image.test.ts › transform
        (["name/foo", "name/bar"], [ImageName(name: "name/foo"), ImageName(name: "name/bar")]),
        // image.test.ts › transform
        (
            ["name=name/bar", "name/foo,enable=false", "name=ghcr.io/UserName/Foo,enable=true"],
            [ImageName(name: "name/bar"), ImageName(name: "name/foo", enable: false), ImageName(name: "ghcr.io/UserName/Foo")]
        ),
        // image.test.ts › transform
        (["value=name/foo"], nil),
        // image.test.ts › transform
        (["name/foo,enable=bar"], nil),
        // image.test.ts › transform
        (["name/foo,bar=baz"], nil),
        // image.test.ts › transform
        (["name=,enable=true"], nil),
        // image.test.ts › transform lists this entry as invalid, but that test's try/catch passes whether or not
        // Transform throws, and image.ts accepts it: the later `name=` wins.
        (["name/foo,name=name/bar,enable=true"], [ImageName(name: "name/bar")]),
    ]

    /// Each list gives upstream's images, or an error naming the `images` input.
    @Test(arguments: cases)
    func transform(_ entries: [String], _ expected: [ImageName]?) throws {
        if let expected {
            #expect(try ImageName.parse(entries) == expected)
        } else {
            let error = #expect(throws: MetadataError.self) { try ImageName.parse(entries) }
            #expect(error?.input == "images")
        }
    }
}
