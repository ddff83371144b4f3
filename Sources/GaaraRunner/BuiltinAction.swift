import Foundation
import GaaraEngine
import GaaraProcess

/// The actions real workflows lean on, built in so they run offline.
enum BuiltinAction: String, CaseIterable {
    case checkout = "actions/checkout"
    case setupPython = "actions/setup-python"
    case setupNode = "actions/setup-node"
    case cache = "actions/cache"
    case cacheRestore = "actions/cache/restore"
    case cacheSave = "actions/cache/save"
    case uploadArtifact = "actions/upload-artifact"
    case downloadArtifact = "actions/download-artifact"
    case dockerLogin = "docker/login-action"
    case dockerSetupBuildx = "docker/setup-buildx-action"
    case dockerSetupQEMU = "docker/setup-qemu-action"
    case dockerMetadata = "docker/metadata-action"
    case dockerBuildPush = "docker/build-push-action"

    init?(name: String) {
        self.init(rawValue: name)
    }

    func run(with inputs: [String: String], ref: String, invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        switch self {
        case .checkout: return try await Checkout.run(inputs, invocation: invocation, tools: execution.tools)
        case .setupPython:
            let (termination, shims) = try await SetupTool.python(inputs, invocation: invocation, tools: execution.tools)
            execution.jobEnv.prependPath(shims)
            return termination
        case .setupNode: return try await SetupTool.node(inputs, invocation: invocation, tools: execution.tools)
        case .cache, .cacheRestore, .cacheSave:
            let (termination, post) = try await ActionsCache.run(self, inputs, invocation: invocation, tools: execution.tools)
            if let post { execution.postSteps.append(post) }
            return termination
        case .uploadArtifact: return try Artifacts.upload(inputs, invocation: invocation, tools: execution.tools)
        case .downloadArtifact: return try Artifacts.download(inputs, invocation: invocation, tools: execution.tools)
        case .dockerLogin: return try await DockerLogin.run(inputs, invocation: invocation, execution: execution)
        case .dockerSetupBuildx: return try await DockerSetup.buildx(inputs, invocation: invocation, execution: execution)
        case .dockerSetupQEMU: return try await DockerSetup.qemu(inputs, invocation: invocation, execution: execution)
        case .dockerMetadata: return try await DockerMetadataStep.run(inputs, invocation: invocation, execution: execution)
        case .dockerBuildPush: return try await DockerBuildPush.run(inputs, invocation: invocation, execution: execution)
        }
    }
}

/// `actions/checkout`: fetches the run's commit from the local repository into the workspace.
enum Checkout {
    static func run(_ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) async throws -> StepTermination {
        let configuration = tools.configuration
        if let repository = inputs["repository"], !repository.isEmpty, repository != configuration.repositoryName {
            throw RunnerError("checking out another repository ('\(repository)') needs the network; Gaara checks out only the run's own repository")
        }
        // Symbolic links a step made are resolved first: the runner writes (and cleans) as itself.
        let workspace = tools.paths.workspace.resolvingSymlinksInPath().path
        let target = tools.paths.workspace.appendingPathComponent(inputs["path"] ?? "").standardizedFileURL.resolvingSymlinksInPath()
        guard target.path == workspace || target.path.hasPrefix(workspace + "/") else {
            throw RunnerError("the checkout path '\(inputs["path"] ?? "")' leaves the workspace")
        }
        let depth = Int(inputs["fetch-depth"] ?? "1") ?? 1
        let env = invocation.environment
        let source = configuration.gitRepository.path
        var commit = configuration.checkoutCommit
        var branch: String?
        if let ref = inputs["ref"], !ref.isEmpty {
            guard !ref.hasPrefix("-") else { throw RunnerError("the checkout ref '\(ref)' is not a ref or commit") }
            commit = try await tools.capture("git", ["rev-parse", "--verify", "\(ref)^{commit}"], in: source, environment: env)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !ref.hasPrefix("refs/tags/"),
                (try? await tools.capture(
                    "git", ["show-ref", "--verify", "refs/heads/" + ref.replacingOccurrences(of: "refs/heads/", with: "")], in: source,
                    environment: env)) != nil
            {
                branch = ref.replacingOccurrences(of: "refs/heads/", with: "")
            }
        } else if let ref = configuration.event.ref, ref.hasPrefix("refs/heads/") {
            branch = String(ref.dropFirst("refs/heads/".count))
        }
        if inputs["clean"] != "false", FileManager.default.fileExists(atPath: target.path) {
            for item in (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? [] {
                try? FileManager.default.removeItem(at: target.appendingPathComponent(item))
            }
        }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let git = { (arguments: [String]) async throws in try await tools.run("git", arguments, in: target.path, invocation: invocation) }
        try await git(["init", "-q"])
        if depth == 1, configuration.isolation == nil, let objects = Self.objectDirectory(of: source) {
            // The fast path of a local run (a quarter of the time): the workspace borrows the source's
            // objects (alternates) instead of fetching them, and is cut at the commit (shallow), so it
            // sees what a depth-1 clone sees. Not under isolation: there the steps' user cannot read
            // the server's repositories.
            let gitDirectory = target.appendingPathComponent(".git")
            do {
                try (objects + "\n").write(to: gitDirectory.appendingPathComponent("objects/info/alternates"), atomically: false, encoding: .utf8)
                try (commit + "\n").write(to: gitDirectory.appendingPathComponent("shallow"), atomically: false, encoding: .utf8)
                let config = try FileHandle(forWritingTo: gitDirectory.appendingPathComponent("config"))
                defer { try? config.close() }
                try config.seekToEnd()
                try config.write(
                    contentsOf: Data("[remote \"origin\"]\n\turl = file://\(source)\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n".utf8))
            } catch {
                throw RunnerError("actions/checkout: cannot prepare the workspace's repository", kind: .file, cause: error)
            }
        } else {
            try await git(["remote", "add", "origin", "file://" + source])
            // The commit may be a working-tree snapshot no ref points at: let upload-pack serve any object.
            var fetch = [
                "-c", "protocol.version=2", "fetch", "-q", "--no-tags", "--upload-pack=git -c uploadpack.allowAnySHA1InWant=true upload-pack",
                "origin",
            ]
            if depth > 0 { fetch.insert("--depth=\(depth)", at: 4) }
            try await git(fetch + [commit])
        }
        if depth == 0 {
            try await git(["fetch", "-q", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*"])
        }
        if let branch {
            try await git(["checkout", "-q", "--force", "-B", branch, commit])
        } else {
            try await git(["checkout", "-q", "--force", "--detach", commit])
        }
        if inputs["submodules"].map({ $0 == "true" || $0 == "recursive" }) == true {
            invocation.output.note("Warning: submodules are not fetched (they need the network)")
        }
        if inputs["lfs"] == "true" {
            invocation.output.note("Warning: Git LFS objects are not fetched")
        }
        invocation.output.note("Checked out \(String(commit.prefix(12))) into \(target.path)")
        return StepTermination(outcome: .success, outputs: ["ref": branch ?? configuration.event.ref ?? "", "commit": commit])
    }
}

extension Checkout {
    /// The object folder of the repository at `path` (a work tree's `.git/objects`, or a bare
    /// repository's `objects`); nil for anything else (a linked work tree, a submodule's `.git` file).
    static func objectDirectory(of path: String) -> String? {
        var isDirectory: ObjCBool = false
        let dotGit = path + "/.git"
        if FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory), isDirectory.boolValue {
            return FileManager.default.fileExists(atPath: dotGit + "/objects") ? dotGit + "/objects" : nil
        }
        if FileManager.default.fileExists(atPath: path + "/objects"), FileManager.default.fileExists(atPath: path + "/HEAD") {
            return path + "/objects"
        }
        return nil
    }
}

/// `actions/setup-python` and `actions/setup-node`: use the host's interpreter when its version matches.
enum SetupTool {
    /// Checks the host's Python against the requested version; returns the step's end and the
    /// folder of `python`/`pip` links to put first on `PATH`.
    static func python(_ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) async throws -> (StepTermination, String) {
        var requested = inputs["python-version"] ?? ""
        if requested.isEmpty, let file = inputs["python-version-file"], !file.isEmpty {
            requested =
                (try? String(contentsOfFile: tools.paths.workspace.appendingPathComponent(file).path, encoding: .utf8))?
                .split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        let path = invocation.environment["PATH"]
        guard let python = ChildProcess.resolve("python3", path: path) ?? ChildProcess.resolve("python", path: path) else {
            throw RunnerError("setup-python: no python3 on this host")
        }
        let reported = try await tools.capture(
            python, ["-c", "import platform; print(platform.python_version())"], environment: invocation.environment
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
        guard versionMatches(requested, reported) else {
            throw RunnerError(
                "setup-python: python-version '\(requested)' was requested, but this host has Python \(reported); Gaara uses the host's interpreter and cannot download another"
            )
        }
        let shims = tools.paths.toolCache.appendingPathComponent("python-\(reported)/bin")
        try FileManager.default.createDirectory(at: shims, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: python).deletingLastPathComponent()
        for (name, target) in [
            ("python", python), ("python3", python), ("pip", directory.appendingPathComponent("pip3").path),
            ("pip3", directory.appendingPathComponent("pip3").path),
        ] {
            let link = shims.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target), (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == nil {
                try? FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
            }
        }
        if let cache = inputs["cache"], !cache.isEmpty {
            invocation.output.note("Note: cache '\(cache)' is not handled by the built-in setup-python; use actions/cache")
        }
        invocation.output.note("Using the host's Python \(reported) (\(python))")
        return (StepTermination(outcome: .success, outputs: ["python-version": reported, "python-path": python, "cache-hit": "false"]), shims.path)
    }

    static func node(_ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) async throws -> StepTermination {
        var requested = inputs["node-version"] ?? ""
        if requested.isEmpty, let file = inputs["node-version-file"], !file.isEmpty {
            requested =
                (try? String(contentsOfFile: tools.paths.workspace.appendingPathComponent(file).path, encoding: .utf8))?
                .split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        guard let node = ChildProcess.resolve("node", path: invocation.environment["PATH"]) else {
            throw RunnerError("setup-node: no node on this host")
        }
        var reported = try await tools.capture(node, ["--version"], environment: invocation.environment).trimmingCharacters(
            in: .whitespacesAndNewlines)
        if reported.hasPrefix("v") { reported.removeFirst() }
        let wanted = requested.hasPrefix("v") ? String(requested.dropFirst()) : requested
        guard ["", "lts/*", "latest", "node", "current"].contains(wanted) || versionMatches(wanted, reported) else {
            throw RunnerError(
                "setup-node: node-version '\(requested)' was requested, but this host has Node \(reported); Gaara uses the host's node and cannot download another"
            )
        }
        invocation.output.note("Using the host's Node \(reported) (\(node))")
        return StepTermination(outcome: .success, outputs: ["node-version": "v" + reported, "cache-hit": "false"])
    }

    /// `3.11` matches 3.11.x, `3` and `3.x` match 3.*, `>=3.8` compares; empty matches anything.
    static func versionMatches(_ spec: String, _ version: String) -> Bool {
        let spec = spec.trimmingCharacters(in: .whitespaces)
        if spec.isEmpty { return true }
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        if spec.hasPrefix(">=") {
            let wanted = spec.dropFirst(2).split(separator: ".").map { Int($0) ?? 0 }
            return !parts.lexicographicallyPrecedes(wanted)
        }
        let wanted = spec.split(separator: ".")
        for (index, piece) in wanted.enumerated() {
            if piece == "x" || piece == "*" { return true }
            guard index < parts.count, Int(piece) == parts[index] else { return false }
        }
        return true
    }
}
