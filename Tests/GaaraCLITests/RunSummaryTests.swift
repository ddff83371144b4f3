import Foundation
import Testing

/// Issue #22: `gaara run` ends with one summary of every workflow the event ran, failures first,
/// and a last line that agrees with the exit status (a failure in the first of two workflows
/// used to scroll away above the second's `success`).
struct RunSummaryTests {
    /// A repository with `workflows` (file name → YAML) committed.
    static func repository(_ workflows: [String: String], in directory: TemporaryDirectory) async throws -> URL {
        let repo = directory.url.appendingPathComponent("repo")
        let folder = repo.appendingPathComponent(".github/workflows")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in workflows { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let git = "git -c user.name=Test -c user.email=test@example.com"
        let setup = try await GaaraBinary.runShell("cd '\(repo.path)' && git init -q -b main && \(git) add -A && \(git) commit -qm init")
        try #require(setup.status == 0, "\(setup.stderr)")
        return repo
    }

    /// The lines after the last workflow ended (the summary), without blank ones.
    static func summary(_ stdout: String) -> [String] {
        let lines = stdout.split(separator: "\n").map(String.init)
        let start = (lines.lastIndex { $0.hasPrefix("■ ") } ?? -1) + 1
        return lines[start...].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    @Test func aFailureInTheFirstOfTwoWorkflowsIsInTheOneSummaryAndTheLastLine() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await Self.repository(
            [
                "lint.yml": """
                name: Lint
                on: push
                jobs:
                  lint:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "::error file=app.py,line=3::unused import"; exit 3
                """,
                "test.yml": """
                name: Test
                on: push
                jobs:
                  unit:
                    runs-on: ubuntu-latest
                    steps:
                      - run: sleep 1; echo passed
                  docs:
                    if: false
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo never
                """,
            ], in: directory)
        let run = try await GaaraBinary.run(["run"], in: repo)
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let summary = Self.summary(run.stdout)
        // Test ends last: the summary comes after both workflows, with the failure on top.
        let rows = summary.filter { $0.hasPrefix("  Lint") || $0.hasPrefix("  Test") }
        #expect(rows.count == 3, "\(summary)")
        #expect(rows.first?.contains("lint") == true && rows.first?.contains("failure") == true, "\(summary)")
        #expect(rows.contains { $0.contains("unit") && $0.contains("success") } && rows.contains { $0.contains("docs") && $0.contains("skipped") })
        #expect(summary.contains { $0.contains("lint: error: app.py:3: unused import") }, "\(summary)")
        let last = try #require(summary.last)
        #expect(last.hasPrefix("failure: 1 of 2 workflows (Lint)") && last.hasSuffix("(exit 1)"), "\(last)")
        #expect(last.contains("3 jobs: 1 failure, 1 success, 1 skipped"), "\(last)")
    }

    @Test func aPassingRunEndsWithSuccessAndExitZero() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await Self.repository(
            [
                "ci.yml": """
                name: CI
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo built
                """
            ], in: directory)
        let run = try await GaaraBinary.run(["run"], in: repo)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let summary = Self.summary(run.stdout)
        #expect(summary.first == "  JOB    RESULT     DURATION", "one workflow: no workflow column \(summary)")
        #expect(summary.last?.hasPrefix("success: CI — 1 job: 1 success in ") == true && summary.last?.hasSuffix("(exit 0)") == true, "\(summary)")
    }
}
