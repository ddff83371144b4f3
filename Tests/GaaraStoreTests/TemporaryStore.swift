import Foundation
import GaaraStore

/// A store on a real SQLite file in a folder of its own, removed when the test is done.
struct TemporaryStore {
    /// The folder holding the database.
    let directory: URL
    /// The store, opened (and migrated) once.
    let store: Store

    /// The database file.
    var path: String { directory.appendingPathComponent("gaara.db").path }

    /// Creates the folder and opens a new database in it.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try Store(path: directory.appendingPathComponent("gaara.db").path)
    }

    /// Opens the same file again, as the next server process would.
    func reopen() throws -> Store {
        try Store(path: path)
    }

    /// Removes the folder.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A repository named `name`.
    func repository(_ name: String = "app") async throws -> RepositoryRecord {
        try await store.addRepository(RepositoryRecord(name: name, path: "/repos/\(name).git"))
    }

    /// A queued push run of `repository`.
    func run(_ repository: RepositoryRecord, sha: String = "abc") async throws -> RunRecord {
        try await store.createRun(
            RunRecord(
                repositoryID: repository.id!, workflowPath: ".github/workflows/ci.yml", workflowName: "CI", event: "push",
                ref: "refs/heads/main", sha: sha, actor: "me"))
    }
}
