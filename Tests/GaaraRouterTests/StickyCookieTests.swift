import GaaraRouterCore
import Testing

@testable import GaaraRouter

/// The sticky cookie as the router reads and assigns it: found among others with any spacing,
/// not confused with a longer name, `BUCKET-CLIENT` keeping its bucket and telling clients apart.
struct StickyCookieTests {
    @Test func theCookieIsFoundByItsExactName() {
        #expect(ProxyHandler.cookie("gaara_bucket", in: ["a=1; gaara_bucket=42-x1 ;b=2"]) == "42-x1")
        #expect(ProxyHandler.cookie("gaara_bucket", in: ["gaara_bucketx=1; other=2", "\tgaara_bucket=7"]) == "7")
        #expect(ProxyHandler.cookie("gaara_bucket", in: ["gaara_bucketx=1", "gaara_bucke=2"]) == nil)
        #expect(ProxyHandler.cookie("gaara_bucket", in: ["gaara_bucket="]) == "")
        #expect(ProxyHandler.cookie("c", in: ["c=é-ü"]) == "é-ü")
        #expect(ProxyHandler.cookie("c", in: [String]()) == nil)
    }

    @Test func anAssignedCookieKeepsItsBucketAndNamesItsClient() throws {
        var random = FastRandom(seed: 7)
        let fresh = ProxyHandler.bucket(sticky: .assigned("gaara_bucket"), random: &random, header: { _ in nil }, cookie: { _ in nil })
        let cookie = try #require(fresh.assignCookie)
        let value = String(cookie.split(separator: ";").first?.dropFirst("gaara_bucket=".count) ?? "")
        #expect(value.hasPrefix("\(fresh.bucket)-") && fresh.client == DistinctCounter.hash(value), "\(cookie)")
        // The client comes back with it: the same bucket and client, no new cookie.
        let back = ProxyHandler.bucket(sticky: .assigned("gaara_bucket"), random: &random, header: { _ in nil }, cookie: { _ in value })
        #expect(back.bucket == fresh.bucket && back.client == fresh.client && back.assignCookie == nil)
        // A cookie from a router before clients were told apart: its bucket still holds.
        let old = ProxyHandler.bucket(sticky: .assigned("gaara_bucket"), random: &random, header: { _ in nil }, cookie: { _ in "4821" })
        #expect(old.bucket == 4821 && old.assignCookie == nil)
        // Out of range or not a number: a new assignment.
        let bad = ProxyHandler.bucket(sticky: .assigned("gaara_bucket"), random: &random, header: { _ in nil }, cookie: { _ in "99999-x" })
        #expect(bad.assignCookie != nil)
        // No stickiness: nobody is counted.
        #expect(ProxyHandler.bucket(sticky: .none, random: &random, header: { _ in nil }, cookie: { _ in nil }).client == 0)
    }
}
