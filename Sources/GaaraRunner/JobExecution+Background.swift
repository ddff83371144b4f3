import Foundation
import GaaraEngine
import GaaraWorkflow

/// A step started with `background: true`, or as one of a `parallel` group's (GitHub's background
/// steps, GA 2026-06-25). It runs on a task of its own while the job goes on. Its end is reported
/// when it comes (log, duration, result), but what it changes — its outputs and `steps` entry, the
/// env and path it adds, whether it fails the job — is applied only when a `wait`, `wait-all` or
/// `cancel` step (or the implicit wait-all at the job's end) takes it in.
///
/// Touched only by the holder of the job's baton, like the rest of the job's state.
final class BackgroundStep: @unchecked Sendable {
    /// How a background step ended.
    struct Ending {
        /// Its result, `continue-on-error` applied.
        var result: StepResult
        /// Its file commands, not yet applied to the job.
        var effects: FileCommandEffects?
    }

    let number: Int
    let id: String
    let name: String
    /// The task that runs it.
    var task: Task<Void, Never>?
    /// How it ended, once it has.
    var ending: Ending?
    /// Whether a `cancel` step stopped it: being cancelled then does not count against the job.
    var cancelledByStep = false
    /// Whether a wait has taken it in (its changes are applied).
    var collected = false

    init(number: Int, id: String, name: String) {
        self.number = number
        self.id = id
        self.name = name
    }
}

extension JobExecution {
    /// Runs one of the job's steps: a step (in the foreground or started in the background), a
    /// `wait`, `wait-all` or `cancel` step, or a `parallel` group.
    func runJobStep(_ step: Step, scope: inout StepScope) async {
        switch step.control {
        case nil:
            if step.background, baton != nil {
                startBackground(step, scope: &scope)
            } else {
                _ = await runStep(step, scope: &scope)
            }
        case .wait(let ids):
            await runControl(step, scope: &scope) { job, output, scope in
                let waited = ids.compactMap { id in job.backgroundSteps.last { $0.id == id } }
                return await job.collect(waited, output: output, scope: &scope)
            }
        case .waitAll:
            await runControl(step, scope: &scope) { job, output, scope in
                await job.collect(job.backgroundSteps.filter { !$0.collected }, output: output, scope: &scope)
            }
        case .cancel(let id):
            await runControl(step, scope: &scope) { job, output, scope in
                await job.cancel(id, output: output, scope: &scope)
            }
        case .parallel(let members):
            // GitHub's shorthand: each step of the group starts in the background, then one wait
            // takes in all of them.
            let first = backgroundSteps.count
            for member in members { startBackground(member, scope: &scope) }
            let group = Array(backgroundSteps[first...])
            await runControl(step, scope: &scope) { job, output, scope in
                await job.collect(group, output: output, scope: &scope)
            }
        }
    }

    /// Starts a background step: its turn (number, id, condition) comes now, in the job's order;
    /// it runs once a background slot is free, on a task of its own. A step its condition skips
    /// is done at once, as in the foreground.
    func startBackground(_ step: Step, scope: inout StepScope) {
        switch beginStep(step, scope: scope) {
        case .skipped(let result):
            record(result, in: &scope)
            observer.handle(.stepFinished(label, result))
        case .runs(let begun):
            let entry = BackgroundStep(number: begun.number, id: begun.id, name: begun.name)
            backgroundSteps.append(entry)
            var own = scope
            own.ownFiles = true
            own.localStatus = status
            let snapshot = own
            // With a slot free, the step starts now, in the job's order (its start is reported
            // before the next step's); without one it waits in the queue and starts when it gets one.
            let slotTaken = backgroundSlots.tryAcquire()
            if slotTaken { observer.handle(.stepStarted(label, number: begun.number, name: begun.name)) }
            entry.task = Task { [self] in
                if !slotTaken { await backgroundSlots.acquire() }
                await baton?.acquire()
                var scope = snapshot
                _ = await executeStep(begun, scope: &scope, deferred: entry, announced: slotTaken)
                baton?.release()
                backgroundSlots.release()
            }
        }
    }

    /// Runs a `wait`, `wait-all`, `cancel` or `parallel` step: it always runs (no `if`), has its own
    /// log and number, and ends like a step (`continue-on-error` on a failed wait included).
    func runControl(
        _ step: Step, scope: inout StepScope,
        _ body: (JobExecution, StepOutputProcessor, inout StepScope) async -> (outcome: JobResult, error: String?)
    ) async {
        stepCounter += 1
        let number = stepCounter
        let id = step.id ?? generatedID(step, scope: scope)
        let name =
            step.name.flatMap { try? $0.template.evaluateString(in: expressionContext(files: nil, env: jobEnv.base, scope: scope)) }
            ?? step.displayName
        observer.handle(.stepStarted(label, number: number, name: name))
        let start = Date()
        let output: StepOutputProcessor
        do {
            output = try makeOutput(logName: "\(number)_\(Self.slug(name).prefix(60)).log", step: number)
        } catch {
            _ = finishStep(
                number: number, id: id, name: name, start: start, outcome: .failure, outputs: [:], error: "cannot write its log: \(error)",
                step: step,
                scope: &scope)
            return
        }
        let (outcome, error) = await body(self, output, &scope)
        if let error { output.note("Error: \(error)") }
        output.finish()
        _ = finishStep(number: number, id: id, name: name, start: start, outcome: outcome, outputs: [:], error: error, step: step, scope: &scope)
    }

    /// Waits for `entries` to end (handing the baton over meanwhile), then takes them in: their
    /// outputs, `steps` entries, env and path apply from now on. The wait fails when one of them
    /// failed (after its own `continue-on-error`), as GitHub's does.
    func collect(_ entries: [BackgroundStep], output: StepOutputProcessor, scope: inout StepScope) async -> (outcome: JobResult, error: String?) {
        guard !entries.isEmpty else {
            output.note("No background steps to wait for")
            return (.success, nil)
        }
        output.note("Waiting for background step(s) to complete: \(entries.map(\.name).joined(separator: ", "))")
        await awaitEnd(of: entries)
        var failed: [String] = []
        var cancelled = false
        for entry in entries {
            take(entry, scope: &scope)
            guard let result = entry.ending?.result else { continue }
            output.note("  \(entry.name): \(result.conclusion.rawValue)")
            if result.conclusion == .failure { failed.append(entry.name) }
            if result.conclusion == .cancelled, !entry.cancelledByStep { cancelled = true }
        }
        if !failed.isEmpty {
            return (.failure, "background step\(failed.count == 1 ? "" : "s") failed: \(failed.joined(separator: ", "))")
        }
        if cancelled { return (.cancelled, "a background step was cancelled") }
        return (.success, nil)
    }

    /// A `cancel` step: stops the background step `id` (its process group gets SIGTERM, then
    /// SIGKILL after the grace period), waits for it to end and takes it in. Being cancelled does
    /// not fail the job; a failure before the cancel still counts at the job's end.
    func cancel(_ id: String, output: StepOutputProcessor, scope: inout StepScope) async -> (outcome: JobResult, error: String?) {
        guard let entry = backgroundSteps.last(where: { $0.id == id }) else {
            output.note("'\(id)' is not a background step that was started: nothing to cancel")
            return (.success, nil)
        }
        output.note("Cancelling background step: \(entry.name)")
        if entry.ending == nil {
            entry.cancelledByStep = true
            controller.cancelStep(entry.number)
        }
        await awaitEnd(of: [entry])
        take(entry, scope: &scope)
        output.note("  \(entry.name): \(entry.ending?.result.conclusion.rawValue ?? "cancelled")")
        return (.success, nil)
    }

    /// GitHub's implicit wait-all before the post steps: every background step ends and is taken
    /// in; one that failed (after its own `continue-on-error`) fails the job, even when a wait with
    /// `continue-on-error` took it in before.
    func collectRemainingBackgroundSteps(scope: inout StepScope) async {
        guard !backgroundSteps.isEmpty else { return }
        let pending = backgroundSteps.filter { !$0.collected }
        await awaitEnd(of: pending)
        for entry in pending { take(entry, scope: &scope) }
        for entry in backgroundSteps {
            guard let result = entry.ending?.result else { continue }
            if result.conclusion == .failure, status == .success { status = .failure }
            if result.conclusion == .cancelled, !entry.cancelledByStep, status == .success { status = .cancelled }
        }
    }

    /// Waits until each of `entries` has ended, handing the baton over meanwhile.
    func awaitEnd(of entries: [BackgroundStep]) async {
        let tasks = entries.filter { $0.ending == nil }.compactMap(\.task)
        guard !tasks.isEmpty else { return }
        baton?.release()
        for task in tasks { await task.value }
        await baton?.acquire()
    }

    /// Applies an ended background step's changes to the job (once): its file commands, and its
    /// entry in the `steps` context.
    func take(_ entry: BackgroundStep, scope: inout StepScope) {
        guard !entry.collected, let ending = entry.ending else { return }
        entry.collected = true
        if let effects = ending.effects { apply(effects) }
        record(ending.result, in: &scope)
    }
}
