import ArgumentParser
import Foundation
import GaaraWorkflow

/// Output formats of `gaara validate`.
enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `gaara validate`: checks workflow files and prints diagnostics.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Check workflow (and action.yml) files the way GitHub would, and say what Gaara cannot run; and .gaara/deploy.yml and alerts.yml.",
        discussion: "Exit status: 0 when there is no error, 1 when any file has an error, 2 for a usage error or an unreadable path."
    )

    @Argument(help: "Workflow files or directories (default: the current repository's workflows).")
    var paths: [String] = []

    @Option(help: "Output format: text or json.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Leave out warnings.")
    var quiet = false

    func run() async throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let files = try WorkflowDiscovery.expand(paths, currentDirectory: cwd)
        var reports: [FileReport] = []
        for (url, kind) in files {
            let display = displayPath(url, cwd: cwd)
            let text = try WorkflowDiscovery.read(url, displayPath: display)
            let (file, diagnostics): (SourceFile, [Diagnostic])
            switch kind {
            case .workflow:
                let result = WorkflowLoader.load(text: text, path: display)
                (file, diagnostics) = (result.file, result.diagnostics)
            case .action:
                let result = ActionLoader.load(text: text, path: display)
                (file, diagnostics) = (result.file, result.diagnostics)
            case .deploy:
                let result = DeployConfigLoader.load(text: text, path: display)
                (file, diagnostics) = (result.file, result.diagnostics)
            case .alerts:
                let result = AlertConfigLoader.load(text: text, path: display)
                (file, diagnostics) = (result.file, result.diagnostics)
            }
            reports.append(FileReport(file: file, diagnostics: quiet ? diagnostics.filter { $0.severity == .error } : diagnostics))
        }
        let errors = reports.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .error }.count }
        let warnings = reports.reduce(0) { $0 + $1.diagnostics.filter { $0.severity == .warning }.count }
        switch format {
        case .text:
            var output = ""
            for report in reports where !report.diagnostics.isEmpty {
                output += DiagnosticRenderer.render(report.diagnostics, in: report.file)
            }
            output +=
                "\(reports.count) file\(reports.count == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
            FileHandle.standardOutput.write(Data(output.utf8))
        case .json:
            let document = ValidationDocument(
                files: reports.map { report in
                    .init(
                        path: report.file.path,
                        diagnostics: report.diagnostics.map {
                            .init(severity: $0.severity.rawValue, line: $0.location.line, column: $0.location.column, message: $0.message)
                        })
                }, errors: errors, warnings: warnings)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try encoder.encode(document) + Data("\n".utf8))
        }
        if errors > 0 { throw ExitCode(1) }
    }

    func displayPath(_ url: URL, cwd: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = cwd.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}

struct FileReport {
    let file: SourceFile
    let diagnostics: [Diagnostic]
}

/// The JSON shape of `gaara validate --format json`.
struct ValidationDocument: Codable {
    struct File: Codable {
        let path: String
        let diagnostics: [Entry]
    }

    struct Entry: Codable {
        let severity: String
        let line: Int
        let column: Int
        let message: String
    }

    let files: [File]
    let errors: Int
    let warnings: Int
}
