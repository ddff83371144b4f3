import Foundation
import GaaraEngine
import GaaraImageCore

/// `docker/build-push-action`: builds the image with the engine's BuildKit (its layer cache works
/// across runs as it does for `docker build` by hand), pushes every tag, and records the pushed
/// image by digest with the run, but only once every push succeeded: a deployment must never find
/// a record of an image that is not in the registry.
enum DockerBuildPush {
    static func run(_ inputs: [String: String], invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        let docker = try await DockerClient.locate(environment: invocation.environment, cacheFolder: execution.configuration.cacheDirectory)
        // The engine is asked its platform only when the workflow names platforms to check.
        let host = value(inputs, "platforms") == nil ? "" : try await docker.hostPlatform()
        let request: BuildRequest
        do {
            request = try BuildRequest(action: inputs, hostPlatform: host)
        } catch {
            throw RunnerError("docker/build-push-action: \(error)")
        }
        for note in request.notes { invocation.output.note("Note: \(note)") }
        let tools = execution.tools
        let scratch = execution.paths.temp.appendingPathComponent("build-\(invocation.id)")
        try? FileManager.default.removeItem(at: scratch)
        try ActionTools.makePrivateFolder(scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let (contextPath, fileBase) = try await context(request.context, scratch: scratch, invocation: invocation, tools: tools)
        var arguments = docker.buildCommand + ["--iidfile", scratch.appendingPathComponent("iid").path]
        if let file = request.file {
            let path = file.hasPrefix("/") ? file : URL(fileURLWithPath: fileBase).appendingPathComponent(file).standardizedFileURL.path
            try tools.requireInsideRun(path, for: "docker/build-push-action")
            arguments += ["--file", path]
        }
        if request.pull { arguments.append("--pull") }
        if request.noCache { arguments.append("--no-cache") }
        if let target = request.target { arguments += ["--target", target] }
        if let platform = request.platform { arguments += ["--platform", platform] }
        for tag in request.tags { arguments += ["--tag", tag] }
        for label in request.labels { arguments += ["--label", label] }
        for argument in request.buildArgs { arguments += ["--build-arg", argument] }
        arguments += try secrets(request.secrets, scratch: scratch, invocation: invocation, execution: execution)
        let imports = try await cacheImports(request.cacheFrom, docker: docker, invocation: invocation, execution: execution)
        arguments += imports.arguments
        if request.cacheTo != nil { arguments += ["--build-arg", "BUILDKIT_INLINE_CACHE=1"] }
        arguments += request.engineFlags
        arguments.append(contextPath)

        invocation.output.note("Building \(request.tags.isEmpty ? "an untagged image" : request.tags.joined(separator: ", "))")
        var failure: (any Error)?
        do {
            try await docker.run(
                arguments, verb: docker.usesBuildx ? "buildx build" : "build", output: invocation.output, timeout: invocation.timeout,
                environment: docker.buildEnvironment)
        } catch {
            failure = error
        }
        // The cache images loaded for the build served their purpose: their names do not stay in the engine.
        if !imports.loaded.isEmpty { _ = try? await docker.capture(["rmi", "--no-prune"] + imports.loaded, verb: "rmi") }
        if let failure { throw failure }
        let imageID = ((try? String(contentsOf: scratch.appendingPathComponent("iid"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard ImageReference.isDigest(imageID) else { throw RunnerError("docker/build-push-action: the build reported no image id", kind: .process) }

        if let cache = request.cacheTo {
            try await exportCache(cache, imageID: imageID, docker: docker, invocation: invocation, execution: execution)
        }
        var digest = ""
        if request.push {
            digest = try await push(
                request.tags, imageID: imageID, keepTags: request.load, docker: docker, invocation: invocation, execution: execution)
        }
        let metadata: [String: String] = [
            "containerimage.config.digest": imageID, "containerimage.digest": digest, "image.name": request.tags.joined(separator: ","),
        ].filter { !$0.value.isEmpty }
        let json = (try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return StepTermination(
            outcome: .success, outputs: ["imageid": imageID, "digest": digest, "metadata": String(decoding: json, as: UTF8.self)])
    }

    /// The folder to build and the folder a relative `file` is read from: a path context (relative to the
    /// workspace, as the action runs the build there), or the run's commit exported with `git archive`
    /// (the action's default Git context: what was committed, not what earlier steps left in the workspace).
    static func context(_ context: BuildRequest.Context, scratch: URL, invocation: StepInvocation, tools: ActionTools) async throws -> (
        String, String
    ) {
        let workspace = tools.paths.workspace
        switch context {
        case .path(let path):
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : workspace.appendingPathComponent(path).standardizedFileURL
            try tools.requireInsideRun(url.path, for: "docker/build-push-action")
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw RunnerError("docker/build-push-action: context: '\(path)' is not a folder (check out the repository first)")
            }
            return (url.path, workspace.path)
        case .git(let subdirectory):
            let root = scratch.appendingPathComponent("context")
            try ActionTools.makePrivateFolder(root)
            let archive = scratch.appendingPathComponent("context.tar")
            let commit = tools.configuration.checkoutCommit
            try await tools.run(
                "git", ["archive", "--format=tar", "-o", archive.path, commit], in: tools.configuration.gitRepository.path, invocation: invocation)
            try await tools.run("tar", ["-xf", archive.path, "-C", root.path], invocation: invocation)
            let folder = subdirectory.map { root.appendingPathComponent($0).standardizedFileURL } ?? root
            guard folder.path == root.path || folder.path.hasPrefix(root.path + "/"),
                FileManager.default.fileExists(atPath: folder.path)
            else {
                throw RunnerError("docker/build-push-action: context: the commit has no folder '\(subdirectory ?? "")'")
            }
            invocation.output.note("Context: commit \(commit.prefix(12))\(subdirectory.map { ":" + $0 } ?? "")")
            return (folder.path, root.path)
        }
    }

    /// `--secret` flags for files written (0600) in the build's scratch folder; every value masked.
    static func secrets(_ secrets: [BuildRequest.Secret], scratch: URL, invocation: StepInvocation, execution: JobExecution) throws -> [String] {
        guard !secrets.isEmpty else { return [] }
        let folder = scratch.appendingPathComponent("secrets")
        try ActionTools.makePrivateFolder(folder)
        var arguments: [String] = []
        for (index, secret) in secrets.enumerated() {
            let value: Data
            switch secret.source {
            case .value(let text):
                value = Data(text.utf8)
            case .file(let path):
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : execution.paths.workspace.appendingPathComponent(path)
                try execution.tools.requireInsideRun(url.path, for: "docker/build-push-action")
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw RunnerError("docker/build-push-action: secret-files: cannot read '\(path)' for the secret '\(secret.id)'", kind: .file)
                }
                value = data
            case .environment(let name):
                guard let text = invocation.environment[name] else {
                    throw RunnerError("docker/build-push-action: secret-envs: the variable '\(name)' for the secret '\(secret.id)' is not set")
                }
                value = Data(text.utf8)
            }
            if let text = String(data: value, encoding: .utf8) {
                for line in text.split(whereSeparator: \.isNewline) where line.count >= 4 { execution.masker.add(String(line)) }
                if text.count >= 4 { execution.masker.add(text) }
            }
            let file = folder.appendingPathComponent("\(index)")
            guard FileManager.default.createFile(atPath: file.path, contents: value, attributes: [.posixPermissions: 0o600]) else {
                throw RunnerError("docker/build-push-action: could not write a build secret", kind: .file)
            }
            arguments += ["--secret", "id=\(secret.id),src=\(file.path)"]
        }
        return arguments
    }

    /// The archive a `local` or `gha` cache lives in: a `local` cache's folder, or a `gha` scope's folder
    /// in Gaara's own cache of this repository (what `actions/cache` uses).
    static func cacheArchive(_ cache: BuildRequest.Cache, execution: JobExecution) -> URL? {
        switch cache {
        case .local(let path):
            let folder = path.hasPrefix("/") ? URL(fileURLWithPath: path) : execution.paths.workspace.appendingPathComponent(path)
            return folder.appendingPathComponent("gaara-image-cache.tar")
        case .gha(let scope):
            let safe = String(scope.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
            return ActionsCache.folder(execution.configuration).appendingPathComponent("buildx-gha/\(safe)/gaara-image-cache.tar")
        case .inline, .registry: return nil
        }
    }

    /// `--cache-from` flags, and the names of the cache images loaded for them (to untag after the
    /// build): an exported cache is loaded into the engine (its image carries the inline cache metadata
    /// BuildKit reuses); a registry reference is passed as it is.
    static func cacheImports(_ caches: [BuildRequest.Cache], docker: DockerClient, invocation: StepInvocation, execution: JobExecution) async throws
        -> (arguments: [String], loaded: [String])
    {
        var arguments: [String] = []
        var loadedNames: [String] = []
        for cache in caches {
            if case .registry(let reference) = cache {
                arguments += ["--cache-from", reference]
                continue
            }
            guard let archive = cacheArchive(cache, execution: execution) else { continue }
            try execution.tools.requireInsideRun(archive.path, for: "docker/build-push-action")
            guard FileManager.default.fileExists(atPath: archive.path) else {
                invocation.output.note("Cache not found: \(archive.path) (the build fills it)")
                continue
            }
            let loaded = try await docker.run(
                ["load", "--input", archive.path], verb: "load", output: invocation.output, timeout: invocation.timeout)
            // The archives are written named (`exportCache`), so `docker load` says `Loaded image: NAME`.
            for line in loaded.split(whereSeparator: \.isNewline) {
                guard let range = line.range(of: "Loaded image: ") else { continue }
                let name = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                arguments += ["--cache-from", name]
                loadedNames.append(name)
            }
        }
        return (arguments, loadedNames)
    }

    /// Writes a `local` or `gha` cache: the built image (with its inline cache metadata) saved to the
    /// cache's archive, through a temporary file so a reader never loads half of one.
    static func exportCache(_ cache: BuildRequest.Cache, imageID: String, docker: DockerClient, invocation: StepInvocation, execution: JobExecution)
        async throws
    {
        guard let archive = cacheArchive(cache, execution: execution) else { return }
        try execution.tools.requireInsideRun(archive.path, for: "docker/build-push-action")
        let folder = archive.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RunnerError("docker/build-push-action: cannot create the cache folder \(folder.path)", kind: .file, cause: error)
        }
        // `docker save` of a bare id writes no name; a tag names the cache image when it is loaded again.
        let name = "gaara-build-cache:" + String(imageID.dropFirst("sha256:".count).prefix(12))
        _ = try await docker.capture(["tag", imageID, name], verb: "tag")
        let partial = folder.appendingPathComponent(".gaara-image-cache.tar.partial")
        try await docker.run(["save", "--output", partial.path, name], verb: "save", output: invocation.output, timeout: invocation.timeout)
        _ = try? await docker.capture(["rmi", "--no-prune", name], verb: "rmi")
        guard rename(partial.path, archive.path) == 0 else {
            throw RunnerError("docker/build-push-action: cannot write the cache archive \(archive.path)", kind: .file)
        }
        invocation.output.note("Cache written to \(archive.path)")
    }

    /// Pushes every tag; returns the manifest digest. Records the image (one record per repository)
    /// only after the last push succeeded. A failed push removes the local tags the build made unless
    /// `load` asked to keep the image.
    static func push(
        _ tags: [String], imageID: String, keepTags: Bool, docker: DockerClient, invocation: StepInvocation, execution: JobExecution
    ) async throws -> String {
        var digests: [String: String] = [:]
        var order: [String] = []
        do {
            for tag in tags {
                let output = try await docker.run(["push", tag], verb: "push", output: invocation.output, timeout: invocation.timeout)
                guard let digest = ImageReference.pushedDigest(in: output), let repository = ImageReference.repository(of: tag) else {
                    throw RunnerError("docker push \(tag) printed no digest", kind: .process)
                }
                if digests[repository] == nil { order.append(repository) }
                digests[repository] = digest
            }
        } catch {
            if !keepTags { _ = try? await docker.capture(["rmi", "--no-prune"] + tags, verb: "rmi") }
            throw error
        }
        let size = Int64((try? await docker.capture(["image", "inspect", "--format", "{{.Size}}", imageID], verb: "image inspect")) ?? "") ?? 0
        let configuration = execution.configuration
        let now = Date()
        let records = order.map { repository in
            ImageRecord(
                name: repository,
                tags: tags.filter { ImageReference.repository(of: $0) == repository }.map { tag in
                    let rest = tag.dropFirst(repository.count)
                    return rest.hasPrefix(":") ? String(rest.dropFirst()) : "latest"
                },
                digest: digests[repository]!, imageID: imageID, size: size, sha: configuration.sha, runID: configuration.runID,
                job: execution.label.name, step: invocation.name, pushedAt: now)
        }
        do {
            try ImageLedger.append(records, in: configuration.runDirectory)
        } catch {
            throw RunnerError("docker/build-push-action: cannot record the pushed images", kind: .file, cause: error)
        }
        for record in records { execution.observer.handle(.imagePushed(execution.label, record)) }
        return digests[order.first ?? ""] ?? ""
    }
}
