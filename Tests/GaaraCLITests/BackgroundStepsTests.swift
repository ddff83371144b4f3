import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Background and parallel steps (issue #14) in the real binary where a fixture cannot say it:
/// how long a parallel group takes, and Ctrl-C while background steps run.
@Suite struct BackgroundStepsTests {
    @Test func aParallelGroupTakesAboutAsLongAsItsLongestStep() async throws {
        let directory = try TemporaryDirectory()
        let repo = directory.url.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
        try """
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - parallel:
                  - run: sleep 2
                  - run: sleep 2
                  - run: sleep 2
        """.write(to: repo.appendingPathComponent(".github/workflows/ci.yml"), atomically: true, encoding: .utf8)
        let setup = try await GaaraBinary.runShell(
            "set -e; cd '\(repo.path)'; git init -q -b main; git -c user.name=T -c user.email=t@e add -A; git -c user.name=T -c user.email=t@e commit -qm t"
        )
        try #require(setup.status == 0)
        let run = try await GaaraBinary.run(["run", "--json"], in: repo)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let events = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let firstStart = events.first { $0["event"] as? String == "step_started" }?["time"] as? Double
        let group = events.first { $0["event"] as? String == "step_finished" && $0["id"] as? String == "__parallel" }
        let end = group?["time"] as? Double
        let seconds = try #require(end.flatMap { end in firstStart.map { end - $0 } }, "\(run.stdout)")
        print("a parallel group of three 2-second steps took \(String(format: "%.2f", seconds)) s")
        // One after the other they take 6 s at least; together about 2 s. The bound leaves 3 s for a
        // loaded machine to start three processes, and still tells the two apart.
        #expect(seconds >= 2 && seconds < 5, "\(seconds) s")
    }

    /// On the server, each of two steps that print at the same time keeps its own log (the
    /// recorder files each line under its step's number), and both show as steps of the job.
    @Test func theServerKeepsConcurrentStepsLogsApart() async throws {
        let directory = try TemporaryDirectory()
        let workflow = """
            name: Concurrent
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - name: Left
                    id: left
                    background: true
                    run: for i in $(seq 1 40); do echo "left line $i"; sleep 0.01; done
                  - name: Right
                    run: for i in $(seq 1 40); do echo "right line $i"; sleep 0.01; done
                  - wait: left
            """
        let (server, source) = try await ServerFeatureTests.start(directory, [".github/workflows/ci.yml": workflow])
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        let detail = try await server.waitForRun(id)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(detail)")
        let job = try #require((detail["jobs"] as? [[String: Any]])?.first)
        let jobID = try #require(job["id"] as? Int)
        let steps = job["steps"] as? [[String: Any]] ?? []
        #expect(steps.compactMap { $0["name"] as? String }.contains("Left") && steps.contains { $0["name"] as? String == "Wait" }, "\(steps)")
        for (name, own, other) in [("Left", "left line", "right line"), ("Right", "right line", "left line")] {
            let number = try #require(steps.first { $0["name"] as? String == name }?["number"] as? Int)
            let (status, body) = try await server.request("GET", "/api/runs/\(id)/logs?job=\(jobID)&step=\(number)", token: server.adminToken)
            let log = String(decoding: body, as: UTF8.self)
            #expect(status == 200)
            #expect(log.contains("\(own) 1\n") && log.contains("\(own) 40\n"), "\(name): \(log)")
            #expect(!log.contains(other), "\(name)'s log holds the other step's lines: \(log)")
        }
        await server.stop()
    }

    @Test func ctrlCStopsEveryRunningStepAndRunsTheAlwaysSteps() async throws {
        let workflow = """
            on: push
            jobs:
              busy:
                runs-on: ubuntu-latest
                steps:
                  - id: service
                    background: true
                    run: |
                      trap 'echo "service got SIGTERM"; exit 143' TERM
                      echo $$ >> "$GITHUB_WORKSPACE/../../../pids"
                      sleep 300 & wait
                  - id: monitor
                    background: true
                    run: |
                      echo $$ >> "$GITHUB_WORKSPACE/../../../pids"
                      sleep 300
                  - run: |
                      echo $$ >> "$GITHUB_WORKSPACE/../../../pids"
                      until [ "$(wc -l < "$GITHUB_WORKSPACE/../../../pids")" -ge 3 ]; do sleep 0.05; done
                      touch "$GITHUB_WORKSPACE/../../../ready"
                      sleep 300
                  - run: echo never-after-cancel
                  - if: always()
                    run: touch "$GITHUB_WORKSPACE/../../../always-ran"
            """
        let result = try await interruptRun(workflow: workflow, ready: ".gaara/runs/ready")
        #expect(result.status == 130, "\(result.output)")
        #expect(result.seconds < 10, "took \(result.seconds) s to exit")
        let pids = try String(contentsOf: result.repo.appendingPathComponent(".gaara/runs/pids"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 3)
        try await Task.sleep(for: .milliseconds(200))
        for pid in pids { #expect(!isAlive(pid), "process \(pid) survived") }
        #expect(result.output.contains("service got SIGTERM"), "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: result.repo.appendingPathComponent(".gaara/runs/always-ran").path), "\(result.output)")
        #expect(!result.output.contains("never-after-cancel"))
    }
}
