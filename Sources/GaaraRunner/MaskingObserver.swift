import GaaraEngine

/// Hands every event to another observer with the run's secrets masked in every string it
/// carries: step names (a `name:` may hold `${{ secrets.X }}`), outputs, errors, skip reasons and
/// annotation properties (`title=`, `file=`). Output lines arrive masked already and pass through
/// untouched. Job labels are left as they are: observers key jobs by them, and GitHub offers no
/// secrets where a job's name or matrix is evaluated.
struct MaskingObserver: RunObserver {
    let base: any RunObserver
    let masker: SecretMasker

    /// Wraps `observer` unless it masks already (a reusable workflow's runner gets its caller's).
    static func wrapping(_ observer: any RunObserver, masker: SecretMasker) -> any RunObserver {
        observer is MaskingObserver ? observer : MaskingObserver(base: observer, masker: masker)
    }

    func handle(_ event: RunEvent) {
        base.handle(masker.isEmpty ? event : event.masked(by: masker))
    }

    func output(_ job: JobLabel, step: Int, line: UnsafeRawBufferPointer, kind: OutputKind) {
        base.output(job, step: step, line: line, kind: kind)
    }

    func output(_ job: JobLabel, step: Int, lines: UnsafeRawBufferPointer) {
        base.output(job, step: step, lines: lines)
    }
}

extension RunEvent {
    /// The event with `masker`'s secrets replaced by `***` in its strings.
    func masked(by masker: SecretMasker) -> RunEvent {
        let mask = { (text: String) in masker.mask(text) }
        switch self {
        case .runStarted, .runFinished: return self
        case .jobSkipped(let job, let name, let reason): return .jobSkipped(job: job, name: mask(name), reason: mask(reason))
        case .jobStarted: return self
        case .imagePushed(let label, var record):
            (record.name, record.tags, record.job, record.step) = (mask(record.name), record.tags.map(mask), mask(record.job), mask(record.step))
            return .imagePushed(label, record)
        case .jobWaiting(let label, let environment, let reason):
            return .jobWaiting(label, environment: mask(environment), reason: mask(reason))
        case .stepStarted(let label, let number, let name): return .stepStarted(label, number: number, name: mask(name))
        case .stepFinished(let label, let result):
            return .stepFinished(
                label,
                StepResult(
                    number: result.number, id: result.id, name: mask(result.name), outcome: result.outcome, conclusion: result.conclusion,
                    duration: result.duration, outputs: result.outputs.mapValues(mask), error: result.error.map(mask)))
        case .annotation(let label, let annotation):
            return .annotation(label, annotation.masked(by: masker))
        case .jobFinished(let label, let result, let duration, let outputs):
            return .jobFinished(label, result: result, duration: duration, outputs: outputs.mapValues(mask))
        }
    }
}

extension Annotation {
    /// The annotation with secrets masked in its message, title and file.
    func masked(by masker: SecretMasker) -> Annotation {
        var properties: [String: String] = [:]
        if let file { properties["file"] = masker.mask(file) }
        if let line { properties["line"] = String(line) }
        if let column { properties["col"] = String(column) }
        if let title { properties["title"] = masker.mask(title) }
        return Annotation(WorkflowCommand(name: level.rawValue, properties: properties, message: masker.mask(message)))!
    }
}
