import Foundation
import Testing

@testable import GaaraServer

/// The CLI's credential on the server's machine: minted from hook.key, good for five minutes.
struct LocalCredentialTests {
    static let key = Data((0..<32).map { UInt8($0) })

    @Test func aFreshCredentialIsAcceptedAndAStaleOrForgedOneIsNot() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = CIServer.localToken(key: Self.key, time: now)
        #expect(CIServer.isValidLocalToken(token, key: Self.key, now: now))
        #expect(CIServer.isValidLocalToken(token, key: Self.key, now: now.addingTimeInterval(299)))
        #expect(!CIServer.isValidLocalToken(token, key: Self.key, now: now.addingTimeInterval(301)))
        #expect(!CIServer.isValidLocalToken(token, key: Self.key, now: now.addingTimeInterval(-301)))
        #expect(!CIServer.isValidLocalToken(token, key: Data(repeating: 7, count: 32), now: now))
        // The time is part of what is signed: a later time on an old signature is refused.
        let parts = token.split(separator: ":")
        #expect(!CIServer.isValidLocalToken("local:\(Int(parts[1])! + 60):\(parts[2])", key: Self.key, now: now))
        for malformed in ["local:", "local:x:y", "local:\(Int(now.timeIntervalSince1970))", "local::"] {
            #expect(!CIServer.isValidLocalToken(malformed, key: Self.key, now: now), "\(malformed)")
        }
    }
}
