import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraWorkflow

extension WorkflowRunner {
    /// Runs one instance of a job and records its result and outputs.
    func runInstance(_ key: InstanceKey, state: RunState, controller: InstanceController, order: ConcurrencyGroups.Order) async -> JobResult {
        guard let job = workflow.job(key.job), let instances = state.instances(of: key.job) else { return .failure }
        let matrix = instances.combinations[key.index]
        let total = instances.combinations.count
        let strategy: ExpressionValue = .object([
            ("fail-fast", .bool(instances.failFast)), ("job-index", .number(Double(key.index))), ("job-total", .number(Double(total))),
            ("max-parallel", .number(Double(instances.maxParallel ?? total))),
        ])
        let context = jobContext(job, status: .success, state: state, matrix: matrix, strategy: strategy)
        let label = JobLabel(id: idPrefix + job.id, index: key.index, name: displayName(job, matrix: matrix, context: context))
        if let call = job.call {
            let (result, outputs) = await runCall(call, job: job, label: label, context: context, controller: controller)
            state.finish(key, result: result, outputs: outputs)
            return result
        }
        var group: (String, Int)?
        if let concurrency = job.concurrency {
            do {
                let name = try concurrency.group.template.evaluateString(in: context)
                let cancelInProgress = try concurrency.cancelInProgress.map { try resolve($0, in: context) } ?? false
                guard let id = await groups.acquire("job:" + name, order: order, cancelInProgress: cancelInProgress, cancel: { controller.cancel() })
                else {
                    observer.handle(.jobStarted(label))
                    reportJobError(label.id, "cancelled: a newer job is pending in the concurrency group '\(name)'")
                    observer.handle(.jobFinished(label, result: .cancelled, duration: 0, outputs: [:]))
                    state.finish(key, result: .cancelled, outputs: [:])
                    return .cancelled
                }
                group = ("job:" + name, id)
            } catch {
                reportJobError(label.id, "the concurrency group failed: \(error)")
            }
        }
        // A job that names an environment is admitted by the environment's gate before it takes a
        // job slot: one waiting for a review holds none, and gets no environment secret until then.
        var admitted: (EnvironmentRequest, EnvironmentRelease)?
        if let reference = job.environment {
            switch await admit(reference, label: label, context: context, controller: controller) {
            case .proceed(let request, let release): admitted = (request, release)
            case .refused(let message):
                observer.handle(.jobStarted(label))
                reportJobError(label.id, message)
                let result: JobResult = controller.isCancelled ? .cancelled : .failure
                observer.handle(.jobFinished(label, result: result, duration: 0, outputs: [:]))
                if let (name, id) = group { await groups.release(name, id: id) }
                state.finish(key, result: result, outputs: [:])
                return result
            }
        }
        await limiter.acquire()
        let execution = JobExecution(
            runner: self, job: job, label: label, matrix: matrix, strategy: strategy, needs: state.needsContext(for: job),
            controller: controller, environment: admitted?.1)
        let (result, outputs) = await execution.run()
        await limiter.release()
        if let (request, release) = admitted, let gate = configuration.environments {
            await gate.finished(request, deployment: release.deployment, result: result, url: execution.environmentURL)
        }
        if let (name, id) = group { await groups.release(name, id: id) }
        state.finish(key, result: result, outputs: outputs)
        return result
    }

    enum Admission {
        case proceed(EnvironmentRequest, EnvironmentRelease)
        case refused(String)
    }

    /// Evaluates the job's environment name and asks the gate; a cancelled run stops the wait.
    func admit(_ reference: EnvironmentReference, label: JobLabel, context: EvaluationContext, controller: InstanceController) async
        -> Admission
    {
        let name: String
        do {
            name = try reference.name.template.evaluateString(in: context)
        } catch {
            return .refused("the environment's name failed: \(error)")
        }
        guard !name.isEmpty else { return .refused("the environment's name is empty") }
        let request = EnvironmentRequest(job: label, environment: name)
        guard let gate = configuration.environments else { return .proceed(request, EnvironmentRelease()) }
        let observer = observer
        let asking = Task {
            await gate.admit(request) { reason in observer.handle(.jobWaiting(label, environment: name, reason: reason)) }
        }
        let watcher = Task {
            while !Task.isCancelled {
                if controller.isCancelled {
                    asking.cancel()
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let answer = await asking.value
        watcher.cancel()
        if controller.isCancelled { return .refused("cancelled while waiting for environment '\(name)'") }
        switch answer {
        case .proceed(let release):
            for value in release.secrets.values where !value.isEmpty { masker.add(value) }
            return .proceed(request, release)
        case .refused(let message): return .refused(message)
        }
    }

    /// Runs a local reusable workflow as the body of a job.
    func runCall(_ call: WorkflowCall, job: Job, label: JobLabel, context: EvaluationContext, controller: InstanceController) async
        -> (JobResult, [String: String])
    {
        let start = Date()
        observer.handle(.jobStarted(label))
        func fail(_ message: String) -> (JobResult, [String: String]) {
            reportJobError(label.id, message)
            observer.handle(.jobFinished(label, result: .failure, duration: Date().timeIntervalSince(start), outputs: [:]))
            return (.failure, [:])
        }
        guard call.isLocal else {
            return fail("reusable workflow '\(call.uses)' is in another repository; Gaara runs only local reusable workflows (./...)")
        }
        let path = configuration.repository.appendingPathComponent(String(call.uses.dropFirst(2))).standardizedFileURL
        guard path.path.hasPrefix(configuration.repository.standardizedFileURL.path + "/") else {
            return fail("the reusable workflow \(call.uses) is outside the repository")
        }
        guard let text = try? String(contentsOf: path, encoding: .utf8) else {
            return fail("cannot read the reusable workflow \(call.uses)")
        }
        let loaded = WorkflowLoader.load(text: text, path: String(call.uses.dropFirst(2)))
        guard let called = loaded.workflow, !loaded.hasErrors else {
            let errors = loaded.diagnostics.filter { $0.severity == .error }.map { "\(loaded.file.path):\($0)" }
            return fail("the reusable workflow \(call.uses) is invalid:\n" + errors.joined(separator: "\n"))
        }
        guard let trigger = called.triggers["workflow_call"] else {
            return fail("\(call.uses) cannot be called: it has no 'on: workflow_call'")
        }
        do {
            let given = try evaluateMap(call.with, in: context)
            var inputs: [(String, ExpressionValue)] = []
            for input in trigger.inputs {
                if let value = given[input.name] {
                    inputs.append((input.name, typed(value, input.type)))
                } else if let fallback = input.defaultValue {
                    inputs.append((input.name, typed(try fallback.template.evaluate(in: context), input.type)))
                } else if input.required {
                    return fail("\(call.uses) needs the input '\(input.name)'")
                } else {
                    inputs.append((input.name, input.type == .boolean ? .bool(false) : input.type == .number ? .number(0) : .string("")))
                }
            }
            for name in given.keys where !trigger.inputs.contains(where: { $0.name == name }) {
                return fail("\(call.uses) has no input '\(name)'")
            }
            let secretsValue: ExpressionValue
            if call.inheritSecrets {
                secretsValue = secrets
            } else {
                let passed = try evaluateMap(call.secrets, in: context).mapValues { ExpressionValue.string($0.coercedString) }
                secretsValue = .object(
                    passed.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("GITHUB_TOKEN", secrets["GITHUB_TOKEN"] ?? .string(""))])
            }
            for secret in trigger.secrets where secret.required && secretsValue[secret.name] == nil {
                return fail("\(call.uses) needs the secret '\(secret.name)'")
            }
            let nested = WorkflowRunner(
                workflow: called, configuration: configuration, observer: observer, masker: masker, idPrefix: label.id + "/",
                inputs: .object(inputs), secrets: secretsValue, limiter: limiter, groups: groups)
            let watcher = Task {
                while !Task.isCancelled {
                    if controller.isCancelled {
                        nested.cancel()
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let outcome = await nested.run()
            watcher.cancel()
            var outputContext = context
            outputContext[context: "jobs"] = .object(
                called.jobs.map { job in
                    (
                        job.id,
                        .object([
                            ("result", .string((outcome.jobs[job.id] ?? .skipped).rawValue)), ("outputs", .strings(outcome.outputs[job.id] ?? [:])),
                        ])
                    )
                })
            outputContext[context: "inputs"] = .object(inputs)
            var outputs: [String: String] = [:]
            for output in trigger.outputs {
                outputs[output.name] = try output.value.template.evaluate(in: outputContext).coercedString
            }
            let result = outcome.result == .cancelled ? JobResult.cancelled : outcome.result == .failure ? .failure : .success
            observer.handle(.jobFinished(label, result: result, duration: Date().timeIntervalSince(start), outputs: outputs))
            return (result, outputs)
        } catch {
            return fail("\(error)")
        }
    }

    func typed(_ value: ExpressionValue, _ type: WorkflowInput.InputType) -> ExpressionValue {
        switch type {
        case .boolean:
            if case .bool = value { return value }
            return .bool(value.coercedString.lowercased() == "true")
        case .number:
            if case .number = value { return value }
            return .number(value.numberValue)
        default:
            if case .string = value { return value }
            return .string(value.coercedString)
        }
    }

    /// Evaluates a `with`/`secrets`/`env` map: its entries, or the one expression computing it.
    func evaluateMap(_ map: ValueMap, in context: EvaluationContext) throws -> [String: ExpressionValue] {
        try Self.evaluateMap(map, in: context)
    }

    /// Evaluates a `with`/`secrets`/`env` map: its entries, or the one expression computing it.
    static func evaluateMap(_ map: ValueMap, in context: EvaluationContext) throws -> [String: ExpressionValue] {
        var result: [String: ExpressionValue] = [:]
        if let expression = map.expression {
            let value = try expression.template.evaluate(in: context)
            guard case .object(let object) = value else {
                throw RunnerError("'\(expression.raw)' must produce an object, found \(value.kindName.lowercased())")
            }
            for (key, value) in zip(object.keys, object.values) { result[key] = value }
        }
        for entry in map.entries {
            result[entry.name] = try entry.value.template.evaluate(in: context)
        }
        return result
    }
}
