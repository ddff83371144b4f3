import Foundation
import GaaraWorkflow
import Testing

/// Real workflows from public projects (`../shared/corpus/workflows`): GitHub accepts them all,
/// so Gaara must report zero errors; warnings must each name something Gaara does not run.
enum Corpus {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    static func files(_ folder: String, suffixes: [String]) -> [URL] {
        let directory = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in suffixes.contains { name.hasSuffix($0) } }.sorted().map { directory.appendingPathComponent($0) }
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root.path) }
}

/// Warning messages Gaara may give on valid workflows: each names a feature Gaara does not run.
let unsupportedFeatureWarnings = [
    "is not built into Gaara", "Gaara runs jobs on Linux hosts only", "Gaara does not receive", "Gaara runs only local reusable workflows",
    "Gaara cannot run it", "Gaara takes the input as a string", "Gaara does not issue GITHUB_TOKEN scopes", "is not supported by Gaara",
    "is empty in a job without strategy.matrix", "so it is a string and always true",
]

@Test(.enabled(if: Corpus.isPresent, "../shared/corpus is absent; skipping the real-world corpus"))
func everyCorpusWorkflowValidatesWithoutErrors() throws {
    let files = Corpus.files("workflows", suffixes: [".yml", ".yaml"])
    #expect(files.count >= 100)
    for url in files {
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = WorkflowLoader.load(text: text, path: url.lastPathComponent)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(url.lastPathComponent): \(errors.map(\.description))")
        #expect(result.workflow?.jobs.isEmpty == false, "\(url.lastPathComponent) decoded no jobs")
        for warning in result.diagnostics where warning.severity == .warning {
            #expect(unsupportedFeatureWarnings.contains { warning.message.contains($0) }, "\(url.lastPathComponent): \(warning)")
        }
    }
}

@Test(.enabled(if: Corpus.isPresent, "../shared/corpus is absent; skipping the real-world corpus"))
func everyCorpusActionDecodes() throws {
    let files = Corpus.files("actions", suffixes: [".yml", ".yaml"])
    #expect(files.count >= 10)
    for url in files {
        let text = try String(contentsOf: url, encoding: .utf8)
        let result = ActionLoader.load(text: text, path: url.lastPathComponent)
        #expect(!result.hasErrors, "\(url.lastPathComponent): \(result.diagnostics.map(\.description))")
        #expect(result.action != nil)
    }
}

@Test(.enabled(if: Corpus.isPresent, "../shared/corpus is absent; skipping the real-world corpus"))
func everyStaticCorpusMatrixExpandsWithinTheLimit() throws {
    var expanded = 0
    for url in Corpus.files("workflows", suffixes: [".yml", ".yaml"]) {
        let result = WorkflowLoader.load(text: try String(contentsOf: url, encoding: .utf8), path: url.lastPathComponent)
        for job in result.workflow?.jobs ?? [] {
            guard let matrix = job.strategy?.matrix, matrix.pairs != nil, !(matrix.scalarText ?? "").contains("${{") else { continue }
            let value = matrix.literalValue
            if case .object(let object) = value, object.values.contains(where: { $0.stringValue?.contains("${{") == true }) { continue }
            let combinations = try MatrixExpander.expand(value)
            #expect(!combinations.isEmpty && combinations.count <= 256, "\(url.lastPathComponent) \(job.id)")
            expanded += 1
        }
    }
    #expect(expanded >= 20)
}
