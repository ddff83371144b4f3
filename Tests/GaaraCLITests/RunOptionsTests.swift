import Foundation
import Testing

/// `gaara run`'s arguments: the common spellings are parsed without ArgumentParser (it cost 4–5 ms
/// of every run); anything else still gets ArgumentParser's usage errors and help.
struct RunOptionsTests {
    @Test func commonSpellingsRunAndTheRestGetsArgumentParsersErrors() async throws {
        let directory = try TemporaryDirectory()
        let repo = try await RunSummaryTests.repository(
            [
                "ci.yml": """
                name: CI
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "built with $GREETING"
                        env:
                          GREETING: ${{ vars.GREETING }}
                """
            ], in: directory)
        let listed = try await GaaraBinary.run(["run", "--list", "--jobs=1", "-W", ".github/workflows/ci.yml", "push"], in: repo)
        #expect(listed.status == 0 && listed.stdout.contains("build"), "\(listed.stdout)\(listed.stderr)")
        let ran = try await GaaraBinary.run(["run", "--var", "GREETING=hello", "--json", "-j", "build"], in: repo)
        #expect(ran.status == 0, "\(ran.stderr)")
        let logs = repo.appendingPathComponent(".gaara/runs/1/logs/build/1_Run_echo__built_with__GREETING_.log")
        #expect((try? String(contentsOf: logs, encoding: .utf8))?.contains("built with hello") == true)
        for (arguments, message) in [
            (["run", "--jobs", "two"], "--jobs"), (["run", "push", "pull_request"], "pull_request"), (["run", "--nonsense"], "--nonsense"),
            (["run", "-W"], "-W"),
        ] {
            let failed = try await GaaraBinary.run(arguments, in: repo)
            #expect(failed.status == 2 && failed.stderr.contains(message), "\(arguments): \(failed.status) \(failed.stderr)")
        }
        let help = try await GaaraBinary.run(["run", "--help"], in: repo)
        #expect(help.status == 0 && help.stdout.contains("--run-dir"), "\(help.stdout)")
    }
}
