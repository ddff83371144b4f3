import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

extension JobExecution {
    /// Runs a `uses:` step: a built-in action, a local action (composite, node or docker), or a
    /// `docker://` image. Any other remote action is an error naming it.
    func runAction(_ invocation: StepInvocation, scope: inout StepScope) async throws -> StepTermination {
        guard let reference = invocation.step.uses else { throw RunnerError("the step has neither 'run' nor 'uses'") }
        let with = try runner.evaluateMap(invocation.step.with, in: invocation.context).mapValues { $0.coercedString }
        switch reference.kind {
        case .remote(_, _, _, let ref):
            let name = reference.name!.lowercased()
            guard let builtin = BuiltinAction(name: name) else {
                throw RunnerError(
                    "action '\(reference.raw)' is not built into Gaara and cannot be fetched; vendor it into the repository and use it as ./path, or use a docker:// image"
                )
            }
            invocation.output.note("Run \(reference.raw) (built into Gaara)")
            return try await builtin.run(with: with, ref: ref, invocation: invocation, execution: self)
        case .docker(let image):
            let arguments = invocation.step.with["args"].map { _ in with["args"] ?? "" }
            let command = StepCommand(
                kind: .image(entrypoint: with["entrypoint"]), executable: image, arguments: arguments.map(Self.splitArguments) ?? [],
                environment: invocation.environment, actionEnvironment: Self.inputEnvironment(with), workingDirectory: paths.workspace.path,
                missingProgram: "docker:// steps need the docker client")
            return try await runProcess(command, invocation: invocation)
        case .local, .selfRepository:
            // `./path` is read from the workspace (after a checkout); `$/path` from the repository at
            // the running commit (the working tree's snapshot under `gaara run`, the commit's export on
            // the server), with no checkout.
            let (directory, path, hint): (URL, String, String) =
                switch reference.kind {
                case .selfRepository(let path):
                    (
                        configuration.repository.appendingPathComponent(path).standardizedFileURL, reference.raw,
                        "it is read from the repository at the running commit"
                    )
                case .local(let path):
                    (
                        paths.workspace.appendingPathComponent(path).standardizedFileURL, path,
                        "local actions are read from the workspace: check out the repository first"
                    )
                default: (paths.workspace, reference.raw, "")
                }
            let metadataURL = ["action.yml", "action.yaml"].map { directory.appendingPathComponent($0) }
                .first { FileManager.default.fileExists(atPath: $0.path) }
            guard let metadataURL else {
                throw RunnerError("no action.yml in \(path) (\(hint))", kind: .file)
            }
            let text = try String(contentsOf: metadataURL, encoding: .utf8)
            let loaded = ActionLoader.load(text: text, path: path + "/" + metadataURL.lastPathComponent)
            guard let action = loaded.action, !loaded.hasErrors else {
                let errors = loaded.diagnostics.filter { $0.severity == .error }.map { "\(loaded.file.path):\($0)" }
                throw RunnerError("the action at \(path) is invalid:\n" + errors.joined(separator: "\n"))
            }
            let inputs = try actionInputs(action, with: with, context: invocation.context)
            switch action.runs {
            case .composite(let steps):
                return try await runComposite(action, steps: steps, directory: directory, inputs: inputs, invocation: invocation, outer: scope)
            case .node(_, let main, _, let post, _, let postIf):
                let termination = try await runNode(main, directory: directory, inputs: inputs, invocation: invocation)
                if let post {
                    let name = "Post \(invocation.name)"
                    let environment = invocation.environment
                    postSteps.append(
                        PostStep(name: name, condition: postIf ?? "always()", logName: String(Self.slug(name).prefix(60))) { [self] step in
                            try await runPostScript(post, directory: directory, inputs: inputs, environment: environment, name: name, step: step)
                        })
                }
                return termination
            case .docker(let image, let entrypoint, let arguments, let env, _, _):
                var context = invocation.context
                context[context: "inputs"] = .strings(inputs)
                let resolvedArguments = try arguments.map { try $0.template.evaluateString(in: context) }
                let actionEnvironment = try runner.evaluateMap(env, in: context).mapValues(\.coercedString)
                let overrideArguments = invocation.step.with["args"] != nil ? Self.splitArguments(with["args"] ?? "") : resolvedArguments
                let entrypoint = with["entrypoint"] ?? entrypoint
                // `image` is a registry image (docker://) or a Dockerfile in the action's folder.
                let kind: StepCommand.Kind
                let executable: String
                if image.hasPrefix("docker://") {
                    (kind, executable) = (.image(entrypoint: entrypoint), String(image.dropFirst("docker://".count)))
                } else {
                    (kind, executable) = (.dockerfile(entrypoint: entrypoint), directory.appendingPathComponent(image).path)
                }
                let command = StepCommand(
                    kind: kind, executable: executable, arguments: overrideArguments, environment: invocation.environment,
                    actionEnvironment: Self.inputEnvironment(inputs).merging(actionEnvironment) { $1 }, workingDirectory: paths.workspace.path,
                    missingProgram: "docker:// steps need the docker client")
                return try await runProcess(command, invocation: invocation)
            }
        }
    }

    /// Inputs as given in `with`, completed by the action's defaults.
    func actionInputs(_ action: ActionMetadata, with: [String: String], context: EvaluationContext) throws -> [String: String] {
        var inputs: [String: String] = [:]
        for input in action.inputs {
            if let value = with[input.name] {
                inputs[input.name] = value
            } else if let fallback = input.defaultValue {
                inputs[input.name] = try fallback.template.evaluateString(in: context)
            } else {
                inputs[input.name] = ""
            }
        }
        for (name, value) in with where inputs[name] == nil { inputs[name] = value }
        return inputs
    }

    /// `INPUT_<NAME>` variables as GitHub passes them to JavaScript and Docker actions.
    static func inputEnvironment(_ inputs: [String: String]) -> [String: String] {
        var environment: [String: String] = [:]
        for (name, value) in inputs {
            environment["INPUT_" + name.replacingOccurrences(of: " ", with: "_").uppercased()] = value
        }
        return environment
    }

    /// Splits `args` the way GitHub does for Docker actions (spaces, with double-quoted groups).
    static func splitArguments(_ text: String) -> [String] {
        var arguments: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                started = true
            } else if character == " " && !quoted {
                if started { arguments.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { arguments.append(current) }
        return arguments
    }

    func runComposite(
        _ action: ActionMetadata, steps: [Step], directory: URL, inputs: [String: String], invocation: StepInvocation, outer: StepScope
    ) async throws -> StepTermination {
        guard outer.depth < 10 else { throw RunnerError("composite actions nest more than 10 deep") }
        var scope = StepScope()
        scope.inputs = .strings(inputs)
        scope.actionPath = directory.path
        scope.depth = outer.depth + 1
        scope.ownFiles = outer.ownFiles
        scope.localStatus = outer.localStatus
        scope.inheritedEnvironment = outer.inheritedEnvironment.merging(
            try evaluateStepEnvironment(invocation.step, scope: outer, files: invocation.files)
        ) { $1 }
        scope.inheritedEnvironment["GITHUB_ACTION_PATH"] = directory.path
        invocation.output.note("Run composite action \(action.name)")
        invocation.output.finish()
        let statusBefore = status
        var failed = false
        var cancelled = false
        for step in steps {
            let result = await runStep(step, scope: &scope)
            if result.conclusion == .failure { failed = true }
            if result.outcome == .cancelled { cancelled = true }
        }
        var outputs: [String: String] = [:]
        var context = expressionContext(files: nil, env: environment(for: nil, scope: scope, files: nil, stepEnv: [:]), scope: scope)
        context[context: "inputs"] = .strings(inputs)
        for output in action.outputs {
            if let value = output.value { outputs[output.name] = (try? value.template.evaluateString(in: context)) ?? "" }
        }
        // The composite's own step decides the job status through continue-on-error.
        if status != statusBefore, statusBefore == .success, !cancelled { status = statusBefore }
        if cancelled { return StepTermination(outcome: .cancelled, error: "the composite action was cancelled", outputs: outputs) }
        return StepTermination(outcome: failed ? .failure : .success, error: failed ? "a step of the composite action failed" : nil, outputs: outputs)
    }

    /// Runs a JavaScript action's entry point with the host's node.
    func runNode(_ main: String, directory: URL, inputs: [String: String], invocation: StepInvocation) async throws -> StepTermination {
        var environment = invocation.environment.merging(Self.inputEnvironment(inputs)) { $1 }
        environment["GITHUB_ACTION_PATH"] = directory.path
        let script = directory.appendingPathComponent(main).path
        let command = StepCommand(
            kind: .javaScript, executable: "node", arguments: [script], environment: environment, workingDirectory: paths.workspace.path,
            missingProgram: "JavaScript actions need 'node' on PATH")
        return try await runProcess(command, invocation: invocation)
    }

    /// Runs a JavaScript action's `post` script at the end of the job.
    func runPostScript(
        _ script: String, directory: URL, inputs: [String: String], environment: [String: String], name: String, step: PostStepContext
    ) async throws -> StepTermination {
        var env = environment.merging(Self.inputEnvironment(inputs)) { $1 }
        env["GITHUB_ACTION_PATH"] = directory.path
        let command = StepCommand(
            kind: .javaScript, executable: "node", arguments: [directory.appendingPathComponent(script).path], environment: env,
            workingDirectory: paths.workspace.path)
        let files = try makeFileCommandFiles(number: step.number)
        let invocation = StepInvocation(
            step: Step(location: .start), id: "__post", name: name, files: files, environment: env,
            context: expressionContext(files: files, env: env), timeout: nil, output: step.output)
        backend.runnerDidWrite()
        return try await runProcess(command, invocation: invocation)
    }
}
