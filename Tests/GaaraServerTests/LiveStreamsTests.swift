import Testing

@testable import GaaraServer

/// The registry that lets a token's revocation end the event streams it opened.
struct LiveStreamsTests {
    @Test func revokingATokenMarksOnlyItsStreams() {
        let streams = LiveStreams()
        let a = streams.open(runID: 1, tokenID: 10)
        let b = streams.open(runID: 2, tokenID: 10)
        let c = streams.open(runID: 1, tokenID: 11)
        let local = streams.open(runID: 3, tokenID: nil)
        #expect(streams.revoke(tokenID: 10) == [1, 2])
        #expect(a.isRevoked && b.isRevoked && !c.isRevoked && !local.isRevoked)
        streams.close(a)
        streams.close(b)
        #expect(streams.count == 2)
        #expect(streams.revoke(tokenID: 10).isEmpty)
    }
}
