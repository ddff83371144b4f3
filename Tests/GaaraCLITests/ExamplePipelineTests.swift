import Foundation
import Testing

/// The bundled example (examples/gaara-app) run end to end with `gaara run`: it passes as it is,
/// and fails with a clear reason when a test, a lint, the coverage or a security check breaks —
/// each broken on purpose in a copy. Its reports then drive `gaara gate` in every output format.
/// These runs install the example's Python tools from PyPI (cached by pip) and take a minute each.
@Suite(.serialized)
struct ExamplePipelineTests {
    static let example: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("examples/gaara-app")
    }()

    /// Copies the example (without run folders, virtualenvs and reports) into a fresh repository.
    static func repository(in directory: TemporaryDirectory, breakage: [String] = []) async throws -> URL {
        let repo = directory.url.appendingPathComponent("gaara-app")
        let git = "git -c user.name=Example -c user.email=example@example.com"
        var script = """
            set -e
            mkdir -p '\(repo.path)'
            tar -C '\(example.path)' --exclude=.gaara/runs --exclude=.gaara/deploy --exclude='.venv*' --exclude=reports --exclude=dist --exclude=__pycache__ \
                --exclude=node_modules --exclude=.coverage --exclude=.mypy_cache --exclude=.pytest_cache -cf - . | tar -C '\(repo.path)' -xf -
            cd '\(repo.path)'
            git init -q -b main
            \(git) add -A
            \(git) commit -qm 'the example app'
            """
        if !breakage.isEmpty {
            script += "\n" + breakage.joined(separator: "\n") + "\n\(git) add -A\n\(git) commit -qm 'a change that breaks things'"
        }
        let setup = try await GaaraBinary.runShell(script)
        try #require(setup.status == 0, "setup failed: \(setup.stdout)\(setup.stderr)")
        return repo
    }

    static func gate(_ arguments: [String], in directory: URL) async throws -> [String: GaaraBinary.Output] {
        var outputs: [String: GaaraBinary.Output] = [:]
        for format in ["text", "markdown", "json", "junit"] {
            outputs[format] = try await GaaraBinary.run(["gate", "--format", format] + arguments, in: directory)
        }
        return outputs
    }

    @Test func theExamplePipelinePassesAndItsGatesPass() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await Self.repository(in: directory)
        let run = try await GaaraBinary.run(["run"], in: repo)
        #expect(run.status == 0, "\(run.stdout.suffix(6000))\n\(run.stderr)")
        #expect(run.stdout.contains("Quality gate passed."))
        // The summary table lists each job with its result.
        for job in ["Backend", "Frontend", "Security", "Quality gate"] {
            #expect(run.stdout.split(separator: "\n").contains { $0.hasPrefix("  \(job)") && $0.contains("success") }, "\(job)")
        }
        let reports = repo.appendingPathComponent(".gaara/runs/1/work/quality-gate")
        let arguments = [
            "--junit", "reports/**/*junit*.xml", "--coverage", "reports/backend-coverage.xml", "--coverage", "reports/frontend-lcov.info",
            "--sarif", "reports/*.sarif", "--audit", "reports/audit.json", "--config", repo.appendingPathComponent(".gaara/gates.yml").path,
        ]
        for (format, output) in try await Self.gate(arguments, in: reports) {
            #expect(output.status == 0, "\(format): \(output.stdout)\(output.stderr)")
        }
    }

    @Test func brokenTestsCoverageAndSecurityFailTheGateWithReasons() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await Self.repository(
            in: directory,
            breakage: [
                // A unit test fails.
                "sed -i 's/+= 1/+= 2/' backend/app/store.py",
                // Untested code: project coverage drops below 80% and the patch is uncovered.
                "cp backend/app/wsgi.py backend/app/wsgi_v2.py",
                // A command run through a shell: semgrep's critical rule and bandit's B605.
                #"printf 'import os\n\n\ndef run(command: str) -> int:\n    return os.system(command)\n' > backend/app/danger.py"#,
            ])
        let run = try await GaaraBinary.run(["run"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("Quality gate failed."), "\(run.stdout.suffix(8000))")
        #expect(run.stdout.contains("test failed"))
        #expect(run.stdout.contains("is below 80%"))
        #expect(run.stdout.contains("critical finding"))
        #expect(run.stdout.contains("command-run-through-shell"))

        let reports = repo.appendingPathComponent(".gaara/runs/1/work/quality-gate")
        let checks: [(arguments: [String], reason: String)] = [
            (["--junit", "reports/**/*junit*.xml"], "test failed"),
            (["--coverage", "reports/backend-coverage.xml"], "is below 80%"),
            (["--sarif", "reports/*.sarif"], "critical finding"),
        ]
        for check in checks {
            for (format, output) in try await Self.gate(check.arguments, in: reports) {
                #expect(output.status == 1, "\(check.arguments) \(format): \(output.stdout)\(output.stderr)")
                #expect(output.stdout.contains(check.reason), "\(check.arguments) \(format): \(output.stdout)")
            }
        }
        // Patch coverage: only the lines of the breaking commit count, whatever the project total.
        try "coverage:\n  project: 0\n  patch: 80\n".write(
            to: directory.url.appendingPathComponent("patch-only.yml"), atomically: true, encoding: .utf8)
        let coverageReport = reports.appendingPathComponent("reports/backend-coverage.xml").path
        let patchArguments = ["--config", directory.url.appendingPathComponent("patch-only.yml").path, "--coverage", coverageReport]
        for (format, output) in try await Self.gate(patchArguments + ["--base", "HEAD~1"], in: repo) {
            #expect(output.status == 1, "patch \(format): \(output.stdout)\(output.stderr)")
            #expect(output.stdout.contains("patch coverage"), "patch \(format)")
            #expect(output.stdout.contains("wsgi_v2.py"), "patch \(format): \(output.stdout)")
        }
        // Against a base that is HEAD itself, nothing changed: the patch gate passes.
        let unchanged = try await GaaraBinary.run(["gate"] + patchArguments + ["--base", "HEAD"], in: repo)
        #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")
    }

    @Test func aLintErrorFailsTheBackendJobWithFlake8sMessage() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await Self.repository(in: directory, breakage: ["sed -i '1i import json' backend/app/store.py"])
        let run = try await GaaraBinary.run(["run", "-j", "backend"], in: repo)
        #expect(run.status == 1)
        #expect(run.stdout.contains("F401"), "\(run.stdout.suffix(4000))")
        #expect(run.stdout.contains("Lint (flake8)"))
    }
}
