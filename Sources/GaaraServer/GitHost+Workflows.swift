import Foundation
import GaaraWorkflow

/// A workflow file read from a commit, loaded with its diagnostics.
public struct CommitWorkflow: Sendable {
    /// The file's path in the commit (`.github/workflows/ci.yml`).
    public let path: String
    /// The file's text.
    public let text: String
    /// The loaded workflow (nil when it did not parse) and its diagnostics.
    public let loaded: WorkflowLoader.Result
}

extension GitHost {
    /// The workflow files at `commit` that `include` accepts (by path and text), loaded: the one
    /// way the server reads workflows from git. The filter runs before loading, so callers that
    /// want one file or one event do not pay for parsing the others.
    public func workflows(
        _ repository: URL, commit: String, where include: (_ path: String, _ text: String) -> Bool = { _, _ in true }
    ) async throws -> [CommitWorkflow] {
        try await workflowFiles(repository, commit: commit).compactMap { file in
            guard include(file.path, file.text) else { return nil }
            return CommitWorkflow(path: file.path, text: file.text, loaded: WorkflowLoader.load(text: file.text, path: file.path))
        }
    }

    /// The workflow file at `path` in `commit`, loaded; nil when the commit has no such file.
    public func workflow(_ repository: URL, commit: String, path: String) async -> CommitWorkflow? {
        guard let text = try? await git(["cat-file", "blob", "\(commit):\(path)"], in: repository) else { return nil }
        return CommitWorkflow(path: path, text: text, loaded: WorkflowLoader.load(text: text, path: path))
    }
}
