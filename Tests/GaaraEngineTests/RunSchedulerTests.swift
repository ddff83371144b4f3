import GaaraEngine
import Testing

/// A job graph → the order jobs are prepared in (each with the status its `if` sees).
let schedulerOrderCases: [(String, [ScriptedJob], [String])] = [
    ("independent jobs in workflow order", [.init(id: "b"), .init(id: "a")], ["b success", "a success"]),
    ("a chain", [.init(id: "c", needs: ["b"]), .init(id: "b", needs: ["a"]), .init(id: "a")], ["a success", "b success", "c success"]),
    (
        "a diamond: the join waits for both sides",
        [.init(id: "a"), .init(id: "b", needs: ["a"]), .init(id: "c", needs: ["a"]), .init(id: "d", needs: ["b", "c"])],
        ["a success", "b success", "c success", "d success"]
    ),
    (
        "a job without needs does not wait behind an earlier one that has them",
        [.init(id: "a"), .init(id: "b", needs: ["a"]), .init(id: "c")],
        ["a success", "c success", "b success"]
    ),
    ("an unknown need is ignored", [.init(id: "a", needs: ["ghost"])], ["a success"]),
]

/// A job graph with scripted outcomes → each job's result and the run's result.
let schedulerOutcomeCases: [(String, [ScriptedJob], [String: String], JobResult)] = [
    ("all succeed", [.init(id: "a"), .init(id: "b", needs: ["a"])], ["a": "success", "b": "success"], .success),
    (
        "a failure skips the jobs that need it",
        [.init(id: "a", results: [.failure]), .init(id: "b", needs: ["a"]), .init(id: "c", needs: ["b"])],
        ["a": "failure", "b": "skipped", "c": "skipped"], .failure
    ),
    (
        "always() runs after a failure",
        [.init(id: "a", results: [.failure]), .init(id: "b", needs: ["a"], condition: .always)],
        ["a": "failure", "b": "success"], .failure
    ),
    (
        "failure() runs only after a failure",
        [.init(id: "a", results: [.failure]), .init(id: "b", needs: ["a"], condition: .failure), .init(id: "c", condition: .failure)],
        ["a": "failure", "b": "success", "c": "skipped"], .failure
    ),
    (
        "a skipped job leaves the run green and skips its dependants",
        [.init(id: "a", condition: .never), .init(id: "b", needs: ["a"]), .init(id: "c", needs: ["a"], condition: .always)],
        ["a": "skipped", "b": "skipped", "c": "success"], .success
    ),
    (
        "a job that cannot be prepared fails",
        [.init(id: "a", results: nil), .init(id: "b", needs: ["a"])], ["a": "failure", "b": "skipped"], .failure
    ),
    ("an empty matrix fails the job", [.init(id: "a", results: [])], ["a": "failure"], .failure),
    (
        "one failed instance fails the matrix job (fail-fast off: the others still run)",
        [.init(id: "m", results: [.success, .failure, .success], failFast: false)], ["m": "failure"], .failure
    ),
    (
        "a cancelled instance makes the job and the run cancelled",
        [.init(id: "a", results: [.cancelled]), .init(id: "b", needs: ["a"], condition: .always)],
        ["a": "cancelled", "b": "success"], .cancelled
    ),
]

/// A graph and the status its last job's `if` sees: the scheduler's view of `success()`,
/// `failure()`, `cancelled()` and `always()`.
let schedulerStatusCases: [(String, [ScriptedJob], String)] = [
    ("needs succeeded", [.init(id: "a"), .init(id: "z", needs: ["a"], condition: .always)], "z success"),
    ("a need failed", [.init(id: "a", results: [.failure]), .init(id: "z", needs: ["a"], condition: .always)], "z failure"),
    (
        "an ancestor failed two levels up",
        [
            .init(id: "a", results: [.failure]), .init(id: "b", needs: ["a"], condition: .always),
            .init(id: "z", needs: ["b"], condition: .always),
        ],
        "z failure"
    ),
    ("a direct need was skipped", [.init(id: "a", condition: .never), .init(id: "z", needs: ["a"], condition: .always)], "z skipped"),
    (
        "failure wins over a skipped need",
        [
            .init(id: "a", results: [.failure]), .init(id: "s", condition: .never),
            .init(id: "z", needs: ["a", "s"], condition: .always),
        ],
        "z failure"
    ),
    ("a need was cancelled", [.init(id: "a", results: [.cancelled]), .init(id: "z", needs: ["a"], condition: .always)], "z failure"),
]

@Test(arguments: schedulerOrderCases)
func schedulerPreparesJobsInNeedsOrder(_ name: String, _ jobs: [ScriptedJob], _ expected: [String]) {
    var driver = SchedulerDriver(jobs)
    driver.run()
    #expect(driver.prepared == expected, "\(name): \(driver.trace)")
    #expect(driver.finished == .success, "\(name)")
}

@Test(arguments: schedulerOutcomeCases)
func schedulerPropagatesResults(_ name: String, _ jobs: [ScriptedJob], _ expected: [String: String], _ run: JobResult) {
    var driver = SchedulerDriver(jobs)
    driver.run()
    #expect(driver.results == expected, "\(name): \(driver.trace)")
    #expect(driver.finished == run, "\(name): \(driver.trace)")
    #expect(driver.trace.last == "finish \(run.rawValue)", "\(name): the finish comes once, last")
    #expect(driver.trace.filter { $0.hasPrefix("finish") }.count == 1, "\(name)")
}

@Test(arguments: schedulerStatusCases)
func schedulerGivesTheStatusAnIfSees(_ name: String, _ jobs: [ScriptedJob], _ expected: String) {
    var driver = SchedulerDriver(jobs)
    driver.run()
    #expect(driver.prepared.last == expected, "\(name): \(driver.trace)")
}

/// Matrix instances, fail-fast and `max-parallel`: the instances started and cancelled.
struct SchedulerMatrixTests {
    @Test func failFastCancelsRunningSiblingsAndNeverStartsPendingOnes() {
        var driver = SchedulerDriver([.init(id: "m", results: [.failure, .success, .success, .success], maxParallel: 2)])
        driver.run()
        #expect(driver.trace == ["prepare m success", "start m[0]", "start m[1]", "cancel m[1]", "finish failure"])
        #expect(driver.scheduler.instanceResults(of: "m") == [0: .failure, 1: .cancelled, 2: .cancelled, 3: .cancelled])
    }

    @Test func withoutFailFastEveryInstanceRuns() {
        var driver = SchedulerDriver([.init(id: "m", results: [.failure, .success, .success], failFast: false, maxParallel: 1)])
        driver.run()
        #expect(driver.started == ["m[0]", "m[1]", "m[2]"])
        #expect(!driver.trace.contains { $0.hasPrefix("cancel") })
        #expect(driver.scheduler.instanceResults(of: "m") == [0: .failure, 1: .success, 2: .success])
    }

    @Test(arguments: [(1, 5, 1), (2, 5, 2), (3, 2, 2), (nil, 4, 4)] as [(Int?, Int, Int)])
    func maxParallelBoundsAJobsInstances(_ jobLimit: Int?, _ instances: Int, _ peak: Int) {
        var driver = SchedulerDriver([.init(id: "m", results: Array(repeating: .success, count: instances), maxParallel: jobLimit)])
        driver.run()
        #expect(driver.peakRunning == peak)
        #expect(driver.started.count == instances)
        #expect(driver.finished == .success)
    }

    @Test(arguments: [(1, 1), (2, 2), (3, 3), (0, 1)])
    func theRunsLimitBoundsAllInstances(_ limit: Int, _ peak: Int) {
        let jobs: [ScriptedJob] = [.init(id: "a", results: [.success, .success]), .init(id: "b"), .init(id: "c")]
        var driver = SchedulerDriver(jobs, maxParallel: limit)
        driver.run()
        #expect(driver.peakRunning == peak)
        #expect(driver.started == ["a[0]", "a[1]", "b[0]", "c[0]"])
    }
}

/// Cancelling the whole run (Ctrl-C, a cancelled server run).
struct SchedulerCancelTests {
    @Test func cancellingStopsRunningInstancesAndPreparesTheRestAsCancelled() {
        let jobs: [ScriptedJob] = [
            .init(id: "a", results: [.success, .success], failFast: false, maxParallel: 1),
            .init(id: "b", needs: ["a"]), .init(id: "cleanup", needs: ["a"], condition: .always),
            .init(id: "report", needs: ["a"], condition: .cancelled),
        ]
        var driver = SchedulerDriver(jobs)
        driver.run(cancelAfter: 0)
        #expect(driver.scheduler.isCancelled)
        #expect(driver.trace.contains("cancel a[0]"))
        #expect(!driver.started.contains("a[1]"), "a pending instance never starts")
        #expect(driver.prepared == ["a success", "b cancelled", "cleanup cancelled", "report cancelled"])
        #expect(driver.results == ["a": "cancelled", "b": "skipped", "cleanup": "success", "report": "success"])
        #expect(driver.finished == .cancelled)
    }

    @Test func aCancelAfterTheEndDoesNothing() {
        var driver = SchedulerDriver([.init(id: "a")])
        driver.run()
        var scheduler = driver.scheduler
        #expect(scheduler.cancelRun().isEmpty)
        #expect(scheduler.result(of: "a") == .success)
    }

    @Test func reportsForUnknownOrIdleJobsAreIgnored() {
        var scheduler = RunScheduler(jobs: [(id: "a", needs: [])], maxParallel: 2)
        #expect(scheduler.start() == [.prepare(job: "a", status: .success)])
        #expect(scheduler.jobSkipped("ghost").isEmpty)
        #expect(scheduler.instanceFinished(InstanceKey(job: "a", index: 0), result: .success).isEmpty, "not started yet")
        #expect(scheduler.jobExpanded("a", instances: 1, failFast: true, maxParallel: nil) == [.start(InstanceKey(job: "a", index: 0))])
        #expect(scheduler.jobExpanded("a", instances: 1, failFast: true, maxParallel: nil).isEmpty, "already expanded")
        #expect(scheduler.instanceFinished(InstanceKey(job: "a", index: 0), result: .success) == [.finish(.success)])
    }
}
