/// An image a run pushed, by digest (`GET /api/runs/{id}/images`, `GET /api/repos/{repo}/images`).
public struct ImageJSON: Codable, Sendable, Equatable {
    /// Row id.
    public var id: Int64
    /// The registry repository (`127.0.0.1:5000/team/backend`).
    public var name: String
    /// The tags pushed.
    public var tags: [String]
    /// The manifest digest (`sha256:…`).
    public var digest: String
    /// `name@digest`: the reference a deployment pulls.
    public var reference: String
    /// The image id in the engine that built it.
    public var imageId: String
    /// Bytes, as the engine reports them.
    public var size: Int64
    /// The commit built.
    public var sha: String
    /// The run that built it.
    public var runId: Int64
    /// The job's display name.
    public var job: String
    /// The step's display name.
    public var step: String
    /// When it was pushed (ISO 8601).
    public var createdAt: String

    /// Creates a value.
    public init(
        id: Int64, name: String, tags: [String], digest: String, imageId: String, size: Int64, sha: String, runId: Int64, job: String, step: String,
        createdAt: String
    ) {
        self.id = id
        self.name = name
        self.tags = tags
        self.digest = digest
        reference = "\(name)@\(digest)"
        self.imageId = imageId
        self.size = size
        self.sha = sha
        self.runId = runId
        self.job = job
        self.step = step
        self.createdAt = createdAt
    }
}
