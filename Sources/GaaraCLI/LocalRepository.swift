import Foundation
import GaaraExpressions
import GaaraProcess

/// Facts about the local repository a `gaara run` starts from, read with git.
struct LocalRepository {
    let root: URL
    let isGit: Bool
    let sha: String
    let branch: String?
    let parent: String?
    let actor: String
    let email: String
    let name: String
    let message: String
    let timestamp: String

    static let zeroSHA = String(repeating: "0", count: 40)

    static func git(_ arguments: [String], in root: URL, environment: [String: String] = [:]) async -> String? {
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        guard let result = try? await ChildProcess.capture(.init("git", arguments, environment: env, workingDirectory: root.path), timeout: 120),
            result.status.isSuccess
        else { return nil }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads the repository at `root` (a folder that is not a git repository works too).
    static func read(_ root: URL) async -> LocalRepository {
        let sha = await git(["rev-parse", "--verify", "HEAD"], in: root)
        let isGit = await git(["rev-parse", "--git-dir"], in: root) != nil
        let branch = await git(["symbolic-ref", "--short", "-q", "HEAD"], in: root)
        let parent = await git(["rev-parse", "--verify", "-q", "HEAD~1"], in: root)
        let actor = await git(["config", "user.name"], in: root) ?? ProcessInfo.processInfo.environment["USER"] ?? "gaara"
        let email = await git(["config", "user.email"], in: root) ?? ""
        let message = sha == nil ? "" : await git(["log", "-1", "--format=%B"], in: root) ?? ""
        let timestamp = sha == nil ? "" : await git(["log", "-1", "--format=%cI"], in: root) ?? ""
        var name = root.lastPathComponent
        if let remote = await git(["config", "--get", "remote.origin.url"], in: root) {
            name = repositoryName(fromRemote: remote) ?? "\(actor.replacingOccurrences(of: " ", with: "-").lowercased())/\(name)"
        } else {
            name = "\(actor.replacingOccurrences(of: " ", with: "-").lowercased())/\(name)"
        }
        return LocalRepository(
            root: root, isGit: isGit, sha: sha ?? zeroSHA, branch: branch, parent: parent, actor: actor, email: email, name: name,
            message: message, timestamp: timestamp)
    }

    /// `owner/name` from `git@host:owner/name.git` or `https://host/owner/name.git`.
    static func repositoryName(fromRemote remote: String) -> String? {
        var text = remote
        if text.hasSuffix(".git") { text.removeLast(4) }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == ":" })
        guard parts.count >= 2 else { return nil }
        return "\(parts[parts.count - 2])/\(parts[parts.count - 1])"
    }

    /// A commit holding the working tree as it is (tracked and untracked files, .gitignore
    /// respected), made without touching the index or HEAD; HEAD itself when nothing changed.
    func snapshotCommit(scratch: URL) async -> String? {
        guard isGit else { return nil }
        let index = scratch.appendingPathComponent("snapshot-index")
        let environment = ["GIT_INDEX_FILE": index.path]
        if sha != Self.zeroSHA { _ = await Self.git(["read-tree", "HEAD"], in: root, environment: environment) }
        guard await Self.git(["add", "-A"], in: root, environment: environment) != nil,
            let tree = await Self.git(["write-tree"], in: root, environment: environment)
        else { return nil }
        try? FileManager.default.removeItem(at: index)
        if sha != Self.zeroSHA, await Self.git(["rev-parse", "HEAD^{tree}"], in: root) == tree { return sha }
        var arguments = ["commit-tree", tree, "-m", "gaara: working tree snapshot"]
        if sha != Self.zeroSHA { arguments += ["-p", sha] }
        let identity = ["GIT_AUTHOR_NAME": actor, "GIT_AUTHOR_EMAIL": email.isEmpty ? "gaara@localhost" : email,
            "GIT_COMMITTER_NAME": actor, "GIT_COMMITTER_EMAIL": email.isEmpty ? "gaara@localhost" : email]
        return await Self.git(arguments, in: root, environment: identity)
    }

    /// Files changed by HEAD and in the working tree (for `paths` filters); nil outside git.
    func changedFiles() async -> [String]? {
        guard isGit else { return nil }
        var files = Set<String>()
        if sha != Self.zeroSHA {
            let range = parent.map { ["diff", "--name-only", $0, sha] } ?? ["ls-tree", "-r", "--name-only", sha]
            if let output = await Self.git(range, in: root) { files.formUnion(output.split(separator: "\n").map(String.init)) }
        }
        if let status = await Self.git(["status", "--porcelain", "--untracked-files=all"], in: root) {
            for line in status.split(separator: "\n") where line.count > 3 {
                let path = String(line.dropFirst(3))
                files.insert(path.components(separatedBy: " -> ").last ?? path)
            }
        }
        return files.sorted()
    }

    /// The default branch: origin's HEAD, else main or master if present, else the current branch.
    func defaultBranch() async -> String {
        if let head = await Self.git(["symbolic-ref", "--short", "-q", "refs/remotes/origin/HEAD"], in: root) {
            return String(head.split(separator: "/").dropFirst().joined(separator: "/"))
        }
        for candidate in ["main", "master"] where await Self.git(["show-ref", "--verify", "-q", "refs/heads/\(candidate)"], in: root) != nil {
            return candidate
        }
        return branch ?? "main"
    }

    var commitObject: ExpressionValue {
        let person: ExpressionValue = .object([("name", .string(actor)), ("email", .string(email)), ("username", .string(actor))])
        return .object([
            ("id", .string(sha)), ("tree_id", .string("")), ("message", .string(message)), ("timestamp", .string(timestamp)),
            ("author", person), ("committer", person),
        ])
    }

    var repositoryObject: ExpressionValue {
        let owner = String(name.split(separator: "/").first ?? "")
        return .object([
            ("name", .string(String(name.split(separator: "/").last ?? ""))), ("full_name", .string(name)),
            ("owner", .object([("login", .string(owner)), ("name", .string(owner))])), ("private", .bool(true)),
        ])
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
