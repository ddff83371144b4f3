import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

extension JobExecution {
    /// Runs a `run:` step with its shell.
    func runScript(_ invocation: StepInvocation) async throws -> StepTermination {
        let step = invocation.step
        let script = try step.run!.template.evaluateString(in: invocation.context)
        let shell = try resolveShell(step, context: invocation.context)
        let directory = try workingDirectory(step, context: invocation.context)
        let scriptPath = temp.path + "/\(UUID().uuidString).\(shell.fileExtension)"
        try FastFile.write(scriptPath, script)
        defer { FastFile.remove(scriptPath) }
        var arguments = shell.arguments.map { $0.replacingOccurrences(of: "{0}", with: scriptPath) }
        let executable = arguments.removeFirst()
        if let docker, docker.hasJobContainer {
            return try await docker.exec(
                [executable] + arguments, environment: invocation.environment, workingDirectory: directory, invocation: invocation, execution: self)
        }
        let command = ChildProcess.Command(executable, arguments, environment: invocation.environment, workingDirectory: directory)
        return try await runProcess(
            command, invocation: invocation, missingProgram: "shell '\(shell.name)' needs '\(executable)' on PATH", confined: true)
    }

    /// Runs a process for a step, wiring output, timeout and cancellation. A `confined` process
    /// (what the workflow's author wrote: scripts, JavaScript actions) runs under the server's
    /// ``StepIsolation`` when there is one.
    func runProcess(
        _ command: ChildProcess.Command, invocation: StepInvocation, missingProgram: String? = nil, confined: Bool = false
    ) async throws -> StepTermination {
        var command = command
        if confined, let isolation = configuration.isolation {
            if !handedOver {
                try await isolation.handOver(configuration.runDirectory.path)
                handedOver = true
            }
            if missingProgram != nil, ChildProcess.resolve(command.executable, path: command.environment["PATH"]) == nil {
                throw RunnerError(missingProgram!)
            }
            command = isolation.confine(command, runDirectory: configuration.runDirectory.path, cgroup: cgroup)
        }
        let output = invocation.output
        let controller = self.controller
        let generation = invocation.generation
        let termination: ChildProcess.Termination
        do {
            termination = try await ChildProcess.run(
                command, timeout: invocation.timeout, onStart: { controller.setProcess($0, startedAt: generation) },
                onOutput: { chunk in output.consume(chunk) })
        } catch {
            controller.setProcess(nil)
            if error.reason == "no such file or program", let missingProgram { throw RunnerError(missingProgram) }
            throw RunnerError("\(error)")
        }
        controller.setProcess(nil)
        if termination.timedOut {
            if let deadline, Date() >= deadline.addingTimeInterval(-0.01) {
                timedOut = true
                status = .cancelled
                return StepTermination(outcome: .failure, error: "the job ran past its timeout-minutes and was stopped")
            }
            let minutes = (invocation.timeout ?? 0) / 60
            return StepTermination(outcome: .failure, error: "the step timed out after \(Self.format(minutes)) minutes and was stopped")
        }
        if termination.wasTerminated, controller.isCancelled {
            return StepTermination(outcome: .cancelled, error: "the step was cancelled")
        }
        if termination.status.isSuccess { return StepTermination(outcome: .success) }
        return StepTermination(outcome: .failure, error: "process completed with \(termination.status)")
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A shell as GitHub defines it.
    struct Shell {
        let name: String
        let arguments: [String]
        let fileExtension: String
    }

    /// The step's shell: its own, else the job's or the workflow's default, else bash (sh when bash is missing).
    func resolveShell(_ step: Step, context: EvaluationContext) throws -> Shell {
        var name = step.shell
        if name == nil, let shell = job.defaults?.shell { name = try shell.template.evaluateString(in: context) }
        if name == nil, let shell = runner.workflow.defaults?.shell { name = shell.raw }
        let path = context[context: "env"]?["PATH"]?.stringValue ?? configuration.baseEnvironment["PATH"]
        switch name?.trimmingCharacters(in: .whitespaces) {
        case nil, "":
            if ChildProcess.resolve("bash", path: path) != nil {
                return Shell(name: "bash", arguments: ["bash", "-e", "{0}"], fileExtension: "sh")
            }
            return Shell(name: "sh", arguments: ["sh", "-e", "{0}"], fileExtension: "sh")
        case "bash":
            return Shell(name: "bash", arguments: ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"], fileExtension: "sh")
        case "sh":
            return Shell(name: "sh", arguments: ["sh", "-e", "{0}"], fileExtension: "sh")
        case "python":
            let python = ChildProcess.resolve("python", path: path) != nil ? "python" : "python3"
            return Shell(name: "python", arguments: [python, "{0}"], fileExtension: "py")
        case "pwsh":
            return Shell(name: "pwsh", arguments: ["pwsh", "-command", ". '{0}'"], fileExtension: "ps1")
        case "powershell":
            throw RunnerError("shell 'powershell' is Windows PowerShell; Gaara runs on Linux (use pwsh)")
        case "cmd":
            throw RunnerError("shell 'cmd' exists only on Windows; Gaara runs on Linux")
        case let custom?:
            guard custom.contains("{0}") else {
                throw RunnerError("the custom shell '\(custom)' must contain {0}, where the script path goes")
            }
            let parts = custom.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return Shell(name: custom, arguments: parts, fileExtension: "sh")
        }
    }

    /// The step's working directory (relative ones are in the workspace).
    func workingDirectory(_ step: Step, context: EvaluationContext) throws -> String {
        var directory = try step.workingDirectory?.template.evaluateString(in: context)
        if directory == nil, let value = job.defaults?.workingDirectory { directory = try value.template.evaluateString(in: context) }
        if directory == nil, let value = runner.workflow.defaults?.workingDirectory { directory = value.raw }
        guard let directory, !directory.isEmpty else { return workspace.path }
        if directory.hasPrefix("/") { return directory }
        return workspace.appendingPathComponent(directory).standardizedFileURL.path
    }
}
