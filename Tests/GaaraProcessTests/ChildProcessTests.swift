import Foundation
import GaaraProcess
import Synchronization
import Testing

let baseEnvironment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()]

func sh(_ script: String, directory: String? = nil, timeout: Double? = nil) async throws -> (ChildProcess.Termination, String) {
    let output = Mutex<[UInt8]>([])
    let termination = try await ChildProcess.run(
        .init("sh", ["-c", script], environment: baseEnvironment.merging(["GREETING": "hi"]) { $1 }, workingDirectory: directory),
        timeout: timeout
    ) { chunk in output.withLock { $0.append(contentsOf: chunk) } }
    return (termination, output.withLock { String(decoding: $0, as: UTF8.self) })
}

@Test func capturesMergedOutputAndExitCode() async throws {
    let (termination, output) = try await sh("echo out; echo err >&2; echo $GREETING; exit 3")
    #expect(termination.status == .exited(3))
    #expect(output == "out\nerr\nhi\n")
}

@Test func runsInTheWorkingDirectory() async throws {
    let (_, output) = try await sh("pwd", directory: "/tmp")
    #expect(output == "/tmp\n")
    await #expect(throws: SpawnError.self) { _ = try await sh("pwd", directory: "/no/such/dir") }
}

@Test func missingProgramIsAClearError() async {
    await #expect {
        _ = try await ChildProcess.run(.init("no-such-program-xyz", environment: baseEnvironment)) { _ in }
    } throws: { error in
        "\(error)" == "cannot start no-such-program-xyz: no such file or program"
    }
}

@Test func timeoutKillsTheWholeGroup() async throws {
    let marker = "/tmp/gaara-timeout-\(UUID().uuidString)"
    let start = Date()
    // A duration no other test uses: tests run in parallel, and another one's `sleep 31` (which
    // must outlive its own run) would look like a survivor here.
    let sleep = "sleep 31.\(Int.random(in: 1000...9999))"
    let (termination, _) = try await sh("\(sleep) & \(sleep) & echo started; \(sleep); touch \(marker)", timeout: 0.3)
    #expect(termination.timedOut)
    #expect(termination.wasTerminated)
    // Well under the children's 31 s (not a tight bound: a loaded CI machine took 7.7 s to get here).
    #expect(Date().timeIntervalSince(start) < 20)
    try await Task.sleep(for: .milliseconds(200))
    let (_, survivors) = try await sh("pgrep -fx '\(sleep)' || true")
    #expect(survivors.isEmpty, "processes left: \(survivors)")
    #expect(!FileManager.default.fileExists(atPath: marker))
}

@Test func cancellingTheTaskTerminatesTheProcess() async throws {
    let task = Task { try await sh("trap 'echo got-term; exit 143' TERM; echo ready; while true; do sleep 0.05; done") }
    try await Task.sleep(for: .milliseconds(300))
    task.cancel()
    let (termination, output) = try await task.value
    #expect(termination.wasTerminated)
    #expect(termination.status == .exited(143))
    #expect(output.contains("got-term"))
}

@Test func backgroundChildHoldingThePipeDoesNotStall() async throws {
    let start = Date()
    // The background child holds the pipe for 180 s; returning well before proves no stall, with
    // room for a loaded machine (11 s and then 20 s were seen on CI with every suite running at once).
    let (termination, output) = try await sh("(sleep 180; echo late) & echo done")
    #expect(termination.status == .exited(0))
    #expect(output == "done\n")
    #expect(Date().timeIntervalSince(start) < 90)
}

@Test func largeOutputArrivesCompletely() async throws {
    let (_, output) = try await sh("head -c 20000000 /dev/zero | tr '\\\\0' 'x'")
    #expect(output.utf8.count == 20_000_000)
}

@Test func manyProcessesInParallel() async throws {
    try await withThrowingTaskGroup(of: String.self) { group in
        for index in 0..<32 { group.addTask { try await sh("echo \(index)").1 } }
        var seen = Set<String>()
        for try await output in group { seen.insert(output) }
        #expect(seen.count == 32)
    }
}
