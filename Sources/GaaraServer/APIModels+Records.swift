import Foundation
import GaaraAPI
import GaaraStore

// The API's types live in GaaraAPI (shared with the CLI); these build them from the store's records.

extension RepositoryJSON {
    /// The API's shape of a repository.
    init(_ record: RepositoryRecord) {
        self.init(
            name: record.name, upstream: record.upstream, cloneUrl: record.cloneURL, defaultBranch: record.defaultBranch, pushUrl: record.path,
            hasWebhookSecret: record.webhookSecret != nil, createdAt: APICoding.time(record.createdAt))
    }
}

extension RunJSON {
    /// The API's shape of a run.
    init(_ run: RunRecord, repository: String) {
        self.init(
            id: run.id ?? 0, repository: repository, number: run.number, workflow: run.workflowName, workflowPath: run.workflowPath,
            event: run.event, ref: run.ref, sha: run.sha, actor: run.actor, status: run.status.rawValue, conclusion: run.conclusion?.rawValue,
            createdAt: APICoding.time(run.createdAt), startedAt: APICoding.time(run.startedAt), finishedAt: APICoding.time(run.finishedAt),
            attempt: run.attempt, rerunOf: run.rerunOf)
    }
}

/// Seconds between two times, to the millisecond (nil unless both are known).
private func duration(_ start: Double?, _ end: Double?) -> Double? {
    guard let start, let end else { return nil }
    return ((end - start) * 1000).rounded() / 1000
}

extension StepJSON {
    /// The API's shape of a step.
    init(_ step: StepRecord) {
        self.init(
            number: step.number, name: step.name, status: step.status.rawValue, outcome: step.outcome?.rawValue,
            conclusion: step.conclusion?.rawValue, startedAt: APICoding.time(step.startedAt), finishedAt: APICoding.time(step.finishedAt),
            durationSeconds: duration(step.startedAt, step.finishedAt), error: step.error)
    }
}

extension JobJSON {
    /// The API's shape of a job instance and its steps.
    init(_ job: JobRecord, steps: [StepRecord]) {
        self.init(
            id: job.id ?? 0, key: job.jobKey, matrixIndex: job.matrixIndex, name: job.name, status: job.status.rawValue,
            conclusion: job.conclusion?.rawValue, startedAt: APICoding.time(job.startedAt), finishedAt: APICoding.time(job.finishedAt),
            durationSeconds: duration(job.startedAt, job.finishedAt),
            outputs: (try? JSONDecoder().decode([String: String].self, from: Data(job.outputsJSON.utf8))) ?? [:], steps: steps.map(StepJSON.init))
    }
}

extension AnnotationJSON {
    /// The API's shape of an annotation.
    init(_ record: AnnotationRecord) {
        self.init(job: record.job, level: record.level, message: record.message, file: record.file, line: record.line)
    }
}

extension StatusJSON {
    /// The API's shape of a commit status.
    init(_ record: CommitStatusRecord) {
        self.init(
            context: record.context, state: record.state, description: record.description, runId: record.runID,
            updatedAt: APICoding.time(record.updatedAt))
    }
}

extension DeliveryJSON {
    /// The API's shape of an outbound delivery.
    init(_ record: OutboundDeliveryRecord) {
        self.init(
            id: record.id, kind: record.kind, target: record.target, summary: record.summary, state: record.state, attempts: record.attempts,
            lastStatus: record.lastStatus, lastError: record.lastError, createdAt: APICoding.time(record.createdAt) ?? "",
            updatedAt: APICoding.time(record.updatedAt) ?? "")
    }
}

extension ImageJSON {
    /// The API form of a stored image.
    init(_ row: ImageRow) {
        self.init(
            id: row.id ?? 0, name: row.name, tags: row.tags, digest: row.digest, imageId: row.imageID, size: row.size, sha: row.sha, runId: row.runID,
            job: row.job, step: row.step, createdAt: APICoding.time(row.createdAt) ?? "")
    }
}
