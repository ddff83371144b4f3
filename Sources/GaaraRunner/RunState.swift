import GaaraEngine
import GaaraExpressions
import GaaraWorkflow
import Synchronization

/// What the jobs of one workflow run share: matrix instances, results, outputs, controllers.
final class RunState: Sendable {
    struct Instances: Sendable {
        var combinations: [ExpressionObject?]
        var failFast: Bool
        var maxParallel: Int?
    }

    private struct Storage {
        var instances: [String: Instances] = [:]
        var results: [String: [Int: JobResult]] = [:]
        var outputs: [String: [String: String]] = [:]
        var controllers: [InstanceKey: InstanceController] = [:]
    }

    private let storage = Mutex(Storage())
    let jobs: [Job]

    init(jobs: [Job]) {
        self.jobs = jobs
    }

    func setInstances(_ job: String, combinations: [ExpressionObject?], failFast: Bool, maxParallel: Int?) {
        storage.withLock { $0.instances[job] = Instances(combinations: combinations, failFast: failFast, maxParallel: maxParallel) }
    }

    func instances(of job: String) -> Instances? {
        storage.withLock { $0.instances[job] }
    }

    func setController(_ controller: InstanceController, for key: InstanceKey) {
        storage.withLock { $0.controllers[key] = controller }
    }

    func controller(for key: InstanceKey) -> InstanceController? {
        storage.withLock { $0.controllers[key] }
    }

    /// Records an instance's result and merges its outputs into the job's (non-empty values win).
    func finish(_ key: InstanceKey, result: JobResult, outputs: [String: String]) {
        storage.withLock { storage in
            storage.results[key.job, default: [:]][key.index] = result
            for (name, value) in outputs where !value.isEmpty || storage.outputs[key.job]?[name] == nil {
                storage.outputs[key.job, default: [:]][name] = value
            }
            storage.controllers[key] = nil
        }
    }

    /// The combined result of a job's instances.
    func result(of job: String) -> JobResult? {
        storage.withLock { storage in
            guard let results = storage.results[job]?.values, !results.isEmpty else { return nil }
            if results.contains(.failure) { return .failure }
            if results.contains(.cancelled) { return .cancelled }
            return .success
        }
    }

    func allOutputs() -> [String: [String: String]] {
        storage.withLock { $0.outputs }
    }

    /// The `needs` context of a job: each needed job's result and outputs.
    func needsContext(for job: Job) -> ExpressionValue {
        storage.withLock { storage in
            .object(
                job.needs.map { need in
                    let results = storage.results[need.id]?.values
                    let result: String
                    if let results, !results.isEmpty {
                        result = results.contains(.failure) ? "failure" : results.contains(.cancelled) ? "cancelled" : "success"
                    } else {
                        result = "skipped"
                    }
                    return (
                        need.id,
                        .object([("result", .string(result)), ("outputs", .strings(storage.outputs[need.id] ?? [:]))])
                    )
                })
        }
    }

    /// The `jobs` context of a reusable workflow (for `on.workflow_call.outputs`).
    func jobsContext() -> ExpressionValue {
        storage.withLock { storage in
            .object(
                jobs.map { job in
                    let results = storage.results[job.id]?.values
                    let result = results.map { $0.contains(.failure) ? "failure" : $0.contains(.cancelled) ? "cancelled" : "success" } ?? "skipped"
                    return (job.id, .object([("result", .string(result)), ("outputs", .strings(storage.outputs[job.id] ?? [:]))]))
                })
        }
    }
}
