import Foundation
import Testing

/// The CLI's manners (issue #20, point 9): a version, "did you mean" for a mistyped command, a
/// mistyped event refused instead of running nothing and passing, and a gate with nothing to judge
/// refused instead of passing.
@Suite struct CLIMannersTests {
    @Test func versionIsPrinted() async throws {
        let output = try await GaaraBinary.run(["--version"])
        #expect(output.status == 0 && output.stdout == "gaara 0.33.0\n", "\(output.stdout)\(output.stderr)")
    }

    @Test(arguments: [["rn"], ["help", "rn"], ["rn", "--help"]])
    func aMistypedCommandGetsTheClosestOne(_ arguments: [String]) async throws {
        let output = try await GaaraBinary.run(arguments)
        #expect(output.status == 2, "\(arguments)")
        #expect(output.stderr == "gaara: 'rn' is not a gaara command (did you mean 'run'?); 'gaara --help' lists them\n", "\(output.stderr)")
    }

    @Test func helpForARealCommandStillWorks() async throws {
        let output = try await GaaraBinary.run(["help", "deploy"])
        #expect(output.status == 0 && output.stdout.contains("USAGE: gaara deploy"), "\(output.stdout)\(output.stderr)")
    }

    @Test func anEventGitHubNeverSendsIsRefused() async throws {
        let project = try await makeProject([
            ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
        ])
        let output = try await GaaraBinary.run(["run", "pusj"], in: project.url)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(
            output.stderr.contains("'pusj' is not an event GitHub sends, so no workflow listens to it (did you mean 'push'?)"), "\(output.stderr)")
        #expect(!output.stderr.contains("not run —"), "one clear error, not a line per workflow")
        // An event GitHub sends that no workflow listens to is not an error: nothing is to be done.
        let quiet = try await GaaraBinary.run(["run", "release"], in: project.url)
        #expect(quiet.status == 0 && quiet.stderr.contains("not run — the workflow does not listen to 'release'"), "\(quiet.stderr)")
    }

    /// `gaara run workflow_dispatch` checks the inputs as the server does (one check for both).
    @Test func aDispatchsInputsAreChecked() async throws {
        let workflow = """
            on:
              workflow_dispatch:
                inputs:
                  target: {type: choice, options: [staging, production], required: true}
                  count: {type: number, default: 3}
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: echo "target=${{ inputs.target }} count=${{ inputs.count }}"
            """
        let project = try await makeProject([".github/workflows/d.yml": workflow])
        let cases: [([String], String)] = [
            ([], "gaara: .github/workflows/d.yml: input 'target' is required\n"),
            (["--input", "target=prod"], "gaara: .github/workflows/d.yml: input 'target' must be one of staging, production, not 'prod'\n"),
            (["--input", "target=staging", "--input", "count=x"], "gaara: .github/workflows/d.yml: input 'count' must be a number, not 'x'\n"),
            (["--input", "target=staging", "--input", "colour=red"], "gaara: .github/workflows/d.yml declares no input 'colour'\n"),
        ]
        for (inputs, expected) in cases {
            let output = try await GaaraBinary.run(["run", "workflow_dispatch"] + inputs, in: project.url)
            #expect(output.status == 2 && output.stderr == expected, "\(inputs): \(output.stderr)")
        }
        let good = try await GaaraBinary.run(["run", "workflow_dispatch", "--input", "target=staging"], in: project.url)
        #expect(good.status == 0 && good.stdout.contains("target=staging count=3"), "\(good.stdout)\(good.stderr)")
    }

    /// Help names what an option takes, and the short options have long forms.
    @Test func optionsHaveValueNamesAndLongForms() async throws {
        let help = try await GaaraBinary.run(["run", "--help"])
        for line in ["-C, --directory <directory>", "-W, --workflow <workflow>", "-j, --job <job>"] {
            #expect(help.stdout.contains(line), "\(line): \(help.stdout)")
        }
        #expect(!help.stdout.contains("<C>") && !help.stdout.contains("<W>") && !help.stdout.contains("<j>"))
        let project = try await makeProject([
            ".github/workflows/ci.yml":
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo long-forms-work\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo not-this-one\n"
        ])
        let output = try await GaaraBinary.run([
            "run", "--directory", project.url.path, "--workflow", project.url.appendingPathComponent(".github/workflows/ci.yml").path, "--job", "a",
        ])
        #expect(
            output.status == 0 && output.stdout.contains("long-forms-work") && !output.stdout.contains("not-this-one"),
            "\(output.stdout)\(output.stderr)")
    }

    @Test func aGateWithNoReportsFails() async throws {
        let project = try await makeProject(["README.md": "nothing to judge\n"])
        let output = try await GaaraBinary.run(["gate"], in: project.url)
        #expect(output.status == 2, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("no reports given: name them with --junit, --coverage, --sarif or --audit"), "\(output.stderr)")
    }
}
