import Foundation
import GaaraWorkflow
import Testing

/// The broken workflows under Fixtures/invalid, each with the exact diagnostics it must produce
/// (in `NAME.expected`: `line:col: severity: message`, one per line, in file order).
enum InvalidFixtures {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/invalid")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
    }
}

@Test func thereAreAtLeastThirtyBrokenFixtures() {
    #expect(InvalidFixtures.names.count >= 30)
}

@Test(arguments: InvalidFixtures.names)
func brokenWorkflowProducesItsExactDiagnostics(_ name: String) throws {
    let yaml = try String(contentsOf: InvalidFixtures.directory.appendingPathComponent(name + ".yml"), encoding: .utf8)
    let expected = try String(contentsOf: InvalidFixtures.directory.appendingPathComponent(name + ".expected"), encoding: .utf8)
        .split(separator: "\n").map(String.init)
    let result = WorkflowLoader.load(text: yaml, path: name + ".yml")
    let actual = result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    #expect(actual == expected)
    #expect(result.hasErrors, "a broken fixture must produce at least one error")
}

@Test func rendersCompilerStyleDiagnosticsWithCaret() {
    let text = "on: push\njobs:\n  build:\n    runs_on: linux\n    steps:\n      - run: make\n"
    let result = WorkflowLoader.load(text: text, path: "ci.yml")
    let rendered = DiagnosticRenderer.render(result.diagnostics, in: result.file)
    #expect(
        rendered == """
            ci.yml:3:3: error: job 'build' needs 'runs-on'
              build:
              ^
            ci.yml:4:5: error: unknown key 'runs_on' in job 'build' (did you mean 'runs-on'?)
                runs_on: linux
                ^

            """)
}
