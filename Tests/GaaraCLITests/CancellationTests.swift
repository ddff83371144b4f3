import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starts `gaara run` in a repository made from `workflow`, waits until `ready` exists in the
/// repository, sends SIGINT, and returns the exit status, the seconds it took to exit, and the repo.
func interruptRun(workflow: String, ready: String, timeout: Double = 20) async throws -> (
    status: Int32, seconds: Double, repo: URL, output: String, keep: TemporaryDirectory
) {
    let directory = try TemporaryDirectory()
    let repo = directory.url.appendingPathComponent("repo")
    try FileManager.default.createDirectory(at: repo.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
    try workflow.write(to: repo.appendingPathComponent(".github/workflows/ci.yml"), atomically: true, encoding: .utf8)
    let support = RunFixture.root.deletingLastPathComponent().appendingPathComponent("support").path
    let setup = try await GaaraBinary.runShell(
        "set -e; export SUPPORT='\(support)'; cd '\(repo.path)'; git init -q -b main; git -c user.name=T -c user.email=t@e add -A; git -c user.name=T -c user.email=t@e commit -qm t"
    )
    try #require(setup.status == 0)
    let process = Process()
    process.executableURL = GaaraBinary.url
    process.arguments = ["run"]
    process.currentDirectoryURL = repo
    let log = directory.url.appendingPathComponent("output.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    defer {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
    let readyPath = repo.appendingPathComponent(ready).path
    let deadline = Date().addingTimeInterval(timeout)
    while !FileManager.default.fileExists(atPath: readyPath), Date() < deadline, process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    let early = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    try #require(FileManager.default.fileExists(atPath: readyPath), "the step never got ready: \(early)")
    try await Task.sleep(for: .milliseconds(200))
    let start = Date()
    kill(process.processIdentifier, SIGINT)
    while process.isRunning, Date().timeIntervalSince(start) < 30 { try await Task.sleep(for: .milliseconds(20)) }
    let seconds = Date().timeIntervalSince(start)
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    try handle.close()
    return (process.terminationStatus, seconds, repo, try String(contentsOf: log, encoding: .utf8), directory)
}

func isAlive(_ pid: Int32) -> Bool {
    // A zombie counts as gone: read the state from /proc.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

@Test func ctrlCStopsTheWholeTreeRunsAlwaysStepsAndExits130() async throws {
    let workflow = """
        on: push
        jobs:
          busy:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  sleep 300 & echo $! >> "$GITHUB_WORKSPACE/../../../pids"
                  sh -c 'trap "" TERM; sleep 300 & echo $! >> "$0"; wait' "$GITHUB_WORKSPACE/../../../pids" &
                  echo $! >> "$GITHUB_WORKSPACE/../../../pids"
                  (trap "" TERM; while true; do sleep 1; done) &
                  echo $! >> "$GITHUB_WORKSPACE/../../../pids"
                  echo $$ >> "$GITHUB_WORKSPACE/../../../pids"
                  sleep 0.3
                  touch "$GITHUB_WORKSPACE/../../../ready"
                  wait
              - run: echo never-after-cancel
              - if: always()
                run: touch "$GITHUB_WORKSPACE/../../../always-ran"
          waiting:
            needs: busy
            runs-on: ubuntu-latest
            steps:
              - run: echo never-runs
        """
    let result = try await interruptRun(workflow: workflow, ready: ".gaara/runs/ready")
    #expect(result.status == 130, "\(result.output)")
    #expect(result.seconds < 5, "took \(result.seconds) s to exit")
    let pids = try String(contentsOf: result.repo.appendingPathComponent(".gaara/runs/pids"), encoding: .utf8)
        .split(separator: "\n").compactMap { Int32($0) }
    #expect(pids.count >= 5)
    try await Task.sleep(for: .milliseconds(200))
    for pid in pids { #expect(!isAlive(pid), "process \(pid) survived") }
    #expect(FileManager.default.fileExists(atPath: result.repo.appendingPathComponent(".gaara/runs/always-ran").path), "\(result.output)")
    #expect(!result.output.contains("never-after-cancel"))
    #expect(!result.output.contains("never-runs"))
}

@Test func ctrlCRemovesContainersAndNetworks() async throws {
    guard DockerEngine.isAvailable else {
        #expect(ProcessInfo.processInfo.environment["GAARA_REQUIRE_DOCKER"] != "1", "Docker is required here but not reachable")
        return
    }
    let image = try await GaaraBinary.runShell("sh '\(RunFixture.root.deletingLastPathComponent().path)/support/make-test-image.sh'")
    try #require(image.status == 0, "\(image.stdout)\(image.stderr)")
    let workflow = """
        on: push
        jobs:
          boxed:
            runs-on: ubuntu-latest
            container: gaara-test/busybox:1
            services:
              web:
                image: gaara-test/httpd:1
            steps:
              - run: |
                  touch "$GITHUB_WORKSPACE/ready"
                  sleep 300
        """
    let list = "docker ps -aq --filter label=gaara.run; docker network ls -q --filter label=gaara.run"
    let before = Set(try await GaaraBinary.runShell(list).stdout.split(separator: "\n"))
    let result = try await interruptRun(workflow: workflow, ready: ".gaara/runs/1/work/boxed/ready", timeout: 60)
    #expect(result.status == 130, "\(result.output)")
    // It exits by itself, before the 30 s after which the test would kill it: removing a container
    // and a network took the engine 20 s on a loaded CI machine.
    #expect(result.seconds < 29, "took \(result.seconds) s to exit")
    let after = Set(try await GaaraBinary.runShell(list).stdout.split(separator: "\n"))
    #expect(after.subtracting(before).isEmpty, "left behind: \(after.subtracting(before))")
}

@Test func aDaemonAStepLeftBehindDoesNotOutliveTheRun() async throws {
    let directory = try TemporaryDirectory()
    let repo = directory.url.appendingPathComponent("repo")
    try FileManager.default.createDirectory(at: repo.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
    // `setsid` takes the sleep out of the step's process group; when the step's shell exits it is
    // re-parented to gaara (a child subreaper), which must kill it before exiting.
    let workflow = """
        on: push
        jobs:
          leaves:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  setsid sleep 31 </dev/null >/dev/null 2>&1 &
                  echo $! > "$GITHUB_WORKSPACE/../../../daemon"
              - run: sleep 0.2
        """
    try workflow.write(to: repo.appendingPathComponent(".github/workflows/ci.yml"), atomically: true, encoding: .utf8)
    let setup = try await GaaraBinary.runShell(
        "set -e; cd '\(repo.path)'; git init -q -b main; git -c user.name=T -c user.email=t@e add -A; git -c user.name=T -c user.email=t@e commit -qm t"
    )
    try #require(setup.status == 0)
    let start = Date()
    let result = try await GaaraBinary.run(["run"], in: repo)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    // A surviving daemon also keeps the run's output open until it ends by itself (31 s).
    #expect(Date().timeIntervalSince(start) < 20)
    let pid = try #require(
        Int32(String(contentsOf: repo.appendingPathComponent(".gaara/runs/daemon"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    try await Task.sleep(for: .milliseconds(200))
    #expect(!isAlive(pid), "the step's daemon \(pid) outlived the run")
    if isAlive(pid) { kill(pid, SIGKILL) }
}
