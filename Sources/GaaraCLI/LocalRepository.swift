import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess

/// Facts about the local repository a `gaara run` starts from, read with git.
struct LocalRepository {
    /// The git top level (or the project folder outside git).
    let root: URL
    /// The project folder relative to `root` when the workflows live in a subfolder ("" otherwise).
    var prefix = ""
    let isGit: Bool
    let sha: String
    let branch: String?
    let parent: String?
    let actor: String
    let email: String
    let name: String
    let message: String
    let timestamp: String

    /// What `git arguments` printed in `root`, trimmed; nil when it failed.
    static func git(_ arguments: [String], in root: URL, environment: [String: String] = [:]) async -> String? {
        try? await GitCommand.run(arguments, in: root, environment: environment, timeout: 120).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The git top level at or above `start`: the nearest folder holding `.git` (a repository's
    /// folder, or a worktree's file), as `git rev-parse --show-toplevel` finds it, without starting
    /// git. When the environment redirects git (`GIT_DIR`, `GIT_WORK_TREE`, ...), git answers.
    static func topLevel(from start: URL) async -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if ["GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"].contains(where: { environment[$0] != nil }) {
            return await git(["rev-parse", "--show-toplevel"], in: start).map { URL(fileURLWithPath: $0).standardizedFileURL }
        }
        var directory = start.standardizedFileURL.resolvingSymlinksInPath()
        while true {
            let marker = directory.appendingPathComponent(".git").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: marker, isDirectory: &isDirectory),
                !isDirectory.boolValue || FileManager.default.fileExists(atPath: marker + "/HEAD")
            {
                return directory
            }
            let parent = directory.deletingLastPathComponent().standardizedFileURL
            if parent.path == directory.path || directory.path == "/" { return nil }
            directory = parent
        }
    }

    /// Reads the repository at `root` (a folder that is not a git repository works too), with a
    /// few git commands run in parallel.
    static func read(_ root: URL, isGit: Bool) async -> LocalRepository {
        guard isGit else {
            let actor = ProcessInfo.processInfo.environment["USER"] ?? "gaara"
            return LocalRepository(
                root: root, isGit: false, sha: GitNames.zeroSHA, branch: nil, parent: nil, actor: actor, email: "",
                name: "\(actor)/\(root.lastPathComponent)", message: "", timestamp: "")
        }
        async let head = git(["log", "-1", "--format=%H%x00%P%x00%cI%x00%B"], in: root)
        async let branch = branch(in: root)
        async let config = git(["config", "--get-regexp", "^(user\\.name|user\\.email|remote\\.origin\\.url)$"], in: root)
        let fields = (await head)?.split(separator: "\0", maxSplits: 3, omittingEmptySubsequences: false).map(String.init) ?? []
        var settings: [String: String] = [:]
        for line in (await config ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { settings[String(parts[0])] = String(parts[1]) }
        }
        let sha = fields.count > 0 && !fields[0].isEmpty ? fields[0] : nil
        let parent = fields.count > 1 ? fields[1].split(separator: " ").first.map(String.init) : nil
        let timestamp = fields.count > 2 ? fields[2] : ""
        let message = fields.count > 3 ? fields[3].trimmingCharacters(in: .whitespacesAndNewlines) : ""
        let actor = settings["user.name"] ?? ProcessInfo.processInfo.environment["USER"] ?? "gaara"
        var name = root.lastPathComponent
        let owner = actor.replacingOccurrences(of: " ", with: "-").lowercased()
        if let remote = settings["remote.origin.url"] {
            name = repositoryName(fromRemote: remote) ?? "\(owner)/\(name)"
        } else {
            name = "\(owner)/\(name)"
        }
        return LocalRepository(
            root: root, isGit: true, sha: sha ?? GitNames.zeroSHA, branch: await branch, parent: parent, actor: actor,
            email: settings["user.email"] ?? "", name: name, message: message, timestamp: timestamp)
    }

    /// The branch checked out at `root`, nil when HEAD is detached. `.git/HEAD` says it
    /// (`ref: refs/heads/NAME`) without starting git; git answers for worktrees (`.git` is a file),
    /// a redirected git (`GIT_DIR`) or anything else.
    static func branch(in root: URL) async -> String? {
        if ProcessInfo.processInfo.environment["GIT_DIR"] == nil,
            let head = try? String(contentsOfFile: root.path + "/.git/HEAD", encoding: .utf8)
        {
            let line = head.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("ref: refs/heads/") { return String(line.dropFirst("ref: refs/heads/".count)) }
            if GitNames.isObjectName(line) { return nil }
        }
        return await git(["symbolic-ref", "--short", "-q", "HEAD"], in: root)
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
        if sha != GitNames.zeroSHA { _ = await Self.git(["read-tree", "HEAD"], in: root, environment: environment) }
        // A project in a subfolder is checked out as its own tree, as if it were the repository.
        let writeTree = prefix.isEmpty ? ["write-tree"] : ["write-tree", "--prefix=\(prefix)/"]
        guard await Self.git(["add", "-A"], in: root, environment: environment) != nil,
            let tree = await Self.git(writeTree, in: root, environment: environment)
        else { return nil }
        try? FileManager.default.removeItem(at: index)
        if prefix.isEmpty, sha != GitNames.zeroSHA, await Self.git(["rev-parse", "HEAD^{tree}"], in: root) == tree { return sha }
        var arguments = ["commit-tree", tree, "-m", "gaara: working tree snapshot"]
        if sha != GitNames.zeroSHA { arguments += ["-p", sha] }
        let identity = [
            "GIT_AUTHOR_NAME": actor, "GIT_AUTHOR_EMAIL": email.isEmpty ? "gaara@localhost" : email,
            "GIT_COMMITTER_NAME": actor, "GIT_COMMITTER_EMAIL": email.isEmpty ? "gaara@localhost" : email,
        ]
        return await Self.git(arguments, in: root, environment: identity)
    }

    /// Files changed by HEAD and in the working tree (for `paths` filters); nil outside git.
    func changedFiles() async -> [String]? {
        guard isGit else { return nil }
        var files = Set<String>()
        if sha != GitNames.zeroSHA {
            let range = parent.map { ["diff", "--name-only", $0, sha] } ?? ["ls-tree", "-r", "--name-only", sha]
            if let output = await Self.git(range, in: root) { files.formUnion(output.split(separator: "\n").map(String.init)) }
        }
        if let status = await Self.git(["status", "--porcelain", "--untracked-files=all"], in: root) {
            for line in status.split(separator: "\n") where line.count > 3 {
                let path = String(line.dropFirst(3))
                files.insert(path.components(separatedBy: " -> ").last ?? path)
            }
        }
        guard !prefix.isEmpty else { return files.sorted() }
        return files.filter { $0.hasPrefix(prefix + "/") }.map { String($0.dropFirst(prefix.count + 1)) }.sorted()
    }

    /// The default branch: origin's HEAD, else main or master if present; nil when none tells.
    static func defaultBranch(in root: URL, isGit: Bool) async -> String? {
        guard isGit else { return nil }
        if let found = defaultBranchFromFiles(in: root) { return found }
        let refs =
            await git(
                ["for-each-ref", "--format=%(refname)\t%(symref)", "refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"], in: root)
            ?? ""
        var heads = Set<String>()
        for line in refs.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            if parts.first == "refs/remotes/origin/HEAD", parts.count > 1, parts[1].hasPrefix("refs/remotes/origin/") {
                return String(parts[1].dropFirst("refs/remotes/origin/".count))
            }
            heads.insert(String(parts.first ?? ""))
        }
        for candidate in ["main", "master"] where heads.contains("refs/heads/\(candidate)") { return candidate }
        return nil
    }

    /// The default branch read from `.git` without starting git, for a plain repository (a
    /// folder `.git` with loose and packed refs, no redirecting `GIT_DIR`); nil when git must
    /// answer (a worktree, the reftable format); `.some(nil)` when no ref tells.
    static func defaultBranchFromFiles(in root: URL) -> String?? {
        let git = root.path + "/.git"
        var isDirectory: ObjCBool = false
        guard ProcessInfo.processInfo.environment["GIT_DIR"] == nil, FileManager.default.fileExists(atPath: git, isDirectory: &isDirectory),
            isDirectory.boolValue, !FileManager.default.fileExists(atPath: git + "/reftable")
        else { return nil }
        // origin/HEAD is a symbolic ref: always a loose file (packed-refs holds no symbolic refs).
        if let head = try? String(contentsOfFile: git + "/refs/remotes/origin/HEAD", encoding: .utf8) {
            let line = head.trimmingCharacters(in: .whitespacesAndNewlines)
            guard line.hasPrefix("ref: refs/remotes/origin/") else { return nil }
            return .some(String(line.dropFirst("ref: refs/remotes/origin/".count)))
        }
        let packed = (try? String(contentsOfFile: git + "/packed-refs", encoding: .utf8)) ?? ""
        for candidate in ["main", "master"] {
            if FileManager.default.fileExists(atPath: git + "/refs/heads/" + candidate) || packed.contains(" refs/heads/\(candidate)\n") {
                return .some(candidate)
            }
        }
        return .some(nil)
    }

    /// HEAD as push payloads show it.
    var commitObject: ExpressionValue {
        GitHubPayload.commit(id: sha, message: message, timestamp: timestamp, author: (actor, email), committer: (actor, email))
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
