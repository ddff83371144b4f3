import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess

/// The bare repositories the server hosts, read and written with the git executable.
public struct GitHost: Sendable {
    /// `data/repos`.
    public let root: URL
    /// The `gaara` executable the `post-receive` hook calls.
    public let executable: String
    /// The data directory the hook tells `gaara hook` about.
    public let dataDirectory: URL

    /// Creates the host.
    public init(root: URL, executable: String, dataDirectory: URL) {
        self.root = root
        self.executable = executable
        self.dataDirectory = dataDirectory
    }

    /// Names that are safe as a folder, a URL segment and a command-line argument: `[A-Za-z0-9._-]`,
    /// not starting with `.` or `-`, at most 100.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."), !name.hasPrefix("-"), !name.hasSuffix(".git") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F
                || byte == 0x2D
        }
    }

    /// The bare repository of `name`.
    public func path(of name: String) -> URL {
        root.appendingPathComponent(name + ".git")
    }

    /// Creates a bare repository (or adopts the one already there) and installs the hook.
    public func create(_ name: String, defaultBranch: String) async throws -> URL {
        let path = path(of: name)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path.appendingPathComponent("HEAD").path) {
            _ = try await git(["init", "--quiet", "--bare", "--initial-branch=" + defaultBranch, path.path], in: root)
        }
        try installHook(path)
        return path
    }

    /// Writes `hooks/post-receive`: it hands the updated refs to `gaara hook`, which tells the server.
    public func installHook(_ repository: URL) throws {
        let hooks = repository.appendingPathComponent("hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let hook = hooks.appendingPathComponent("post-receive")
        let script = """
            #!/bin/sh
            # Installed by gaara: tells the gaara server about each updated ref.
            exec \(Self.shellQuote(executable)) hook --data \(Self.shellQuote(dataDirectory.path)) --repository "$(basename "$(pwd)" .git)"

            """
        try script.write(to: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs git in `directory`; throws with its output when it fails.
    @discardableResult
    public func git(_ arguments: [String], in directory: URL, timeout: Double = 300) async throws -> String {
        // Never wait for a password, and read git's messages in one language.
        try await GitCommand.run(arguments, in: directory, environment: ["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"], timeout: timeout)
    }

    /// The workflow files at a commit: path and text.
    public func workflowFiles(_ repository: URL, commit: String) async throws -> [(path: String, text: String)] {
        let listing = try await git(
            ["ls-tree", "-r", "--full-tree", "--end-of-options", commit, "--", ".github/workflows", ".gaara/workflows"], in: repository)
        var files: [(String, String)] = []
        for line in listing.split(separator: "\n") {
            // <mode> SP <type> SP <object> TAB <path>
            guard let tab = line.firstIndex(of: "\t") else { continue }
            let fields = line[..<tab].split(separator: " ")
            let path = String(line[line.index(after: tab)...])
            guard fields.count == 3, fields[1] == "blob", path.hasSuffix(".yml") || path.hasSuffix(".yaml") else { continue }
            let directory = (path as NSString).deletingLastPathComponent
            guard directory == ".github/workflows" || directory == ".gaara/workflows" else { continue }
            files.append((path, try await git(["cat-file", "blob", "--end-of-options", String(fields[2])], in: repository)))
        }
        return files
    }

    /// Files that differ between two commits (all files of `after` when `before` is absent or unknown).
    public func changedFiles(_ repository: URL, before: String?, after: String) async -> [String]? {
        if let before, before != GitNames.zeroSHA,
            (try? await git(["cat-file", "-e", "--end-of-options", before + "^{commit}"], in: repository)) != nil
        {
            guard let output = try? await git(["diff", "--name-only", "--no-renames", "--end-of-options", before, after, "--"], in: repository) else {
                return nil
            }
            return output.split(separator: "\n").map(String.init)
        }
        guard let output = try? await git(["ls-tree", "-r", "--name-only", "--full-tree", "--end-of-options", after], in: repository) else {
            return nil
        }
        return output.split(separator: "\n").map(String.init)
    }

    /// The full sha of a commit-ish, or nil.
    public func resolve(_ repository: URL, _ revision: String) async -> String? {
        guard !revision.hasPrefix("-"),
            let output = try? await git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], in: repository)
        else { return nil }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The head commit of every branch, by branch name.
    public func branches(_ repository: URL) async -> [String: String] {
        guard let output = try? await git(["for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"], in: repository) else {
            return [:]
        }
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
        }
        return result
    }

    /// The commit as GitHub's payloads show it (`id`, `message`, `timestamp`, `author`, `committer`).
    public func commitObject(_ repository: URL, _ sha: String) async -> ExpressionValue {
        guard
            let output = try? await git(
                ["log", "-1", "--format=%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%B", "--end-of-options", sha, "--"], in: repository)
        else {
            return .object([("id", .string(sha))])
        }
        let fields = output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 7 else { return .object([("id", .string(sha))]) }
        return GitHubPayload.commit(
            id: fields[0], message: fields[6].trimmingCharacters(in: .whitespacesAndNewlines), timestamp: fields[3],
            author: (fields[1], fields[2]), committer: (fields[4], fields[5]))
    }

    /// Writes the tree of `commit` into `destination` (`git archive` piped into `tar`).
    public func export(_ repository: URL, commit: String, to destination: URL) async throws {
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let script = "git archive --format=tar --end-of-options \"$1\" | tar -x -C \"$2\""
        let result = try await ChildProcess.capture(
            .init(
                "sh", ["-ec", script, "export", commit, destination.path], environment: ProcessInfo.processInfo.environment,
                workingDirectory: repository.path))
        guard result.status.isSuccess else { throw GitError(arguments: ["archive", commit], output: result.output) }
    }

    /// Fetches branches and tags (and `extraRefspecs`) from `url` into the bare repository.
    public func fetch(_ repository: URL, from url: String, extraRefspecs: [String] = []) async throws {
        guard GitNames.isCloneURL(url) else { throw GitError(arguments: ["fetch"], output: "refusing '\(url)': not a URL git may fetch from") }
        try await git(
            [
                "fetch", "--quiet", "--force", "--prune", "--no-write-fetch-head", "--end-of-options", url, "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ]
                + extraRefspecs, in: repository)
    }
}
