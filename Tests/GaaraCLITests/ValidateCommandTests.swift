import Foundation
import Testing

let validWorkflow = """
    on: push
    jobs:
      build:
        runs-on: ubuntu-latest
        steps:
          - run: make
    """

@Test func validWorkflowExitsZero() async throws {
    let directory = try TemporaryDirectory()
    try directory.write("ci.yml", validWorkflow)
    let output = try await GaaraBinary.run(["validate", "ci.yml"], in: directory.url)
    #expect(output.status == 0)
    #expect(output.stdout == "1 file checked: 0 errors, 0 warnings\n")
}

@Test func brokenWorkflowExitsOneWithCompilerStyleDiagnostics() async throws {
    let directory = try TemporaryDirectory()
    try directory.write("ci.yml", validWorkflow.replacingOccurrences(of: "runs-on", with: "runs_on"))
    let output = try await GaaraBinary.run(["validate", "ci.yml"], in: directory.url)
    #expect(output.status == 1)
    #expect(
        output.stdout.contains(
            "ci.yml:4:5: error: unknown key 'runs_on' in job 'build' (did you mean 'runs-on'?)\n    runs_on: ubuntu-latest\n    ^\n"))
    #expect(output.stdout.hasSuffix("1 file checked: 2 errors, 0 warnings\n"))
}

@Test func jsonOutputHasTheDocumentedShape() async throws {
    let directory = try TemporaryDirectory()
    try directory.write("ci.yml", validWorkflow.replacingOccurrences(of: "make", with: "echo ${{ gihtub.sha }}"))
    let output = try await GaaraBinary.run(["validate", "--format", "json", "ci.yml"], in: directory.url)
    #expect(output.status == 1)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    #expect(document["errors"] as? Int == 1)
    #expect(document["warnings"] as? Int == 0)
    let files = try #require(document["files"] as? [[String: Any]])
    #expect(files.first?["path"] as? String == "ci.yml")
    let diagnostic = try #require((files.first?["diagnostics"] as? [[String: Any]])?.first)
    #expect(diagnostic["severity"] as? String == "error")
    #expect(diagnostic["line"] as? Int == 6)
    #expect(diagnostic["column"] as? Int == 23)
    #expect(diagnostic["message"] as? String == "unrecognized named-value 'gihtub' (did you mean 'github'?)")
}

@Test func defaultsToTheRepositorysWorkflows() async throws {
    let directory = try TemporaryDirectory()
    _ = try directory.write(".github/workflows/ci.yml", validWorkflow)
    try directory.write(".gaara/workflows/deploy.yaml", validWorkflow)
    try directory.write("src/README", "nested")
    let output = try await GaaraBinary.run(["validate"], in: directory.url.appendingPathComponent("src"))
    #expect(output.status == 0)
    #expect(output.stdout == "2 files checked: 0 errors, 0 warnings\n")
}

@Test func usageErrorsAndUnreadablePathsExitTwo() async throws {
    let directory = try TemporaryDirectory()
    let missing = try await GaaraBinary.run(["validate", "nope.yml"], in: directory.url)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nope.yml: no such file or directory"))
    let badOption = try await GaaraBinary.run(["validate", "--format", "xml"], in: directory.url)
    #expect(badOption.status == 2)
    let noWorkflows = try await GaaraBinary.run(["validate"], in: directory.url)
    #expect(noWorkflows.status == 2)
    let binary = directory.url.appendingPathComponent("binary.yml")
    try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: binary)
    let notText = try await GaaraBinary.run(["validate", "binary.yml"], in: directory.url)
    #expect(notText.status == 2)
    #expect(notText.stderr.contains("not UTF-8"))
}

@Test func actionFilesAreValidatedAsActions() async throws {
    let directory = try TemporaryDirectory()
    try directory.write("greet/action.yml", "name: greet\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n")
    let output = try await GaaraBinary.run(["validate", "greet/action.yml"], in: directory.url)
    #expect(output.status == 1)
    #expect(output.stdout.contains("greet/action.yml:5:7: error: 'shell' is required for 'run' steps in a composite action"))
}

/// `.gaara/deploy.yml` is checked with the workflows, its mistakes at `path:line:col`.
@Test func theDeployConfigurationIsValidatedWithTheWorkflows() async throws {
    let directory = try TemporaryDirectory()
    _ = try directory.write(".github/workflows/ci.yml", validWorkflow)
    _ = try directory.write(
        ".gaara/deploy.yml",
        """
        services:
          web: {image: 127.0.0.1:5000/app/web, port: 8080}
        environments:
          production:
            hosts: [deploy@web-1, deploy@web-2]
            strategy: {canary: [{weight: 25}, {weight: 5}]}
        """)
    let output = try await GaaraBinary.run(["validate"], in: directory.url)
    #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
    #expect(
        output.stdout.contains(".gaara/deploy.yml:6:15: error: environment 'production': canary weights must grow: 5 after 25"), "\(output.stdout)")
    #expect(output.stdout.hasSuffix("2 files checked: 1 error, 0 warnings\n"), "\(output.stdout)")
    _ = try directory.write(".gaara/deploy.yml", "services:\n  web: {image: app, port: 80}\nenvironments:\n  staging: {hosts: local}\n")
    let fixed = try await GaaraBinary.run(["validate", ".gaara/deploy.yml"], in: directory.url)
    #expect(fixed.status == 0 && fixed.stdout == "1 file checked: 0 errors, 0 warnings\n", "\(fixed.stdout)")
}

/// `.gaara/alerts.yml` too: a rule whose expression does not parse, at the column of the problem.
@Test func theAlertsConfigurationIsValidatedWithTheWorkflows() async throws {
    let directory = try TemporaryDirectory()
    _ = try directory.write(".github/workflows/ci.yml", validWorkflow)
    _ = try directory.write(
        ".gaara/alerts.yml",
        """
        rules:
          - alert: SlowPages
            expr: latency_p95_ms >> 500ms
            for: 5m
        receivers:
          - name: team
            slack: SLACK_WEBHOOK
        """)
    let output = try await GaaraBinary.run(["validate"], in: directory.url)
    #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
    #expect(output.stdout.contains(".gaara/alerts.yml:3:26: error: unknown operator '>>'; use >, >=, <, <=, == or !="), "\(output.stdout)")
    #expect(output.stdout.hasSuffix("2 files checked: 1 error, 0 warnings\n"), "\(output.stdout)")
    _ = try directory.write(".gaara/alerts.yml", "receivers: [{name: team, slack: SLACK_WEBHOOK}]\n")
    let fixed = try await GaaraBinary.run(["validate", ".gaara/alerts.yml"], in: directory.url)
    #expect(fixed.status == 0 && fixed.stdout == "1 file checked: 0 errors, 0 warnings\n", "\(fixed.stdout)")
}
