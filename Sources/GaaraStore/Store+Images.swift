import Foundation
import GRDB

/// An image a run pushed, by digest: what a deployment names, and where it came from.
public struct ImageRow: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// The table name.
    public static let databaseTableName = "image"
    /// Row id.
    public var id: Int64?
    /// The repository whose run built it.
    public var repositoryID: Int64
    /// The run that built it.
    public var runID: Int64
    /// The job's display name.
    public var job: String
    /// The step's display name.
    public var step: String
    /// The registry repository (`127.0.0.1:5000/team/backend`).
    public var name: String
    /// The tags pushed, as a JSON array.
    public var tagsJSON: String
    /// The manifest digest (`sha256:…`).
    public var digest: String
    /// The image id in the engine that built it.
    public var imageID: String
    /// Bytes, as the engine reports them.
    public var size: Int64
    /// The commit built.
    public var sha: String
    /// Unix seconds of the push.
    public var createdAt: Double

    /// Creates a row.
    public init(
        repositoryID: Int64, runID: Int64, job: String, step: String, name: String, tags: [String], digest: String, imageID: String, size: Int64,
        sha: String, createdAt: Double
    ) {
        self.repositoryID = repositoryID
        self.runID = runID
        self.job = job
        self.step = step
        self.name = name
        tagsJSON = String(decoding: (try? JSONEncoder().encode(tags)) ?? Data("[]".utf8), as: UTF8.self)
        self.digest = digest
        self.imageID = imageID
        self.size = size
        self.sha = sha
        self.createdAt = createdAt
    }

    /// The tags pushed.
    public var tags: [String] { (try? JSONDecoder().decode([String].self, from: Data(tagsJSON.utf8))) ?? [] }

    /// Stores the new row id.
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Store {
    // MARK: Images

    /// Records a pushed image of run `runID` (its repository is the run's).
    @discardableResult
    public func addImage(
        runID: Int64, job: String, step: String, name: String, tags: [String], digest: String, imageID: String, size: Int64, sha: String,
        createdAt: Double
    ) async throws -> ImageRow {
        try await pool.write { db in
            guard let repositoryID = try Int64.fetchOne(db, sql: "SELECT repositoryID FROM run WHERE id = ?", arguments: [runID]) else {
                throw DatabaseError(resultCode: .SQLITE_NOTFOUND, message: "no run \(runID) to record an image of")
            }
            var row = ImageRow(
                repositoryID: repositoryID, runID: runID, job: job, step: step, name: name, tags: tags, digest: digest, imageID: imageID, size: size,
                sha: sha, createdAt: createdAt)
            try row.insert(db)
            return row
        }
    }

    /// The images a run pushed, in the order it pushed them.
    public func images(runID: Int64) async throws -> [ImageRow] {
        try await pool.read { db in try ImageRow.filter(Column("runID") == runID).order(Column("id")).fetchAll(db) }
    }

    /// A repository's images, newest first, optionally of one registry repository or one digest.
    public func images(repositoryID: Int64, name: String? = nil, digest: String? = nil, limit: Int = 100) async throws -> [ImageRow] {
        try await pool.read { db in
            var request = ImageRow.filter(Column("repositoryID") == repositoryID)
            if let name { request = request.filter(Column("name") == name) }
            if let digest { request = request.filter(Column("digest") == digest) }
            return try request.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }
}
