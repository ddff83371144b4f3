import Foundation
import GRDB
import Testing

@testable import GaaraStore

/// Pushed images by digest: recorded under their run's repository, listed per run and per
/// repository (by name or digest, newest first), and removed with their run.
struct StoreImageTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test func imagesAreRecordedUnderTheRunsRepositoryAndFoundByDigest() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let repository = try await temporary.repository()
        let other = try await temporary.repository("other")
        let first = try await temporary.run(repository, sha: "s1")
        let second = try await temporary.run(repository, sha: "s2")
        let elsewhere = try await temporary.run(other, sha: "s3")
        let store = temporary.store
        let backend = try await store.addImage(
            runID: first.id!, job: "build", step: "push", name: "reg/app/backend", tags: ["main", "sha-1"], digest: Self.digest, imageID: "sha256:1",
            size: 10, sha: "s1", createdAt: 1)
        #expect(backend.repositoryID == repository.id && backend.tags == ["main", "sha-1"])
        _ = try await store.addImage(
            runID: first.id!, job: "build", step: "push", name: "reg/app/frontend", tags: ["main"],
            digest: "sha256:" + String(repeating: "cd", count: 32),
            imageID: "sha256:2", size: 20, sha: "s1", createdAt: 2)
        _ = try await store.addImage(
            runID: second.id!, job: "build", step: "push", name: "reg/app/backend", tags: ["v2"],
            digest: "sha256:" + String(repeating: "ef", count: 32),
            imageID: "sha256:3", size: 30, sha: "s2", createdAt: 3)
        _ = try await store.addImage(
            runID: elsewhere.id!, job: "build", step: "push", name: "reg/app/backend", tags: ["x"], digest: Self.digest, imageID: "sha256:1",
            size: 10,
            sha: "s3", createdAt: 4)

        #expect(try await store.images(runID: first.id!).map(\.name) == ["reg/app/backend", "reg/app/frontend"])
        #expect(try await store.images(repositoryID: repository.id!).map(\.imageID) == ["sha256:3", "sha256:2", "sha256:1"], "newest first")
        #expect(try await store.images(repositoryID: repository.id!, name: "reg/app/backend").map(\.sha) == ["s2", "s1"])
        #expect(try await store.images(repositoryID: repository.id!, digest: Self.digest).map(\.runID) == [first.id!], "not the other repository's")
        #expect(try await store.images(repositoryID: repository.id!, limit: 1).count == 1)
        await #expect(throws: DatabaseError.self) {
            try await store.addImage(
                runID: 999, job: "b", step: "s", name: "n", tags: [], digest: Self.digest, imageID: "i", size: 0, sha: "s", createdAt: 0)
        }

        // A run's images go with it.
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [first.id]) }
        #expect(try await store.images(repositoryID: repository.id!).map(\.runID) == [second.id!])
    }
}
