import Foundation
import GaaraStore
import Testing

/// The server's rollouts: one per environment at a time, decided in one transaction, and the ones
/// a stop cut short found again (and marked) at the next start.
@Suite struct StoreRolloutTests {
    static func row(_ repository: Int64, _ environment: String, kind: String = "deploy") -> RolloutRow {
        RolloutRow(
            repositoryID: repository, environment: environment, kind: kind, service: nil, ref: "refs/heads/main", sha: "abc", image: nil,
            toRelease: nil, actor: "ann", createdAt: 1_000)
    }

    @Test func oneRolloutPerEnvironmentAtATimeAndInterruptedOnesAreFoundAfterARestart() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let app = try await temporary.repository()
        let other = try await temporary.repository("other")
        let store = temporary.store

        let (first, none) = try await store.beginRollout(Self.row(app.id!, "staging"))
        #expect(first?.id != nil && first?.state == "running" && none == nil)
        let (refused, running) = try await store.beginRollout(Self.row(app.id!, "staging", kind: "rollback"))
        #expect(refused == nil && running?.id == first?.id, "a second rollout of the environment waits for the first")
        let (production, _) = try await store.beginRollout(Self.row(app.id!, "production"))
        let (elsewhere, _) = try await store.beginRollout(Self.row(other.id!, "staging"))
        #expect(production != nil && elsewhere != nil, "other environments and repositories are independent")

        try await store.finishRollout(first!.id!, state: "succeeded", releases: "web-1", error: nil, at: 1_010)
        let (next, _) = try await store.beginRollout(Self.row(app.id!, "staging", kind: "rollback"))
        #expect(next != nil, "the environment is free once the first ended")
        #expect(try await store.rollouts(repositoryID: app.id!, environment: "staging").map(\.kind) == ["rollback", "deploy"])
        #expect(try await store.rollout(repositoryID: other.id!, id: first!.id!) == nil, "ids are looked up within their repository")

        let restarted = try temporary.reopen()
        let interrupted = try await restarted.recoverInterruptedRollouts(at: 2_000)
        #expect(Set(interrupted.compactMap(\.id)) == Set([production!.id!, elsewhere!.id!, next!.id!]))
        let after = try #require(try await restarted.rollout(repositoryID: app.id!, id: production!.id!))
        #expect(after.state == "interrupted" && after.finishedAt == 2_000 && after.error?.contains("the server stopped") == true)
        #expect(try await restarted.rollout(repositoryID: app.id!, id: first!.id!)?.state == "succeeded", "ended ones stay as they were")
        #expect(try await restarted.recoverInterruptedRollouts().isEmpty, "a second start finds none")
    }
}
