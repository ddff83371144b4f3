import Foundation
import Testing

/// The workflow fixtures under Fixtures/run: each folder is a repository (its workflows under
/// `.github/workflows`) with `expected.json` saying how `gaara run` must end:
///
/// - `args`: arguments after `gaara run` (default `["push"]`); `setup`: shell lines run in the
///   repository after the initial commit; `requires`: `docker` or other programs needed;
/// - `exit`: the exit status; `jobs`: display name → result (skipped jobs included);
/// - `outputs`: job id → outputs; `steps`: job name → step id → `outcome/conclusion`;
/// - `log_contains` / `log_excludes`: text that must (not) appear in the step logs or output;
/// - `stderr_contains`; `annotations`: messages of annotations; `order`: pairs [a, b] meaning job
///   a finished before job b started; `steps_overlap`: [job, a, b] meaning step b (by name)
///   started before step a finished.
struct RunFixture: CustomStringConvertible, Sendable {
    let name: String
    var description: String { name }

    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/run")

    static var all: [RunFixture] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map(RunFixture.init)
    }
}

/// What a `gaara run --json` printed, decoded.
struct RunRecord {
    var status: Int32
    var events: [[String: Any]]
    var stdout: String
    var stderr: String
    var logs: String

    func jobs() -> [String: String] {
        var result: [String: String] = [:]
        for event in events {
            switch event["event"] as? String {
            case "job_finished": result[event["name"] as! String] = event["result"] as? String
            case "job_skipped": result[event["name"] as! String] = "skipped"
            default: break
            }
        }
        return result
    }

    func time(_ kind: String, job: String) -> Double? {
        events.first { $0["event"] as? String == kind && ($0["name"] as? String == job || $0["job"] as? String == job) }?["time"] as? Double
    }
}

func which(_ program: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
    }
}

/// Copies a fixture into a fresh git repository and runs `gaara run --json` in it.
func runFixture(_ fixture: RunFixture, expected: [String: Any]) async throws -> RunRecord {
    let directory = try TemporaryDirectory()
    let repo = directory.url.appendingPathComponent("repo")
    try FileManager.default.copyItem(at: RunFixture.root.appendingPathComponent(fixture.name), to: repo)
    try? FileManager.default.removeItem(at: repo.appendingPathComponent("expected.json"))
    let git = "git -c user.name=Fixture -c user.email=fixture@example.com"
    let support = RunFixture.root.deletingLastPathComponent().appendingPathComponent("support").path
    var script = "set -e; export SUPPORT='\(support)'; cd '\(repo.path)'; git init -q -b main; \(git) add -A; \(git) commit -qm 'fixture commit'"
    for line in expected["setup"] as? [String] ?? [] { script += "; " + line }
    let setup = try await GaaraBinary.runShell(script)
    try #require(setup.status == 0, "setup failed: \(setup.stdout)\(setup.stderr)")
    let arguments = ["run", "--json"] + (expected["args"] as? [String] ?? ["push"])
    let output = try await GaaraBinary.run(arguments, in: repo, environment: ["XDG_CACHE_HOME": directory.url.appendingPathComponent("cache").path])
    var events: [[String: Any]] = []
    for line in output.stdout.split(separator: "\n") {
        if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { events.append(object) }
    }
    // The step logs and stderr; stdout holds the JSON events (whose step names would match too much).
    var logs = output.stderr
    let runs = repo.appendingPathComponent(".gaara/runs")
    if let enumerator = FileManager.default.enumerator(atPath: runs.path) {
        while let path = enumerator.nextObject() as? String {
            guard path.contains("/logs/"), let text = try? String(contentsOf: runs.appendingPathComponent(path), encoding: .utf8) else { continue }
            logs += "\n" + text
        }
    }
    return RunRecord(status: output.status, events: events, stdout: output.stdout, stderr: output.stderr, logs: logs)
}

@Test func thereAreAtLeastSixtyRunFixtures() {
    #expect(RunFixture.all.count >= 60)
}

@Test(arguments: RunFixture.all)
func runFixtureEndsAsExpected(_ fixture: RunFixture) async throws {
    let data = try Data(contentsOf: RunFixture.root.appendingPathComponent(fixture.name).appendingPathComponent("expected.json"))
    let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    for program in expected["requires"] as? [String] ?? [] {
        if program == "docker" {
            guard DockerEngine.isAvailable else {
                // CI starts a Docker engine (.ci/run) and sets GAARA_REQUIRE_DOCKER=1, so there this fails loudly.
                #expect(ProcessInfo.processInfo.environment["GAARA_REQUIRE_DOCKER"] != "1", "\(fixture.name) needs Docker, which is not reachable")
                print("skipping \(fixture.name): no Docker engine is reachable")
                return
            }
        } else {
            try #require(which(program), "\(fixture.name) needs \(program)")
        }
    }
    let record = try await runFixture(fixture, expected: expected)
    let context = "\(fixture.name)\n--- stdout\n\(record.stdout.prefix(4000))\n--- stderr\n\(record.stderr.prefix(2000))"
    #expect(record.status == Int32(expected["exit"] as? Int ?? 0), "\(context)")
    if let jobs = expected["jobs"] as? [String: String] {
        #expect(record.jobs() == jobs, "\(context)")
    }
    for (job, outputs) in expected["outputs"] as? [String: [String: String]] ?? [:] {
        let finished = record.events.filter {
            $0["event"] as? String == "job_finished" && ($0["job"] as? String == job || $0["name"] as? String == job)
        }
        let actual = finished.last?["outputs"] as? [String: String]
        #expect(actual == outputs, "\(fixture.name): outputs of \(job)")
    }
    for (job, steps) in expected["steps"] as? [String: [String: String]] ?? [:] {
        for (id, result) in steps {
            let step = record.events.first {
                $0["event"] as? String == "step_finished" && ($0["name"] as? String == id || $0["id"] as? String == id)
                    && ($0["job"] as? String == job)
            }
            let actual = step.map { "\($0["outcome"] as? String ?? "")/\($0["conclusion"] as? String ?? "")" }
            #expect(actual == result, "\(fixture.name): step \(id) of \(job)")
        }
    }
    for text in expected["log_contains"] as? [String] ?? [] {
        #expect(record.logs.contains(text), "\(fixture.name): the logs lack '\(text)'\n\(record.logs.prefix(3000))")
    }
    for text in expected["log_excludes"] as? [String] ?? [] {
        #expect(!record.logs.contains(text), "\(fixture.name): the logs contain '\(text)'")
    }
    for text in expected["stderr_contains"] as? [String] ?? [] {
        #expect(record.stderr.contains(text), "\(fixture.name): stderr lacks '\(text)'\n\(record.stderr)")
    }
    if let annotations = expected["annotations"] as? [String] {
        let actual = record.events.filter { $0["event"] as? String == "annotation" }.compactMap { $0["message"] as? String }
        #expect(actual == annotations, "\(fixture.name): annotations")
    }
    for pair in expected["order"] as? [[String]] ?? [] {
        let finished = record.time("job_finished", job: pair[0])
        let started = record.time("job_started", job: pair[1])
        #expect(finished != nil && started != nil && finished! <= started!, "\(fixture.name): \(pair[0]) must finish before \(pair[1]) starts")
    }
    for pair in expected["exclusive"] as? [[String]] ?? [] {
        // One concurrency group: either may go first (GitHub does not order them), never both at once.
        let times = [pair[0], pair[1]].map { (record.time("job_started", job: $0), record.time("job_finished", job: $0)) }
        guard let aStart = times[0].0, let aEnd = times[0].1, let bStart = times[1].0, let bEnd = times[1].1 else {
            Issue.record("\(fixture.name): \(pair) did not both start and finish")
            continue
        }
        #expect(aEnd <= bStart || bEnd <= aStart, "\(fixture.name): \(pair[0]) and \(pair[1]) ran at the same time")
    }
    for triple in expected["steps_overlap"] as? [[String]] ?? [] {
        // [job, a, b]: step b started before step a finished (they ran at the same time).
        func time(_ event: String, _ name: String) -> Double? {
            record.events.first { $0["event"] as? String == event && $0["job"] as? String == triple[0] && $0["name"] as? String == name }?["time"]
                as? Double
        }
        let finished = time("step_finished", triple[1])
        let started = time("step_started", triple[2])
        #expect(
            finished != nil && started != nil && started! < finished!, "\(fixture.name): step \(triple[2]) must start while \(triple[1]) runs")
    }
    for pair in expected["overlap"] as? [[String]] ?? [] {
        // b started before a finished: they ran at the same time.
        let finished = record.time("job_finished", job: pair[0])
        let started = record.time("job_started", job: pair[1])
        #expect(finished != nil && started != nil && started! < finished!, "\(fixture.name): \(pair[1]) must start while \(pair[0]) runs")
    }
}

/// Whether a Docker engine answers.
enum DockerEngine {
    static let isAvailable: Bool = {
        guard which("docker") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "docker version --format '{{.Server.Version}}' >/dev/null 2>&1"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
