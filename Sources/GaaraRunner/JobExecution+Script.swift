import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

extension JobExecution {
    /// Runs a `run:` step with its shell.
    func runScript(_ invocation: StepInvocation) async throws -> StepTermination {
        let step = invocation.step
        let script = try invocation.lazyContext.string(step.run!.template)
        let shell = try resolveShell(step, context: invocation.lazyContext, path: invocation.environment["PATH"])
        let directory = try workingDirectory(step, context: invocation.lazyContext)
        // One script file per job, rewritten for each step (its steps run one at a time): a new
        // file per step made the file system allocate (and free) an inode each time, which cost
        // more than the rest of a short step. A background step has its own.
        let scriptPath = paths.temp.path + "/_step_script" + (invocation.ownFiles ? "_\(invocation.number)" : "") + ".\(shell.fileExtension)"
        try FastFile.overwrite(scriptPath, script)
        var arguments = shell.arguments.map { $0.replacingOccurrences(of: "{0}", with: scriptPath) }
        let executable = arguments.removeFirst()
        let command = StepCommand(
            kind: .script, executable: executable, arguments: arguments, environment: invocation.environment, workingDirectory: directory,
            script: script, addedPath: jobEnv.addedPath, missingProgram: "shell '\(shell.name)' needs '\(executable)' on PATH")
        return try await runProcess(command, invocation: invocation)
    }

    /// Runs a process of a step on the job's backend, and turns how it ended into the step's end:
    /// a timeout past the job's deadline fails (and cancels) the job, a stop after a cancel is a
    /// cancellation, any other non-zero status a failure.
    func runProcess(_ command: StepCommand, invocation: StepInvocation) async throws -> StepTermination {
        var io = StepIO(output: invocation.output, timeout: invocation.timeout, controller: controller, generation: invocation.generation)
        io.step = invocation.number
        let exit: StepExit
        if let baton {
            // While the process runs, the job's other steps (background ones, or the job's loop)
            // may go on: the baton is handed over for the wait.
            baton.release()
            do {
                exit = try await backend.run(command, io: io)
            } catch {
                await baton.acquire()
                throw error
            }
            await baton.acquire()
        } else {
            exit = try await backend.run(command, io: io)
        }
        if exit.timedOut {
            if let deadline, Date() >= deadline.addingTimeInterval(-0.01) {
                timedOut = true
                status = .cancelled
                return StepTermination(outcome: .failure, error: "the job ran past its timeout-minutes and was stopped")
            }
            let minutes = (invocation.timeout ?? 0) / 60
            return StepTermination(outcome: .failure, error: "the step timed out after \(Self.format(minutes)) minutes and was stopped")
        }
        if exit.wasTerminated, controller.isCancelled {
            return StepTermination(outcome: .cancelled, error: "the step was cancelled")
        }
        if exit.wasTerminated, invocation.number > 0, controller.isStepCancelled(invocation.number) {
            return StepTermination(outcome: .cancelled, error: "the step was stopped by a 'cancel' step")
        }
        if exit.status.isSuccess { return StepTermination(outcome: .success) }
        return StepTermination(outcome: .failure, error: "process completed with \(exit.status)")
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
    func resolveShell(_ step: Step, context: LazyContext, path: String?) throws -> Shell {
        var name = step.shell
        if name == nil, let shell = job.defaults?.shell { name = try context.string(shell.template) }
        if name == nil, let shell = runner.workflow.defaults?.shell { name = shell.raw }
        let path = path ?? configuration.baseEnvironment["PATH"]
        switch name?.trimmingCharacters(in: .whitespaces) {
        case nil, "":
            if isOnPath("bash", path: path) {
                return Shell(name: "bash", arguments: ["bash", "-e", "{0}"], fileExtension: "sh")
            }
            return Shell(name: "sh", arguments: ["sh", "-e", "{0}"], fileExtension: "sh")
        case "bash":
            return Shell(name: "bash", arguments: ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"], fileExtension: "sh")
        case "sh":
            return Shell(name: "sh", arguments: ["sh", "-e", "{0}"], fileExtension: "sh")
        case "python":
            let python = isOnPath("python", path: path) ? "python" : "python3"
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

    /// Whether `program` is on `path` (remembered per job).
    func isOnPath(_ program: String, path: String?) -> Bool {
        let key = program + "\u{0}" + (path ?? "")
        if let found = programsFound[key] { return found }
        let found = ChildProcess.resolve(program, path: path) != nil
        programsFound[key] = found
        return found
    }

    /// The step's working directory (relative ones are in the workspace).
    func workingDirectory(_ step: Step, context: LazyContext) throws -> String {
        var directory = try step.workingDirectory.map { try context.string($0.template) }
        if directory == nil, let value = job.defaults?.workingDirectory { directory = try context.string(value.template) }
        if directory == nil, let value = runner.workflow.defaults?.workingDirectory { directory = value.raw }
        guard let directory, !directory.isEmpty else { return paths.workspace.path }
        if directory.hasPrefix("/") { return directory }
        return paths.workspace.appendingPathComponent(directory).standardizedFileURL.path
    }
}
