import Foundation

/// One image a run pushed: what a deployment names (the digest) and where it came from (the run,
/// job, step and commit that built it). Recorded only once every tag of the build was pushed, so
/// a failed push never leaves a half-recorded image.
public struct ImageRecord: Sendable, Codable, Equatable {
    /// The repository the image was pushed to (`127.0.0.1:5000/team/backend`).
    public var name: String
    /// The tags pushed (`main`, `sha-0a1b2c3`), without the repository.
    public var tags: [String]
    /// The manifest digest the registry answered (`sha256:…`): what `docker pull name@digest` fetches.
    public var digest: String
    /// The image's id in the engine that built it (its config digest).
    public var imageID: String
    /// The image's size in bytes, as the engine reports it.
    public var size: Int64
    /// The commit built (`GITHUB_SHA`).
    public var sha: String
    /// The run, job and step that built it.
    public var runID: String
    /// The job's display name.
    public var job: String
    /// The step's display name.
    public var step: String
    /// When the last tag was pushed.
    public var pushedAt: Date

    /// Creates a record.
    public init(
        name: String, tags: [String], digest: String, imageID: String, size: Int64, sha: String, runID: String, job: String, step: String,
        pushedAt: Date
    ) {
        self.name = name
        self.tags = tags
        self.digest = digest
        self.imageID = imageID
        self.size = size
        self.sha = sha
        self.runID = runID
        self.job = job
        self.step = step
        self.pushedAt = pushedAt
    }

    /// `127.0.0.1:5000/team/backend@sha256:…`: the reference that names exactly this image.
    public var pinnedReference: String { "\(name)@\(digest)" }
}

/// The run directory's `images.json`: every image the run pushed, rewritten whole (through a
/// temporary file and a rename) on each addition, so a reader never sees half a file.
public enum ImageLedger {
    /// Serialises appends from parallel jobs of one process.
    private static let lock = NSLock()

    /// The ledger of a run directory.
    public static func url(in runDirectory: URL) -> URL {
        runDirectory.appendingPathComponent("images.json")
    }

    /// The records of a run directory (empty when it pushed nothing).
    public static func read(in runDirectory: URL) throws -> [ImageRecord] {
        let url = url(in: runDirectory)
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([ImageRecord].self, from: Data(contentsOf: url))
    }

    /// Adds records to the run directory's ledger.
    static func append(_ records: [ImageRecord], in runDirectory: URL) throws {
        try lock.withLock {
            let all = try read(in: runDirectory) + records
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(all).write(to: url(in: runDirectory), options: .atomic)
        }
    }
}
