import Crypto
import Foundation
import GaaraEngine

/// `actions/cache` (restore now, save at the end of a successful job), `actions/cache/restore`
/// and `actions/cache/save`, kept as tar archives in a cache folder per repository.
enum ActionsCache {
    /// Runs one of the cache actions; returns the step's end and, for `actions/cache` on a miss,
    /// the post step that saves the entry at the end of a successful job.
    static func run(_ action: BuiltinAction, _ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) async throws
        -> (StepTermination, PostStep?)
    {
        guard let key = inputs["key"]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
            throw RunnerError("\(action.rawValue): the input 'key' is required")
        }
        let paths = (inputs["path"] ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !paths.isEmpty else { throw RunnerError("\(action.rawValue): the input 'path' is required") }
        let directory = folder(tools.configuration)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if action == .cacheSave {
            try await save(key: key, paths: paths, invocation: invocation, tools: tools, into: directory)
            return (StepTermination(outcome: .success), nil)
        }
        let restoreKeys = (inputs["restore-keys"] ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let lookupOnly = inputs["lookup-only"] == "true"
        var outputs = ["cache-primary-key": key, "cache-hit": "false", "cache-matched-key": ""]
        if let (matched, archive) = find(key: key, restoreKeys: restoreKeys, in: directory) {
            outputs["cache-matched-key"] = matched
            outputs["cache-hit"] = matched == key ? "true" : "false"
            if !lookupOnly {
                // An entry saved by another run names that run's folders: under isolation nothing
                // is written outside this run's.
                if tools.configuration.isolation != nil {
                    let listing = try await tools.capture("tar", ["-tf", archive.path], environment: invocation.environment)
                    for entry in listing.split(separator: "\n") { try tools.requireInsideRun("/" + entry, for: action.rawValue) }
                }
                try await tools.run("tar", ["-xf", archive.path, "-C", "/"], invocation: invocation)
            }
            invocation.output.note("Cache restored from key: \(matched)")
        } else {
            invocation.output.note("Cache not found for input keys: \(([key] + restoreKeys).joined(separator: ", "))")
            if inputs["fail-on-cache-miss"] == "true" { throw RunnerError("no cache entry matches the key '\(key)'") }
        }
        var post: PostStep?
        if action == .cache, outputs["cache-hit"] != "true" {
            post = PostStep(name: "Post \(invocation.name)", condition: "success()", logName: "post-cache") { post in
                let saving = StepInvocation(
                    step: invocation.step, id: invocation.id, name: invocation.name, files: invocation.files, environment: invocation.environment,
                    context: invocation.context, timeout: nil, output: post.output)
                try await save(key: key, paths: paths, invocation: saving, tools: post.tools, into: directory)
                return StepTermination(outcome: .success)
            }
        }
        return (StepTermination(outcome: .success, outputs: outputs), post)
    }

    /// The cache folder of this repository.
    static func folder(_ configuration: RunConfiguration) -> URL {
        let digest = SHA256.hash(data: Data(configuration.repository.path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return configuration.cacheDirectory.appendingPathComponent(digest)
    }

    static func file(for key: String, in directory: URL) -> URL {
        let digest = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return directory.appendingPathComponent("\(digest).tar")
    }

    /// The exact key's archive, else the newest whose key starts with a restore key (in order).
    static func find(key: String, restoreKeys: [String], in directory: URL) -> (String, URL)? {
        let exact = file(for: key, in: directory)
        if FileManager.default.fileExists(atPath: exact.path) { return (key, exact) }
        let index = (try? String(contentsOf: directory.appendingPathComponent("index.tsv"), encoding: .utf8)) ?? ""
        let entries = index.split(separator: "\n").compactMap { line -> (String, Double)? in
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let time = Double(parts[0]) else { return nil }
            return (String(parts[1]), time)
        }
        for prefix in restoreKeys {
            let candidates = entries.filter { $0.0.hasPrefix(prefix) }.sorted { $0.1 > $1.1 }
            for candidate in candidates {
                let archive = file(for: candidate.0, in: directory)
                if FileManager.default.fileExists(atPath: archive.path) { return (candidate.0, archive) }
            }
        }
        return nil
    }

    static func save(key: String, paths: [String], invocation: StepInvocation, tools: ActionTools, into directory: URL) async throws {
        let archive = file(for: key, in: directory)
        if FileManager.default.fileExists(atPath: archive.path) {
            invocation.output.note("Cache entry \(key) already exists; not saving")
            return
        }
        let home = invocation.environment["HOME"] ?? NSHomeDirectory()
        var absolute: [String] = []
        for path in paths where !path.hasPrefix("!") {
            var resolved = path
            if resolved.hasPrefix("~/") { resolved = home + resolved.dropFirst(1) }
            if !resolved.hasPrefix("/") { resolved = tools.paths.workspace.appendingPathComponent(resolved).path }
            try tools.requireInsideRun(resolved, for: "actions/cache")
            if FileManager.default.fileExists(atPath: resolved) { absolute.append(String(resolved.dropFirst())) }
        }
        guard !absolute.isEmpty else {
            invocation.output.note("Warning: no cache paths exist; nothing saved for key \(key)")
            return
        }
        let partial = archive.appendingPathExtension("partial")
        try await tools.run("tar", ["-cf", partial.path, "-C", "/"] + absolute, invocation: invocation)
        try? FileManager.default.removeItem(at: archive)
        try FileManager.default.moveItem(at: partial, to: archive)
        let line = "\(Date().timeIntervalSince1970)\t\(key)\n"
        let indexURL = directory.appendingPathComponent("index.tsv")
        if let handle = try? FileHandle(forWritingTo: indexURL) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            try line.write(to: indexURL, atomically: true, encoding: .utf8)
        }
        invocation.output.note("Cache saved with key: \(key)")
    }
}

/// `actions/upload-artifact` and `actions/download-artifact` over a folder per run.
enum Artifacts {
    static func upload(_ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) throws -> StepTermination {
        let name = (inputs["name"].flatMap { $0.isEmpty ? nil : $0 }) ?? "artifact"
        guard !name.contains("/"), !name.contains(".."), !name.contains("\\") else {
            throw RunnerError("upload-artifact: invalid artifact name '\(name)'")
        }
        let lines = (inputs["path"] ?? "").split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw RunnerError("upload-artifact: the input 'path' is required") }
        let files = try WorkspaceFiles.matching(lines, root: tools.paths.workspace.path, home: invocation.environment["HOME"])
        let destination = tools.configuration.runDirectory.appendingPathComponent("artifacts/\(name)")
        if FileManager.default.fileExists(atPath: destination.path) {
            guard inputs["overwrite"] == "true" else {
                throw RunnerError("upload-artifact: an artifact named '\(name)' already exists in this run (set overwrite: true to replace it)")
            }
            try FileManager.default.removeItem(at: destination)
        }
        if files.isEmpty {
            let mode = inputs["if-no-files-found"] ?? "warn"
            let message = "No files were found with the provided path: \(lines.joined(separator: ", ")). No artifacts will be uploaded."
            if mode == "error" { throw RunnerError(message) }
            if mode == "warn" { invocation.output.note("Warning: \(message)") }
            return StepTermination(outcome: .success)
        }
        // Paths are kept relative to the deepest folder that holds every file, as upload-artifact does.
        let root = WorkspaceFiles.commonDirectory(files.map(\.absolute))
        var bytes = 0
        for file in files { try tools.requireInsideRun(file.absolute, for: "upload-artifact") }
        for file in files {
            let relative = String(file.absolute.dropFirst(root.count)).drop { $0 == "/" }
            let target = destination.appendingPathComponent(String(relative))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file.absolute, toPath: target.path)
            bytes += (try? FileManager.default.attributesOfItem(atPath: file.absolute)[.size] as? Int) ?? 0
        }
        invocation.output.note("Uploaded artifact '\(name)': \(files.count) file\(files.count == 1 ? "" : "s"), \(bytes) bytes")
        return StepTermination(outcome: .success, outputs: ["artifact-id": name, "artifact-url": destination.path])
    }

    static func download(_ inputs: [String: String], invocation: StepInvocation, tools: ActionTools) throws -> StepTermination {
        let store = tools.configuration.runDirectory.appendingPathComponent("artifacts")
        var target = tools.paths.workspace
        if let path = inputs["path"], !path.isEmpty {
            target = path.hasPrefix("/") ? URL(fileURLWithPath: path) : tools.paths.workspace.appendingPathComponent(path)
        }
        try tools.requireInsideRun(target.path, for: "download-artifact")
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []).sorted()
        var names: [String]
        var nested: Bool
        if let name = inputs["name"], !name.isEmpty {
            guard available.contains(name) else {
                throw RunnerError("download-artifact: no artifact named '\(name)' in this run (available: \(available.joined(separator: ", ")))")
            }
            names = [name]
            nested = false
        } else {
            names = available
            if let pattern = inputs["pattern"], !pattern.isEmpty {
                let glob = PathGlob(pattern)
                names = names.filter { glob.matches($0) }
            }
            nested = inputs["merge-multiple"] != "true"
        }
        for name in names {
            let source = store.appendingPathComponent(name)
            let destination = nested ? target.appendingPathComponent(name) : target
            try copyTree(source, to: destination)
        }
        invocation.output.note("Downloaded \(names.count) artifact\(names.count == 1 ? "" : "s") to \(target.path)")
        return StepTermination(outcome: .success, outputs: ["download-path": target.path])
    }

    static func copyTree(_ source: URL, to destination: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: destination, withIntermediateDirectories: true)
        guard let enumerator = manager.enumerator(atPath: source.path) else { return }
        while let relative = enumerator.nextObject() as? String {
            let from = source.appendingPathComponent(relative)
            let to = destination.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: from.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try manager.createDirectory(at: to, withIntermediateDirectories: true)
            } else {
                try? manager.removeItem(at: to)
                try manager.copyItem(at: from, to: to)
            }
        }
    }
}
