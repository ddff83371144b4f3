import Testing

@testable import GaaraRouterCore

/// `--trusted-proxy` blocks: parsing addresses and CIDR ranges, and matching client addresses.
struct AddressRangeTests {
    @Test(arguments: [
        ("127.0.0.1", IPAddress(ipv4: 0x7f00_0001)),
        ("0.0.0.0", IPAddress(ipv4: 0)),
        ("255.255.255.255", IPAddress(ipv4: 0xffff_ffff)),
        ("::1", IPAddress(high: 0, low: 1)),
        ("::", IPAddress(high: 0, low: 0)),
        ("fe80::1", IPAddress(high: 0xfe80_0000_0000_0000, low: 1)),
        ("2001:DB8:0:0:1:2:3:4", IPAddress(high: 0x2001_0db8_0000_0000, low: 0x0001_0002_0003_0004)),
        ("1:2:3:4:5:6:7::", IPAddress(high: 0x0001_0002_0003_0004, low: 0x0005_0006_0007_0000)),
        ("::ffff:10.0.0.1", IPAddress(ipv4: 0x0a00_0001)),
        ("64:ff9b::192.0.2.33", IPAddress(high: 0x0064_ff9b_0000_0000, low: 0xc000_0221)),
    ])
    func addressesParse(_ text: String, _ expected: IPAddress) {
        #expect(IPAddress(text) == expected, "\(text)")
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1..3.4", "localhost", ":::", "1::2::3", "12345::",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "::g", "::-1", "::+1", "[::1]", "fe80::1%eth0", "::1.2.3.4:5",
    ])
    func malformedAddressesAreRefused(_ text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test func ipv6BytesAndIPv4BitsMakeTheSameAddressesAsText() {
        #expect(IPAddress(ipv6: [UInt8](repeating: 0, count: 15) + [1]) == IPAddress("::1"))
        #expect(IPAddress(ipv6: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2]) == IPAddress("192.168.1.2"))
        #expect(IPAddress(ipv6: [1, 2, 3]) == nil)
        #expect(IPAddress("10.0.0.1")!.isIPv4 && !IPAddress("::1")!.isIPv4)
    }

    @Test(arguments: [
        ("127.0.0.1/32", "127.0.0.1", true),
        ("127.0.0.1/32", "127.0.0.2", false),
        ("127.0.0.1", "127.0.0.1", true),
        ("10.0.0.0/8", "10.255.1.2", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("10.1.2.3/8", "10.9.9.9", true),
        ("192.168.1.128/25", "192.168.1.200", true),
        ("192.168.1.128/25", "192.168.1.127", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("0.0.0.0/0", "::1", false),
        ("::1/128", "::1", true),
        ("::1/128", "::2", false),
        ("::1", "127.0.0.1", false),
        ("fd00::/8", "fd12:3456::1", true),
        ("fd00::/8", "fe80::1", false),
        ("::/0", "2001:db8::1", true),
        // An IPv4 client on a dual-stack socket shows up IPv4-mapped.
        ("127.0.0.0/8", "::ffff:127.0.0.1", true),
        ("::ffff:0:0/96", "10.0.0.1", true),
    ])
    func rangesHoldTheirAddresses(_ range: String, _ address: String, _ expected: Bool) throws {
        let block = try #require(AddressRange(range))
        let client = try #require(IPAddress(address))
        #expect(block.contains(client) == expected, "\(range) ∋ \(address)")
    }

    @Test(arguments: ["", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/1000", "host/8"])
    func malformedRangesAreRefused(_ text: String) {
        #expect(AddressRange(text) == nil, "\(text)")
    }

    @Test func prefixLengthsCountOnTheMappedForm() throws {
        #expect(try #require(AddressRange("10.0.0.0/8")).prefixLength == 104)
        #expect(try #require(AddressRange("::1")).prefixLength == 128)
        #expect(try #require(AddressRange("10.1.2.3/8")).network == IPAddress("10.0.0.0"))
    }
}
