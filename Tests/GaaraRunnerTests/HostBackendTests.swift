import Foundation
import GaaraEngine
import GaaraProcess
import Testing

@testable import GaaraRunner

/// The host backend on real child processes (medium tests): exit statuses, output, timeouts, and
/// what it refuses.
@Suite struct HostBackendTests {
    /// A backend for a run in a fresh folder, without isolation.
    private func makeBackend() -> HostBackend {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-host-backend-\(UUID().uuidString)")
        let configuration = RunConfiguration(
            repository: directory, runDirectory: directory, cacheDirectory: directory, event: TriggerEvent(name: "push"), sha: "",
            repositoryName: "a/b",
            actor: "", runID: "1", runNumber: 1)
        return HostBackend(configuration: configuration)
    }

    /// Runs `command` and returns how it ended and the lines it printed.
    private func run(_ command: StepCommand, on backend: HostBackend, timeout: Double? = nil) async throws -> (StepExit, [String]) {
        let observer = CollectingObserver()
        let label = JobLabel(id: "job", index: 0, name: "job")
        let output = StepOutputProcessor(
            job: label, masker: SecretMasker([]), log: try LogWriter(path: "", enabled: false), observer: observer, debug: false)
        let io = StepIO(output: output, timeout: timeout, controller: InstanceController(grace: 0.5), generation: .max)
        let exit = try await backend.run(command, io: io)
        output.finish()
        return (exit, observer.lines)
    }

    private func script(_ text: String) -> StepCommand {
        StepCommand(kind: .script, executable: "sh", arguments: ["-c", text], environment: ["PATH": "/usr/bin:/bin"])
    }

    /// A script's exit code comes back as its status.
    @Test(arguments: [(0 as Int32), 1, 3])
    func theExitCodeComesBack(code: Int32) async throws {
        let backend = makeBackend()
        let (exit, lines) = try await run(script("echo hello; exit \(code)"), on: backend)
        #expect(exit == StepExit(status: .exited(code)))
        #expect(lines == ["hello"])
    }

    @Test func aTimeoutStopsTheProcess() async throws {
        let backend = makeBackend()
        let (exit, _) = try await run(script("sleep 30"), on: backend, timeout: 0.2)
        #expect(exit.timedOut)
        #expect(!exit.status.isSuccess)
    }

    @Test func aMissingProgramIsReportedWithTheStepsHint() async throws {
        let backend = makeBackend()
        var command = script("true")
        command.executable = "gaara-no-such-shell"
        command.missingProgram = "shell 'gaara-no-such-shell' needs 'gaara-no-such-shell' on PATH"
        let error = await #expect(throws: RunnerError.self) { _ = try await run(command, on: backend) }
        #expect(error?.description == command.missingProgram)
    }

    @Test func containerImagesAreRefused() async throws {
        let backend = makeBackend()
        let command = StepCommand(kind: .image(entrypoint: nil), executable: "alpine", arguments: [], environment: [:])
        await #expect(throws: RunnerError.self) { _ = try await run(command, on: backend) }
    }
}
