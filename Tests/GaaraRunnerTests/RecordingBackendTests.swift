import GaaraEngine
import Testing

@testable import GaaraRunner

/// Workflow runs on the recording backend: what the job asks its backend to run, and what the
/// scripted results do to steps and jobs. Small tests: no process starts.
@Suite struct RecordingBackendTests {
    @Test func stepsRunInOrderBetweenSetUpAndTearDown() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo one
                  - run: echo two
                  - name: Third
                    run: echo three
            """)
        #expect(run.outcome.result == .success)
        #expect(run.backend.scripts(of: "build") == ["echo one", "echo two", "echo three"])
        let actions = run.backend.calls.map(\.action)
        #expect(actions.first == .setUp)
        #expect(actions.last == .tearDown)
        #expect(actions.count == 5)
        #expect(run.steps(of: "build").map(\.outcome) == [.success, .success, .success])
    }

    @Test func jobsRunInTheOrderOfTheirNeeds() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              test:
                needs: build
                runs-on: ubuntu-latest
                steps:
                  - run: echo test
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo build
            """)
        let order = run.backend.calls.map { "\($0.job):\($0.action == .setUp ? "setUp" : $0.action == .tearDown ? "tearDown" : "run")" }
        #expect(order == ["build:setUp", "build:run", "build:tearDown", "test:setUp", "test:run", "test:tearDown"])
    }

    @Test func theStepGetsItsEvaluatedEnvironmentShellAndDirectory() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            env:
              LEVEL: workflow
              FROM_WORKFLOW: w
            jobs:
              build:
                runs-on: ubuntu-latest
                env:
                  LEVEL: job
                steps:
                  - run: echo hi
                    shell: sh
                    working-directory: sub
                    env:
                      LEVEL: step
                      DERIVED: ${{ env.FROM_WORKFLOW }}-${{ github.ref_name }}
            """)
        let command = try #require(run.backend.commands(of: "build").first)
        #expect(command.kind == .script)
        #expect(command.executable == "sh")
        #expect(command.arguments.first == "-e")
        #expect(command.workingDirectory?.hasSuffix("/work/build/sub") == true)
        #expect(command.environment["LEVEL"] == "step")
        #expect(command.environment["FROM_WORKFLOW"] == "w")
        #expect(command.environment["DERIVED"] == "w-main")
        #expect(command.environment["GITHUB_REF"] == "refs/heads/main")
        #expect(command.environment["CI"] == "true")
        #expect(command.environment["GITHUB_ENV"] != nil)
    }

    /// A step's `if:` and whether the step runs; the step before it fails when the first flag is set.
    @Test(arguments: [
        ("false", false, false),
        ("true", false, true),
        ("${{ github.ref == 'refs/heads/main' }}", false, true),
        ("${{ env.MODE == 'fast' }}", false, true),
        ("${{ env.MODE == 'slow' }}", false, false),
        ("success()", true, false),
        ("failure()", true, true),
        ("always()", true, true),
        ("cancelled()", true, false),
    ])
    func conditionDecidesWhetherTheStepRuns(condition: String, previousFails: Bool, runs: Bool) async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            env:
              MODE: fast
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo first
                    env:
                      GAARA_FAKE_EXIT_CODE: "\(previousFails ? 1 : 0)"
                  - name: Checked
                    if: \(condition)
                    run: echo checked
            """)
        #expect(run.backend.scripts(of: "build") == ["echo first"] + (runs ? ["echo checked"] : []))
        #expect(try run.step("Checked", of: "build").outcome == (runs ? .success : .skipped))
    }

    @Test func aFailingStepFailsTheJobAndSkipsTheRest() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Breaks
                    run: exit 3
                    env:
                      GAARA_FAKE_EXIT_CODE: "3"
                  - name: After
                    run: echo after
            """)
        #expect(run.outcome.result == .failure)
        #expect(run.outcome.jobs["build"] == .failure)
        #expect(run.backend.scripts(of: "build") == ["exit 3"])
        let breaks = try run.step("Breaks", of: "build")
        #expect(breaks.outcome == .failure)
        #expect(breaks.error == "process completed with exit code 3")
        #expect(try run.step("After", of: "build").outcome == .skipped)
        #expect(run.backend.calls.last?.action == .tearDown)
    }

    /// `continue-on-error` on a failing step: the step's conclusion, the job's result.
    @Test(arguments: [("true", JobResult.success), ("false", .failure), ("${{ env.LENIENT == 'yes' }}", .success)])
    func continueOnErrorKeepsTheJobGoing(value: String, job: JobResult) async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            env:
              LENIENT: "yes"
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Flaky
                    continue-on-error: \(value)
                    run: flaky
                    env:
                      GAARA_FAKE_EXIT_CODE: "1"
                  - run: echo next
            """)
        #expect(run.outcome.jobs["build"] == job)
        let flaky = try run.step("Flaky", of: "build")
        #expect(flaky.outcome == .failure)
        #expect(flaky.conclusion == job)
        #expect(run.backend.scripts(of: "build") == (job == .success ? ["flaky", "echo next"] : ["flaky"]))
    }

    @Test func aProcessThatCannotStartFailsItsStep() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Missing
                    run: echo hi
                    shell: bash
                    env:
                      GAARA_FAKE_START_FAILURE: no such file or program
            """)
        #expect(run.outcome.result == .failure)
        #expect(try run.step("Missing", of: "build").error == "shell 'bash' needs 'bash' on PATH")
    }

    @Test func outputLinesReachTheLogAndSetOutputs() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - id: produce
                    run: produce
                    env:
                      GAARA_FAKE_OUTPUT: |-
                        hello from the fake
                        ::set-output name=answer::42
                  - run: consume ${{ steps.produce.outputs.answer }}
            """)
        #expect(run.lines.contains("hello from the fake"))
        #expect(run.backend.scripts(of: "build") == ["produce", "consume 42"])
    }

    @Test func secretsInTheOutputAreMasked() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo ${{ secrets.TOKEN }}
                    env:
                      GAARA_FAKE_OUTPUT: the token is hunter2
            """, secrets: ["TOKEN": "hunter2"])
        #expect(run.backend.scripts(of: "build") == ["echo hunter2"])
        #expect(run.lines.contains("the token is ***"))
        #expect(!run.lines.contains { $0.contains("hunter2") })
    }

    @Test func matrixInstancesEachGetTheirOwnBackend() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    version: [1, 2]
                steps:
                  - run: echo ${{ matrix.version }}
            """)
        let calls = run.backend.calls
        #expect(Set(calls.filter { $0.action == .setUp }.map(\.index)) == [0, 1])
        #expect(Set(calls.filter { $0.action == .tearDown }.map(\.index)) == [0, 1])
        #expect(run.backend.scripts(of: "build").sorted() == ["echo 1", "echo 2"])
    }

    @Test func containerImagesGoToTheBackendAsImages() async throws {
        let run = try await RecordedRun.run(
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: docker://alpine:3.20
                    with:
                      args: echo "two words"
                      entrypoint: /bin/sh
            """)
        let command = try #require(run.backend.commands(of: "build").first)
        #expect(command.kind == .image(entrypoint: "/bin/sh"))
        #expect(command.executable == "alpine:3.20")
        #expect(command.arguments == ["echo", "two words"])
        #expect(command.actionEnvironment["INPUT_ENTRYPOINT"] == "/bin/sh")
    }
}
