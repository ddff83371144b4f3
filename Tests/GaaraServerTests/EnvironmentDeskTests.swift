import Foundation
import GaaraAPI
import GaaraDeployCore
import GaaraEvents
import GaaraStore
import Testing

@testable import GaaraServer

/// The environment desk in process with a ``ManualClock`` (issue #15): a wait timer of ten
/// minutes holds the job until the clock passes it, without ten minutes of waiting.
struct EnvironmentDeskTests {
    static func shell(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: script]) }
    }

    static func poll(_ what: String, timeout: Double = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    @Test func aWaitTimerHoldsTheJobUntilTheClockPassesIt() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-desk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let clock = ManualClock()
        var configuration = ServerConfiguration(dataDirectory: data, executable: "/bin/true")
        configuration.isolation = .none
        configuration.clock = clock
        let recorder = RecordingConsumer()
        let server = try CIServer(configuration: configuration, consumers: [recorder])
        let bus = Task { await server.events.run() }
        defer { bus.cancel() }
        let repository = try await server.addRepository(CreateRepositoryBody(name: "app"))
        let workflow = """
            on: workflow_dispatch
            jobs:
              deploy:
                runs-on: ubuntu-latest
                environment: staging
                steps:
                  - run: echo deployed
            """
        let source = data.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
        try workflow.write(to: source.appendingPathComponent(".github/workflows/deploy.yml"), atomically: true, encoding: .utf8)
        try Self.shell(
            "cd '\(source.path)' && git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -q -m one "
                + "&& git push -q '\(repository.path)' main")
        let rules = try ProtectionRules(reviewers: [], waitTimer: 10)
        _ = try await server.store.setEnvironment(
            repositoryID: repository.id!, name: "staging", rulesJSON: String(decoding: try JSONEncoder().encode(rules), as: UTF8.self))
        let run = try await server.triggers.dispatch(repository, workflow: "deploy.yml", ref: "main", inputs: [:], actor: "ci")
        await server.startAll([run])

        try await Self.poll("the job to wait") {
            try await server.store.jobs(runID: run.id!).first?.job.status == .waiting && clock.sleepers == 1
        }
        let deployment = try #require(try await server.store.deployments(runID: run.id!).first)
        #expect(deployment.state == "waiting")
        #expect(try await server.store.deploymentStatuses(deployment.id!).last?.description.contains("wait timer") == true)
        clock.advance(by: 9 * 60 + 59)
        // Still before the timer's end: the desk sleeps again and the job has not started.
        try await Self.poll("the desk to sleep again") { clock.sleepers == 1 }
        #expect(try await server.store.jobs(runID: run.id!).first?.job.status == .waiting)
        #expect(try await server.store.deployment(id: deployment.id!)?.state == "waiting")
        clock.advance(by: 1)
        try await Self.poll("the run to finish") { try await server.store.run(id: run.id!)?.status == .completed }
        #expect(try await server.store.run(id: run.id!)?.conclusion == .success)
        let states = try await server.store.deploymentStatuses(deployment.id!).map(\.state)
        #expect(states == ["queued", "waiting", "in_progress", "success"], "\(states)")
        // Each state is published in order (alerts and notifications consume these).
        try await Self.poll("the deployment events") { recorder.events.filter { $0.name == "deployment.status" }.count == 4 }
        let published = recorder.events.compactMap { event -> String? in
            if case .deploymentStatus(let change) = event.kind, change.environment == "staging", change.repository == "app" { return change.state }
            return nil
        }
        #expect(published == states)
    }
}
