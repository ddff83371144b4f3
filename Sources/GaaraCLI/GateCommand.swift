import ArgumentParser
import Foundation
import GaaraAPI
import GaaraEngine
import GaaraGates
import GaaraReports
import GaaraWorkflow

/// `gaara gate`: judges test, coverage and security reports against the project's gates.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Judge reports against the quality gates (all tests pass, coverage ≥ 80%, no critical finding by default).",
        discussion: """
            Gates come from --config, else .gaara/gates.yml, else the defaults. Report kinds are detected from the content; the \
            options only say which files to read (globs, relative to the current folder). With --base, patch coverage is checked on \
            the lines `git diff BASE...HEAD` adds. When $GITHUB_STEP_SUMMARY is set, the Markdown summary is appended to it. \
            Exit status: 0 when every gate passed, 1 when one failed, 2 for bad input (a missing file, a malformed report or config).
            """
    )

    @Option(help: "The gates file (default: .gaara/gates.yml when present).")
    var config: String?

    @Option(name: .customLong("junit"), help: "JUnit reports (globs, repeatable).")
    var junit: [String] = []

    @Option(name: .customLong("coverage"), help: "Cobertura or LCOV reports (globs, repeatable).")
    var coverage: [String] = []

    @Option(name: .customLong("sarif"), help: "SARIF reports (globs, repeatable).")
    var sarif: [String] = []

    @Option(name: .customLong("audit"), help: "Dependency audit or bandit JSON reports (globs, repeatable).")
    var audit: [String] = []

    @Option(help: "Base ref for patch coverage (diff BASE...HEAD).")
    var base: String?

    @Option(name: .customLong("baseline"), help: "Security reports of the base, for security.new-only (globs, repeatable).")
    var baseline: [String] = []

    @Option(name: .customLong("base-coverage"), help: "Coverage reports of the base, for coverage.project.max-drop (globs, repeatable).")
    var baseCoverage: [String] = []

    @Option(help: "Output format: text, markdown, json or junit.")
    var format: GateOutputFormat = .text

    enum GateOutputFormat: String, ExpressibleByArgument {
        case text, markdown, json, junit
    }

    func run() async throws {
        // A gate with nothing to judge would pass: a CI step pointed at nothing must not go green.
        guard !(junit.isEmpty && coverage.isEmpty && sarif.isEmpty && audit.isEmpty) else {
            throw CLIFailure(
                .invalidInput, "no reports given: name them with --junit, --coverage, --sarif or --audit (a gate with nothing to judge would pass)")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let configuration = try loadConfiguration(cwd: cwd)
        var input = GateInput(today: Self.today())
        var summaries: [ReportSummary] = []

        let testReports = try reports(junit, category: .tests, option: "--junit", cwd: cwd)
        if !junit.isEmpty {
            var tests = TestSummary()
            for report in testReports { tests.merge(report.tests ?? TestSummary()) }
            input.tests = tests
        }
        let coverageReports = try reports(coverage, category: .coverage, option: "--coverage", cwd: cwd)
        if !coverage.isEmpty { input.coverage = merged(coverageReports) }
        let securityReports =
            try reports(sarif, category: .security, option: "--sarif", cwd: cwd)
            + reports(audit, category: .security, option: "--audit", cwd: cwd)
        if !sarif.isEmpty || !audit.isEmpty { input.findings = securityReports.flatMap { $0.findings ?? [] } }
        if !baseline.isEmpty {
            input.baselineFindings = try reports(baseline, category: .security, option: "--baseline", cwd: cwd).flatMap { $0.findings ?? [] }
        }
        if !baseCoverage.isEmpty { input.baseCoverage = merged(try reports(baseCoverage, category: .coverage, option: "--base-coverage", cwd: cwd)) }
        if let base { input.changedLines = try await changedLines(base: base, cwd: cwd) }
        summaries = (testReports + coverageReports + securityReports).map(ReportSummary.init)

        let report = GateEvaluator.evaluate(input, configuration: configuration)
        let output: String
        switch format {
        case .text: output = GateFormatter.text(report, color: isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        case .markdown: output = GateFormatter.markdown(report)
        case .junit: output = GateFormatter.junit(report)
        case .json: output = try Self.json(report, reports: summaries)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        let environment = ProcessInfo.processInfo.environment
        if let summary = environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty, let handle = FileHandle(forWritingAtPath: summary) {
            handle.seekToEndOfFile()
            handle.write(Data((GateFormatter.markdown(report) + "\n").utf8))
            try? handle.close()
        }
        // A server running this step reads the verdict from here to post commit statuses.
        if let path = environment["GAARA_GATE_OUTPUT"], !path.isEmpty {
            try Self.json(report, reports: summaries).write(toFile: path, atomically: true, encoding: .utf8)
        }
        if !report.passed { throw ExitCode(1) }
    }

    static func json(_ report: GateReport, reports: [ReportSummary]) throws -> String {
        // The one shape of a verdict (GaaraAPI), which the server reads back after the run.
        let output = GateVerdictJSON(
            passed: report.passed,
            gates: report.results.map {
                GateJSON(
                    context: $0.context, name: $0.name, status: $0.status.rawValue, measured: $0.measured, threshold: $0.threshold,
                    details: $0.details)
            },
            statuses: GateFormatter.statuses(report).map { GateStatusJSON(context: $0.context, state: $0.state, description: $0.description) },
            warnings: report.warnings, reports: reports)
        return String(decoding: try ReportJSON.encode(output), as: UTF8.self) + "\n"
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    func loadConfiguration(cwd: URL) throws -> GateConfiguration {
        var path = config.map { URL(fileURLWithPath: $0, relativeTo: cwd).path }
        if path == nil {
            let candidates = [
                cwd.appendingPathComponent(".gaara/gates.yml"),
                WorkflowDiscovery.repositoryRoot(from: cwd).appendingPathComponent(".gaara/gates.yml"),
            ]
            path = candidates.first { FileManager.default.fileExists(atPath: $0.path) }?.path
        }
        guard let path else { return GateConfiguration() }
        let text = try WorkflowDiscovery.read(URL(fileURLWithPath: path), displayPath: config ?? ".gaara/gates.yml")
        let (loaded, file, diagnostics) = GateConfigurationLoader.load(text: text, path: config ?? ".gaara/gates.yml")
        guard let loaded else {
            FileHandle.standardError.write(Data(DiagnosticRenderer.render(diagnostics, in: file).utf8))
            throw CLIFailure(.invalidInput, "fix the gates file first")
        }
        return loaded
    }

    /// Expands globs (a glob matching nothing is an error) and reads each report.
    func reports(_ globs: [String], category: ReportCategory, option: String, cwd: URL) throws -> [Report] {
        var result: [Report] = []
        for glob in globs {
            let files = try Self.expand(glob, cwd: cwd)
            guard !files.isEmpty else { throw CLIFailure(.invalidInput, "\(option) '\(glob)': no file matches") }
            for file in files {
                let path = file.hasPrefix("/") ? file : cwd.appendingPathComponent(file).path
                result.append(try ReportFiles.read(path, display: file, expected: category))
            }
        }
        return result
    }

    /// Files matching a glob relative to `cwd` (a plain path when it has no wildcard).
    static func expand(_ glob: String, cwd: URL) throws -> [String] {
        guard glob.contains(where: { "*?[".contains($0) }) else {
            let url = URL(fileURLWithPath: glob, relativeTo: cwd)
            return FileManager.default.fileExists(atPath: url.path) ? [glob] : []
        }
        if glob.hasPrefix("/") { throw CLIFailure(.invalidInput, "'\(glob)': use a relative glob") }
        let pattern = PathGlob(glob)
        var matches: [String] = []
        guard let enumerator = FileManager.default.enumerator(atPath: cwd.path) else { return [] }
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".git") || relative.hasPrefix(".gaara/runs") || relative.contains("/node_modules") || relative.hasPrefix(".build") {
                enumerator.skipDescendants()
                continue
            }
            if let type = enumerator.fileAttributes?[.type] as? FileAttributeType, type == .typeRegular, pattern.matches(relative) {
                matches.append(relative)
            }
        }
        return matches.sorted()
    }

    func merged(_ reports: [Report]) -> CoverageData {
        var coverage = CoverageData()
        for report in reports { coverage.merge(report.coverage ?? CoverageData()) }
        return coverage
    }

    func changedLines(base: String, cwd: URL) async throws -> [String: Set<Int>] {
        guard let diff = await LocalRepository.git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "\(base)...HEAD"], in: cwd) else {
            throw CLIFailure(.invalidInput, "--base \(base): git diff \(base)...HEAD failed (is it a ref of this repository?)")
        }
        return UnifiedDiff.addedLines(diff)
    }
}
