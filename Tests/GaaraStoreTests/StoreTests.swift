import Foundation
import GaaraStore
import Testing

/// The database: migrations, constraints, numbering, recovery and idempotent records.
struct StoreTests {
    static func open() throws -> (Store, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try Store(path: directory.appendingPathComponent("gaara.db").path), directory)
    }

    @Test func runsAreNumberedPerRepositoryAndRecoveredAfterACrash() async throws {
        let (store, directory) = try Self.open()
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = try await store.addRepository(RepositoryRecord(name: "one", path: "/x/one.git"))
        let two = try await store.addRepository(RepositoryRecord(name: "two", path: "/x/two.git"))
        await #expect(throws: (any Error).self) { try await store.addRepository(RepositoryRecord(name: "one", path: "/y")) }
        func run(_ repository: RepositoryRecord) async throws -> RunRecord {
            try await store.createRun(
                RunRecord(
                    repositoryID: repository.id!, workflowPath: "ci.yml", workflowName: "CI", event: "push", ref: "refs/heads/main", sha: "abc",
                    actor: "me"))
        }
        let a = try await run(one)
        let b = try await run(one)
        let c = try await run(two)
        #expect([a.number, b.number, c.number] == [Int]([1, 2, 1]))
        try await store.startRun(a.id!)
        let job = try await store.startJob(runID: a.id!, key: "build", index: 0, name: "build")
        try await store.startStep(jobID: job, number: 1, name: "step")
        // The process dies here; the next start finds a running run.
        let reopened = try Store(path: directory.appendingPathComponent("gaara.db").path)
        #expect(try await reopened.recoverInterruptedRuns() == [a.id!])
        let recovered = try #require(try await reopened.run(id: a.id!))
        #expect(recovered.status == .completed && recovered.conclusion == .interrupted)
        let jobs = try await reopened.jobs(runID: a.id!)
        #expect(jobs.first?.job.conclusion == .interrupted && jobs.first?.steps.first?.conclusion == .interrupted)
        #expect(try await reopened.queuedRuns().map(\.id) == [b.id, c.id])
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func schedulesFireOnceAndDeliveriesAreRecordedOnce() async throws {
        let (store, directory) = try Self.open()
        defer { try? FileManager.default.removeItem(at: directory) }
        let repository = try await store.addRepository(RepositoryRecord(name: "r", path: "/r.git"))
        #expect(try await store.recordFire(repositoryID: repository.id!, workflowPath: "w.yml", cron: "* * * * *", at: 60))
        #expect(try await store.recordFire(repositoryID: repository.id!, workflowPath: "w.yml", cron: "* * * * *", at: 60) == false)
        #expect(try await store.recordFire(repositoryID: repository.id!, workflowPath: "w.yml", cron: "* * * * *", at: 120))
        #expect(try await store.recordDelivery("github:1"))
        #expect(try await store.recordDelivery("github:1") == false)
    }

    @Test func runFiltersAndPagesWork() async throws {
        let (store, directory) = try Self.open()
        defer { try? FileManager.default.removeItem(at: directory) }
        let repository = try await store.addRepository(RepositoryRecord(name: "r", path: "/r.git"))
        var records: [RunRecord] = []
        for index in 0..<250 {
            var record = RunRecord(
                repositoryID: repository.id!, workflowPath: "ci.yml", workflowName: "CI", event: index % 2 == 0 ? "push" : "pull_request",
                ref: index % 5 == 0 ? "refs/heads/dev" : "refs/heads/main", sha: "s\(index)", actor: "a")
            record.status = .completed
            record.conclusion = index % 3 == 0 ? .failure : .success
            records.append(record)
        }
        try await store.insertCompletedRuns(records)
        let all = try await store.runs(RunFilter(perPage: 100))
        #expect(all.total == 250 && all.runs.count == 100 && all.runs.first!.run.sha == "s249")
        let last = try await store.runs(RunFilter(page: 3, perPage: 100))
        #expect(last.runs.count == 50)
        let dev = try await store.runs(RunFilter(branch: "dev", status: "failure", event: "push"))
        #expect(dev.total == records.indices.filter { $0 % 5 == 0 && $0 % 3 == 0 && $0 % 2 == 0 }.count)
    }
}
