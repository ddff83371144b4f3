import Foundation
import GaaraStore
import Testing

@testable import GaaraServer

/// The retention policy removes old artifacts and unused caches, and nothing else.
struct RetentionTests {
    @Test func oldArtifactsAndStaleCachesGoRecentOnesStay() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-retention-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var configuration = ServerConfiguration(dataDirectory: data, executable: "/bin/true")
        configuration.artifactRetentionDays = 30
        configuration.cacheRetentionDays = 7
        let server = try CIServer(configuration: configuration)
        let repository = try await server.store.addRepository(RepositoryRecord(name: "r", path: data.appendingPathComponent("repos/r.git").path))
        let now = Date()
        var ids: [Int64] = []
        for _ in 0..<2 {
            let run = try await server.store.createRun(
                RunRecord(
                    repositoryID: repository.id!, workflowPath: "ci.yml", workflowName: "CI", event: "push", ref: "refs/heads/main", sha: "s",
                    actor: "a"))
            try await server.store.finishRun(run.id!, conclusion: .success)
            ids.append(run.id!)
            let folder = server.runsDirectory.appendingPathComponent("\(run.id!)/artifacts/report")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: folder.appendingPathComponent("a.txt"))
            try await server.store.addArtifact(ArtifactRecord(runID: run.id!, name: "report", size: 1, files: 1))
        }
        let cache = data.appendingPathComponent("cache")
        for (name, days) in [("stale", 10.0), ("fresh", 1.0)] {
            let entry = cache.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: entry, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-days * 86400)], ofItemAtPath: entry.path)
        }
        // Right after the runs their artifacts stay; the cache entry unused for 10 days goes.
        let early = await server.retention.sweep(now: now)
        #expect(early.artifacts == 0 && early.caches == 1)
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("fresh").path))
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent("stale").path))
        for id in ids { #expect(try await server.store.artifacts(runID: id).allSatisfy { !$0.expired }) }
        // 35 days after, both runs' artifacts are removed.
        let late = await server.retention.sweep(now: now.addingTimeInterval(35 * 86400))
        #expect(late.artifacts == 2)
        for id in ids {
            #expect(try await server.store.artifacts(runID: id).allSatisfy(\.expired))
            #expect(try await server.store.run(id: id) != nil, "the run record is kept")
        }
    }
}
