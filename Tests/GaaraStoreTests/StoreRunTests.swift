import Foundation
import GaaraStore
import Testing

/// Runs, jobs and steps through their lives, and what a restart finds after a crash.
struct StoreRunTests {
    @Test func aRunRecordsItsJobsAndStepsInOrder() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let run = try await temporary.run(try await temporary.repository())
        #expect(run.status == .queued && run.number == 1)
        try await store.startRun(run.id!)
        #expect(try await store.run(id: run.id!)?.status == .running)
        #expect(try await store.queuedRuns().isEmpty)

        let build = try await store.startJob(runID: run.id!, key: "build", index: 0, name: "build (linux)")
        let second = try await store.startJob(runID: run.id!, key: "build", index: 1, name: "build (mac)")
        try await store.skipJob(runID: run.id!, key: "deploy", name: "deploy")
        try await store.startStep(jobID: build, number: 1, name: "checkout")
        try await store.finishStep(jobID: build, number: 1, name: "checkout", outcome: .success, conclusion: .success, error: nil)
        try await store.startStep(jobID: build, number: 2, name: "test")
        try await store.finishStep(jobID: build, number: 2, name: "test", outcome: .failure, conclusion: .success, error: "exit 1")
        try await store.finishStep(jobID: build, number: 3, name: "upload", outcome: .skipped, conclusion: .skipped, error: nil)
        try await store.finishJob(build, conclusion: .success, outputsJSON: #"{"version":"1.2"}"#)
        try await store.finishJob(second, conclusion: .failure, outputsJSON: "{}")
        try await store.finishRun(run.id!, conclusion: .failure)

        let finished = try #require(try await store.run(id: run.id!))
        #expect(finished.status == .completed && finished.conclusion == .failure && finished.finishedAt != nil)
        let jobs = try await store.jobs(runID: run.id!)
        #expect(
            jobs.map { "\($0.job.jobKey)[\($0.job.matrixIndex)] \($0.job.conclusion?.rawValue ?? "-")" } == [
                "build[0] success", "build[1] failure", "deploy[0] skipped",
            ])
        #expect(jobs[0].job.outputsJSON == #"{"version":"1.2"}"#)
        let steps = jobs[0].steps.map { "\($0.number) \($0.name) \($0.outcome?.rawValue ?? "-")/\($0.conclusion?.rawValue ?? "-") \($0.error ?? "")" }
        #expect(steps == ["1 checkout success/success ", "2 test failure/success exit 1", "3 upload skipped/skipped "])
        #expect(jobs[0].steps[2].startedAt == nil, "a skipped step never started")
    }

    @Test func aJobStartedAgainKeepsItsRow() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let run = try await temporary.run(try await temporary.repository())
        let first = try await temporary.store.startJob(runID: run.id!, key: "build", index: 0, name: "build")
        let again = try await temporary.store.startJob(runID: run.id!, key: "build", index: 0, name: "build (retry)")
        #expect(first == again)
        #expect(try await temporary.store.jobs(runID: run.id!).map(\.job.name) == ["build (retry)"])
    }

    /// A run's conclusion → what its unfinished jobs and steps become.
    @Test(arguments: [
        (RunConclusion.success, RunConclusion.skipped), (.failure, .failure), (.cancelled, .cancelled), (.interrupted, .interrupted),
    ])
    func finishingARunClosesItsUnfinishedJobsAndSteps(_ conclusion: RunConclusion, _ unfinished: RunConclusion) async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let run = try await temporary.run(try await temporary.repository())
        try await store.startRun(run.id!)
        let done = try await store.startJob(runID: run.id!, key: "done", index: 0, name: "done")
        try await store.finishJob(done, conclusion: .success, outputsJSON: "{}")
        let open = try await store.startJob(runID: run.id!, key: "open", index: 0, name: "open")
        try await store.startStep(jobID: open, number: 1, name: "long")
        try await store.finishRun(run.id!, conclusion: conclusion)
        let jobs = try await store.jobs(runID: run.id!)
        #expect(jobs.map(\.job.conclusion) == [.success, unfinished])
        #expect(jobs.allSatisfy { $0.job.status == .completed })
        #expect(jobs[1].steps.map(\.conclusion) == [unfinished] && jobs[1].steps.map(\.status) == [.completed])
    }

    @Test func aRestartInterruptsRunningRunsAndKeepsQueuedAndFinishedOnes() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let repository = try await temporary.repository()
        let running = try await temporary.run(repository, sha: "1")
        let queued = try await temporary.run(repository, sha: "2")
        let finished = try await temporary.run(repository, sha: "3")
        for run in [running, finished] { try await store.startRun(run.id!) }
        try await store.finishRun(finished.id!, conclusion: .success)
        let job = try await store.startJob(runID: running.id!, key: "build", index: 0, name: "build")
        try await store.startStep(jobID: job, number: 1, name: "make")

        // The server dies without finishing anything; the next process opens the same file.
        let reopened = try temporary.reopen()
        #expect(try await reopened.recoverInterruptedRuns() == [running.id!])
        #expect(try await reopened.run(id: running.id!).map { "\($0.status.rawValue) \($0.conclusion?.rawValue ?? "-")" } == "completed interrupted")
        #expect(try await reopened.run(id: queued.id!)?.status == .queued)
        #expect(try await reopened.run(id: finished.id!)?.conclusion == .success)
        let jobs = try await reopened.jobs(runID: running.id!)
        #expect(jobs.first?.job.conclusion == .interrupted && jobs.first?.steps.first?.conclusion == .interrupted)
        #expect(try await reopened.queuedRuns().map(\.id) == [queued.id])
        #expect(try await reopened.recoverInterruptedRuns().isEmpty, "a second recovery finds nothing")
    }

    @Test func onlyAQueuedRunCanBeCancelledWithoutARunner() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let repository = try await temporary.repository()
        let queued = try await temporary.run(repository)
        let running = try await temporary.run(repository)
        try await temporary.store.startRun(running.id!)
        #expect(try await temporary.store.cancelQueuedRun(queued.id!))
        #expect(try await temporary.store.cancelQueuedRun(running.id!) == false)
        #expect(try await temporary.store.run(id: queued.id!)?.conclusion == .cancelled)
        #expect(try await temporary.store.run(id: running.id!)?.status == .running)
    }
}
