import Foundation

/// Finds workflow and action files on disk.
enum WorkflowDiscovery {
    /// What a path holds.
    enum Kind {
        case workflow, action, deploy, alerts
    }

    /// The deploy configuration of a repository (`.gaara/deploy.yml`), when it has one.
    static func deployConfig(inRepository root: URL) -> URL? { gaaraFile("deploy", inRepository: root) }

    /// `.gaara/NAME.yml` (or `.yaml`) of a repository, when it has one.
    static func gaaraFile(_ name: String, inRepository root: URL) -> URL? {
        ["\(name).yml", "\(name).yaml"].map { root.appendingPathComponent(".gaara/\($0)") }.first {
            FileManager.default.fileExists(atPath: $0.path)
        }
    }

    /// The repository's Gaara configuration files that are not workflows: deploy.yml and alerts.yml.
    static func configurations(inRepository root: URL) -> [(URL, Kind)] {
        [("deploy", Kind.deploy), ("alerts", .alerts)].compactMap { name, kind in gaaraFile(name, inRepository: root).map { ($0, kind) } }
    }

    /// The workflow directories of a repository.
    static let workflowDirectories = [".github/workflows", ".gaara/workflows"]

    /// The repository root containing `directory`: the nearest ancestor with `.git` or `.github`, else `directory`.
    static func repositoryRoot(from directory: URL) -> URL {
        var current = directory.standardizedFileURL
        let manager = FileManager.default
        while true {
            for marker in [".git", ".github", ".gaara"] where manager.fileExists(atPath: current.appendingPathComponent(marker).path) {
                return current
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return directory }
            current = parent
        }
    }

    /// The workflow files of the repository at `root`, sorted by path.
    static func workflows(inRepository root: URL) -> [URL] {
        workflowDirectories.flatMap { yamlFiles(in: root.appendingPathComponent($0)) }
    }

    /// The `.yml`/`.yaml` files directly inside `directory`, sorted.
    static func yamlFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Expands command-line paths into files with their kind; throws for a missing path.
    static func expand(_ paths: [String], currentDirectory: URL) throws(CLIFailure) -> [(URL, Kind)] {
        if paths.isEmpty {
            let root = repositoryRoot(from: currentDirectory)
            let files = workflows(inRepository: root)
            let configurations = configurations(inRepository: root)
            if files.isEmpty, configurations.isEmpty {
                throw CLIFailure(.invalidInput, "no workflows found in \(root.path)/.github/workflows or .gaara/workflows")
            }
            return files.map { ($0, .workflow) } + configurations
        }
        var result: [(URL, Kind)] = []
        for path in paths {
            let url = URL(fileURLWithPath: path, relativeTo: currentDirectory)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw CLIFailure(.invalidInput, "\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                let nested = workflowDirectories.map { url.appendingPathComponent($0) }
                    .filter { FileManager.default.fileExists(atPath: $0.path) }
                let files = nested.isEmpty ? yamlFiles(in: url) : nested.flatMap(yamlFiles(in:))
                result += files.map { ($0, kind(of: $0)) }
                if !nested.isEmpty { result += configurations(inRepository: url) }
            } else {
                result.append((url, kind(of: url)))
            }
        }
        return result
    }

    static func kind(of url: URL) -> Kind {
        let name = url.lastPathComponent
        if url.deletingLastPathComponent().lastPathComponent == ".gaara" {
            if name == "deploy.yml" || name == "deploy.yaml" { return .deploy }
            if name == "alerts.yml" || name == "alerts.yaml" { return .alerts }
        }
        return name == "action.yml" || name == "action.yaml" || name.hasSuffix("__action.yml") ? .action : .workflow
    }

    /// Reads a file as UTF-8 text.
    static func read(_ url: URL, displayPath: String) throws(CLIFailure) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CLIFailure(.invalidInput, "\(displayPath): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(.invalidInput, "\(displayPath): the file is not UTF-8 text")
        }
        return text
    }
}
