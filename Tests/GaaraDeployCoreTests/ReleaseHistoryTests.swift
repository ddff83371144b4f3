import Foundation
import GaaraDeployCore
import Testing

/// The release ledger's rules: numbering, one rollout at a time, live/kept/retired, rollback targets.
@Suite struct ReleaseHistoryTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func deployed(_ count: Int, keep: Int = 2) throws -> ReleaseHistory {
        var history = ReleaseHistory(environment: "staging")
        for index in 1...count {
            let release = try history.begin(service: "web", artifact: "dir:sha256:\(index)", directory: "app", commit: nil, creator: "ana", now: now)
            _ = history.succeeded("web", number: release.number, keep: keep, now: now, note: "rolled out")
        }
        return history
    }

    @Test func releasesAreNumberedPerServiceAndOneRollsOutAtATime() throws {
        var history = ReleaseHistory(environment: "staging")
        let web = try history.begin(service: "web", artifact: "a", directory: nil, commit: "abc", creator: "ana", now: Self.now)
        let api = try history.begin(service: "api", artifact: "b", directory: nil, commit: nil, creator: "ana", now: Self.now)
        #expect(web.id == "web-1" && api.id == "api-1" && web.state == .deploying)
        #expect(throws: ReleaseError("web-1 is still being rolled out to staging; wait for it or abort it first")) {
            _ = try history.begin(service: "web", artifact: "c", directory: nil, commit: nil, creator: "bo", now: Self.now)
        }
        history.failed("web", number: 1, reason: "health", now: Self.now)
        let next = try history.begin(service: "web", artifact: "c", directory: nil, commit: nil, creator: "bo", now: Self.now)
        #expect(next.number == 2, "a failed release keeps its number")
        #expect(history.release("web", number: 1)?.state == .failed)
        #expect(history.release("web", number: 1)?.events.last?.text == "aborted: health")
    }

    @Test func aSuccessfulRolloutKeepsTheReplacedReleaseAndRetiresThoseBeyondKeep() throws {
        var history = try Self.deployed(3, keep: 2)
        #expect(history.live("web")?.number == 3)
        #expect(history.history("web").map(\.state) == [.live, .kept, .kept])
        let release = try history.begin(service: "web", artifact: "d", directory: nil, commit: nil, creator: "ana", now: Self.now)
        let retired = history.succeeded("web", number: release.number, keep: 2, now: Self.now, note: "rolled out")
        #expect(retired.map(\.id) == ["web-1"])
        #expect(history.history("web").map(\.state) == [.live, .kept, .kept, .retired])
        #expect(history.release("web", number: 3)?.events.last?.text == "replaced by web-4")
        let none = try Self.deployed(2, keep: 0)
        #expect(none.history("web").map(\.state) == [.live, .retired], "keep 0: nothing stays for rollback")
        #expect(throws: ReleaseError("web has no kept release in staging to roll back to")) { try none.rollbackTarget("web", to: nil) }
    }

    @Test func rollbackGoesToTheNewestKeptReleaseOrTheNamedOne() throws {
        var history = try Self.deployed(3, keep: 2)
        #expect(try history.rollbackTarget("web", to: nil).number == 2)
        #expect(try history.rollbackTarget("web", to: 1).number == 1)
        #expect(throws: ReleaseError("web-3 is already live in staging")) { try history.rollbackTarget("web", to: 3) }
        #expect(throws: ReleaseError("staging has no release web-9")) { try history.rollbackTarget("web", to: 9) }
        #expect(throws: ReleaseError("api has no live release in staging to roll back from")) { try history.rollbackTarget("api", to: nil) }

        history.beginRollback("web", from: 3, to: 2, creator: "bo", now: Self.now)
        #expect(history.release("web", number: 2)?.state == .deploying)
        _ = history.succeeded("web", number: 2, keep: 2, now: Self.now, note: "rolled back from web-3")
        #expect(history.live("web")?.number == 2)
        #expect(history.history("web").map(\.state) == [.kept, .live, .kept])
        // A failed rollback leaves the target kept and the live release live.
        history.beginRollback("web", from: 2, to: 3, creator: "bo", now: Self.now)
        history.failed("web", number: 3, reason: "did not become healthy", now: Self.now)
        #expect(history.history("web").map(\.state) == [.kept, .live, .kept])
        #expect(history.release("web", number: 3)?.events.last?.text == "rollback aborted: did not become healthy")
    }

    @Test func aRetiredOrFailedReleaseIsNoRollbackTarget() throws {
        var history = try Self.deployed(4, keep: 1)
        #expect(throws: ReleaseError("web-1 was retired (beyond the environment's 'keep'); deploy it again instead")) {
            try history.rollbackTarget("web", to: 1)
        }
        let broken = try history.begin(service: "web", artifact: "x", directory: nil, commit: nil, creator: "ana", now: Self.now)
        history.failed("web", number: broken.number, reason: "smoke tests failed", now: Self.now)
        #expect(throws: ReleaseError("web-5 never served traffic (failed); it cannot be rolled back to")) {
            try history.rollbackTarget("web", to: 5)
        }
        let data = try JSONEncoder().encode(history)
        #expect(try JSONDecoder().decode(ReleaseHistory.self, from: data) == history, "saved and read back unchanged")
    }

    @Test func aKeptReleaseRunsUntilItsScaleDownTimeAndAnInterruptedRolloutIsFound() throws {
        var history = try Self.deployed(2, keep: 2)
        history.keepRunning("web", number: 1, until: Self.now.addingTimeInterval(600))
        #expect(history.dueForScaleDown(now: Self.now.addingTimeInterval(599)).isEmpty)
        #expect(history.dueForScaleDown(now: Self.now.addingTimeInterval(600)).map(\.id) == ["web-1"])
        #expect(history.dueForScaleDown(now: Self.now.addingTimeInterval(900)).isEmpty, "stopped once")
        #expect(history.release("web", number: 1)?.events.last?.text == "stopped after its scale-down delay")
        // A release replaced while it waits for its scale-down loses the time (it is stopped or retired then).
        history.keepRunning("web", number: 1, until: Self.now.addingTimeInterval(600))
        let third = try history.begin(service: "web", artifact: "c", directory: nil, commit: nil, creator: "ana", now: Self.now)
        #expect(history.deploying("web") == third, "the rollout in progress (or interrupted)")
        let retired = history.succeeded("web", number: 3, keep: 1, now: Self.now, note: "rolled out")
        #expect(retired.map(\.id) == ["web-1"] && history.release("web", number: 1)?.stopAfter == nil)
        #expect(history.deploying("web") == nil)
    }
}
