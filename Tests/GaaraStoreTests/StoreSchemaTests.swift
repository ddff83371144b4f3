import Foundation
import GRDB
import Testing

@testable import GaaraStore

/// The schema on a new file: migrations, the constraints that carry the invariants, cascades.
struct StoreSchemaTests {
    static let tables = [
        "repository", "run", "job", "step", "commitStatus", "token", "annotation", "scheduleState", "artifact", "secret", "webhookDelivery",
        "outboundDelivery", "environment", "deployment", "deploymentStatus", "deploymentReview", "variable", "audit", "image", "rollout",
    ]

    @Test func migrationsCreateEveryTableOnAnEmptyFileAndRunOnce() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        for table in Self.tables { #expect(try await temporary.store.count(table) == 0, "\(table)") }
        let applied = try await temporary.store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1", "v2-outbound-deliveries", "v3-environments", "v4-images", "v5-rollouts"])
        let journal = try await temporary.store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        _ = try await temporary.repository()
        // Opening again finds the migrations applied and keeps the rows.
        let reopened = try temporary.reopen()
        #expect(try await reopened.count("repository") == 1)
        #expect(try await reopened.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") } == applied.count)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func foreignKeysAreEnforced() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        #expect(try await temporary.store.pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
        await #expect(throws: DatabaseError.self) {
            try await temporary.store.createRun(
                RunRecord(repositoryID: 999, workflowPath: "w.yml", workflowName: "W", event: "push", ref: "refs/heads/main", sha: "s", actor: "a"))
        }
        await #expect(throws: DatabaseError.self) { _ = try await temporary.store.startJob(runID: 999, key: "build", index: 0, name: "build") }
        await #expect(throws: DatabaseError.self) { try await temporary.store.startStep(jobID: 999, number: 1, name: "step") }
    }

    /// A status or role outside the allowed values is refused by the schema itself.
    @Test(arguments: [
        "UPDATE run SET status = 'paused'", "UPDATE run SET workflowName = NULL", "UPDATE run SET repositoryID = NULL",
        "INSERT INTO token (name, hash, role, createdAt) VALUES ('t', 'h', 'root', 0)",
        "INSERT INTO job (runID, jobKey, matrixIndex, name, status, outputsJSON) VALUES (1, 'build', 0, 'build', 'running', '{}'), (1, 'build', 0, 'again', 'running', '{}')",
    ])
    func constraintsRefuseInvalidRows(_ sql: String) async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        _ = try await temporary.run(try await temporary.repository())
        await #expect(throws: DatabaseError.self) { try await temporary.store.pool.write { db in try db.execute(sql: sql) } }
    }

    @Test func deletingARepositoryRemovesItsRunsJobsStepsAndRecords() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let kept = try await temporary.repository("kept")
        let gone = try await temporary.repository("gone")
        let keptRun = try await temporary.run(kept)
        let goneRun = try await temporary.run(gone)
        for (repository, run) in [(kept, keptRun), (gone, goneRun)] {
            let job = try await store.startJob(runID: run.id!, key: "build", index: 0, name: "build")
            try await store.startStep(jobID: job, number: 1, name: "compile")
            try await store.addAnnotation(AnnotationRecord(runID: run.id!, job: "build", level: "error", message: "m"))
            try await store.addArtifact(ArtifactRecord(runID: run.id!, name: "dist", size: 10, files: 1))
            try await store.setStatus(
                CommitStatusRecord(repositoryID: repository.id!, sha: "abc", context: "ci", state: "pending", description: "d", runID: run.id))
            _ = try await store.recordFire(repositoryID: repository.id!, workflowPath: "w.yml", cron: "0 * * * *", at: 60)
        }
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM repository WHERE id = ?", arguments: [gone.id]) }
        for table in ["run", "job", "step", "annotation", "artifact", "commitStatus", "scheduleState"] {
            #expect(try await store.count(table) == 1, "\(table) keeps only the other repository's row")
        }
        #expect(try await store.jobs(runID: keptRun.id!).first?.steps.map(\.name) == ["compile"])
    }

    @Test func deletingARunKeepsItsStatusesAndRerunsButClearsTheirLink() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let repository = try await temporary.repository()
        let first = try await temporary.run(repository)
        var again = RunRecord(
            repositoryID: repository.id!, workflowPath: "w.yml", workflowName: "W", event: "push", ref: "refs/heads/main", sha: "abc", actor: "me",
            attempt: 2, rerunOf: first.id)
        again = try await store.createRun(again)
        try await store.setStatus(
            CommitStatusRecord(repositoryID: repository.id!, sha: "abc", context: "ci", state: "failure", description: "d", runID: first.id))
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [first.id]) }
        #expect(try await store.run(id: again.id!)?.rerunOf == nil)
        let statuses = try await store.statuses(repositoryID: repository.id!, sha: "abc")
        #expect(statuses.map(\.state) == ["failure"] && statuses.first?.runID == nil)
    }
}
