import Foundation
import GRDB
import Testing

@testable import GaaraStore

/// Deployments, their status history, reviews, variables and re-sealing (issue #15).
struct StoreEnvironmentTests {
    static func deployment(_ store: Store, _ repository: RepositoryRecord, run: Int64, environment: String = "production") async throws
        -> DeploymentRecord
    {
        try await store.addDeployment(
            DeploymentRecord(
                repositoryID: repository.id!, environment: environment, ref: "refs/heads/main", sha: "abc", runID: run, jobKey: "deploy",
                jobName: "deploy", creator: "alice"),
            description: "asks")
    }

    @Test func aSuccessfulDeploymentMakesThePreviousOneInactiveAndFinishedOnesStayFinished() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let repository = try await temporary.repository()
        let run = try await store.createRun(
            RunRecord(
                repositoryID: repository.id!, workflowPath: "d.yml", workflowName: "D", event: "push", ref: "refs/heads/main", sha: "abc", actor: "a")
        )
        let first = try await Self.deployment(store, repository, run: run.id!)
        #expect(try await store.setDeploymentState(first.id!, state: "success", description: "done", url: "https://one"))
        let staging = try await Self.deployment(store, repository, run: run.id!, environment: "staging")
        #expect(try await store.setDeploymentState(staging.id!, state: "success", description: "done"))
        let second = try await Self.deployment(store, repository, run: run.id!)
        #expect(try await store.setDeploymentState(second.id!, state: "success", description: "done"))
        #expect(try await store.deployment(id: first.id!)?.state == "inactive")
        #expect(try await store.deployment(id: first.id!)?.url == "https://one")
        #expect(try await store.deployment(id: staging.id!)?.state == "success", "another environment's deployment stays")
        #expect(try await store.deploymentStatuses(first.id!).map(\.state) == ["queued", "success", "inactive"])
        // A finished deployment does not go back to running.
        #expect(try await store.setDeploymentState(second.id!, state: "in_progress", description: "again") == false)
        #expect(try await store.deployment(id: second.id!)?.state == "success")
    }

    @Test func openDeploymentsEndAsErrorsAfterACrashAndCascadeWithTheirRun() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let repository = try await temporary.repository()
        let run = try await store.createRun(
            RunRecord(
                repositoryID: repository.id!, workflowPath: "d.yml", workflowName: "D", event: "push", ref: "refs/heads/main", sha: "abc", actor: "a")
        )
        let waiting = try await Self.deployment(store, repository, run: run.id!)
        try await store.setDeploymentState(waiting.id!, state: "waiting", description: "review")
        try await store.addReview(
            DeploymentReviewRecord(deploymentID: waiting.id!, reviewer: "bob", role: "approver", approved: false, comment: "no"))
        let done = try await Self.deployment(store, repository, run: run.id!, environment: "staging")
        try await store.setDeploymentState(done.id!, state: "failure", description: "failed")
        #expect(try await store.recoverInterruptedDeployments() == 1)
        #expect(try await store.deployment(id: waiting.id!)?.state == "error")
        #expect(try await store.deployment(id: done.id!)?.state == "failure")
        try await store.pool.write { db in _ = try RunRecord.deleteOne(db, key: run.id!) }
        for table in ["deployment", "deploymentStatus", "deploymentReview"] { #expect(try await store.count(table) == 0, "\(table)") }
    }

    @Test func variablesAreScopedAndResealingChangesEverySealedValueInOneGo() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        var repository = try await temporary.repository()
        try await store.setVariable(VariableRecord(repositoryID: nil, environment: "", name: "REGION", value: "server"))
        try await store.setVariable(VariableRecord(repositoryID: repository.id, environment: "", name: "REGION", value: "repo"))
        try await store.setVariable(VariableRecord(repositoryID: repository.id, environment: "", name: "REGION", value: "repo2"))
        #expect(try await store.variables(repositoryID: repository.id).map(\.value).sorted() == ["repo2", "server"])
        #expect(try await store.deleteVariable(repositoryID: nil, environment: "", name: "REGION"))
        #expect(try await store.deleteVariable(repositoryID: nil, environment: "", name: "REGION") == false)

        try await store.setSecret(SecretRecord(repositoryID: repository.id, environment: "production", name: "KEY", sealed: Data("a".utf8)))
        try await store.setSecret(SecretRecord(repositoryID: nil, environment: "", name: "KEY", sealed: Data("b".utf8)))
        repository.webhookSecret = "sealed:x"
        try await store.updateRepository(repository)
        #expect(try await store.resealAll({ Data("re-".utf8) + $0 }, text: { $0 + "-re" }) == 3)
        #expect(Set(try await store.allSecrets().map { String(decoding: $0.sealed, as: UTF8.self) }) == ["re-a", "re-b"])
        #expect(try await store.repository(id: repository.id!)?.webhookSecret == "sealed:x-re")
        // A failure part-way changes nothing.
        await #expect(throws: CocoaError.self) {
            _ = try await store.resealAll({ _ in throw CocoaError(.coderInvalidValue) }, text: { $0 })
        }
        #expect(Set(try await store.allSecrets().map { String(decoding: $0.sealed, as: UTF8.self) }) == ["re-a", "re-b"])
    }
}
