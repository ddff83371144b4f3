import GaaraImageCore
import Testing

/// The `flavor` input.
/// Ported from docker/metadata-action's __tests__/flavor.test.ts (`transform`): entries and the flavor they
/// give, or nil where the action throws.
struct FlavorTests {
    /// flavor.test.ts › transform.
    static let cases: [([String], Flavor?)] = [
        // flavor.test.ts › transform
        (["randomstr", "latest=auto"], nil),
        // flavor.test.ts › transform
        (["unknwown=foo"], nil),
        // flavor.test.ts › transform
        (["latest"], nil),
        // flavor.test.ts › transform
        (["latest=true"], Flavor(latest: .true, prefix: "", prefixLatest: false, suffix: "", suffixLatest: false)),
        // flavor.test.ts › transform
        (["latest=false"], Flavor(latest: .false, prefix: "", prefixLatest: false, suffix: "", suffixLatest: false)),
        // flavor.test.ts › transform
        (["latest=auto"], Flavor(latest: .auto, prefix: "", prefixLatest: false, suffix: "", suffixLatest: false)),
        // flavor.test.ts › transform
        (["latest=foo"], nil),
        // flavor.test.ts › transform
        (["prefix=sha-"], Flavor(latest: .auto, prefix: "sha-", prefixLatest: false, suffix: "", suffixLatest: false)),
        // flavor.test.ts › transform
        (["suffix=-alpine"], Flavor(latest: .auto, prefix: "", prefixLatest: false, suffix: "-alpine", suffixLatest: false)),
        // flavor.test.ts › transform
        (
            ["latest=false", "prefix=dev-", "suffix=-alpine"],
            Flavor(latest: .false, prefix: "dev-", prefixLatest: false, suffix: "-alpine", suffixLatest: false)
        ),
        // flavor.test.ts › transform
        (["prefix=dev-,onlatest=true"], Flavor(latest: .auto, prefix: "dev-", prefixLatest: true, suffix: "", suffixLatest: false)),
        // flavor.test.ts › transform
        (["suffix=-alpine,onlatest=true"], Flavor(latest: .auto, prefix: "", prefixLatest: false, suffix: "-alpine", suffixLatest: true)),
        // flavor.test.ts › transform
        (
            ["prefix=dev-,onlatest=true", "suffix=-alpine,onlatest=true"],
            Flavor(latest: .auto, prefix: "dev-", prefixLatest: true, suffix: "-alpine", suffixLatest: true)
        ),
        // flavor.test.ts › transform
        (["prefix= "], Flavor(latest: .auto, prefix: "", prefixLatest: false, suffix: "", suffixLatest: false)),
    ]

    /// Each list gives upstream's flavor, or an error naming the `flavor` input.
    @Test(arguments: cases)
    func transform(_ entries: [String], _ expected: Flavor?) throws {
        if let expected {
            #expect(try Flavor.parse(entries) == expected)
        } else {
            let error = #expect(throws: MetadataError.self) { try Flavor.parse(entries) }
            #expect(error?.input == "flavor")
        }
    }
}
