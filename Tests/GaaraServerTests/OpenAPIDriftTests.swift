import Foundation
import GaaraAPI
import Testing

@testable import GaaraServer

/// The OpenAPI document's schemas name exactly the keys the shared API types encode, so the
/// document, the server and the CLI cannot drift apart.
struct OpenAPIDriftTests {
    static let run = RunJSON(
        id: 1, repository: "r", number: 1, workflow: "CI", workflowPath: ".github/workflows/ci.yml", event: "push", ref: "refs/heads/main",
        sha: "s", actor: "a", status: "completed", conclusion: "success", createdAt: "t", startedAt: "t", finishedAt: "t", attempt: 1, rerunOf: 1)

    static let deployment = DeploymentJSON(
        id: 1, repository: "r", environment: "p", ref: "refs/heads/main", sha: "s", runId: 1, job: "deploy", creator: "c", environmentUrl: "u",
        state: "success", createdAt: "t", updatedAt: "t", statuses: [], reviews: [])

    static let image = ImageJSON(
        id: 1, name: "127.0.0.1:5000/app", tags: ["main"], digest: "sha256:0", imageId: "sha256:1", size: 1, sha: "s", runId: 1, job: "build",
        step: "push", createdAt: "t")

    /// Every schema with the shared type it describes, filled in (optionals too, so every key shows).
    static let examples: [(String, any Encodable & Sendable)] = [
        ("Error", ErrorBody(message: "m")),
        ("ErrorBody", ErrorBody.Detail(message: "m")),
        (
            "Repository",
            RepositoryJSON(
                name: "r", upstream: "o/r", cloneUrl: "u", defaultBranch: "main", pushUrl: "p", hasWebhookSecret: true, createdAt: "t")
        ),
        ("CreateRepository", CreateRepositoryBody(name: "r", upstream: "o/r", cloneUrl: "u", webhookSecret: "s", defaultBranch: "main")),
        ("Workflow", WorkflowJSON(path: "p", name: "n", events: [], dispatchInputs: [], errors: [])),
        ("Dispatch", DispatchBody(workflow: "w", ref: "r", inputs: [:])),
        ("Push", PushBody(updates: [], pusher: "p")),
        ("Triggered", TriggeredJSON(runs: [run], message: "m")),
        ("Status", StatusJSON(context: "c", state: "s", description: "d", runId: 1, updatedAt: "t")),
        ("Secret", SecretBody(value: "v")),
        ("SecretInfo", SecretJSON(name: "N", environment: "e", updatedAt: "t", repository: "r", level: "environment")),
        ("VariableValue", VariableBody(value: "v")),
        ("KeyRotation", KeyRotationJSON(resealed: 3)),
        ("SecretUse", SecretUseJSON(name: "N", file: "f", line: 1, column: 2, job: "j", environment: "e", levels: [])),
        ("Variable", VariableJSON(name: "N", value: "v", repository: "r", environment: "e", updatedAt: "t")),
        ("EnvironmentRules", EnvironmentRulesBody(reviewers: [], preventSelfReview: true, waitTimer: 1, branches: [], tags: [])),
        ("Environment", EnvironmentJSON(name: "p", rules: EnvironmentRulesBody(), latestDeployment: deployment, updatedAt: "t")),
        ("Deployment", deployment),
        ("DeploymentStatus", DeploymentStatusJSON(state: "s", description: "d", creator: "c", createdAt: "t")),
        ("DeploymentReview", ReviewJSON(reviewer: "r", role: "approver", state: "approved", comment: "c", createdAt: "t")),
        (
            "PendingDeployment",
            PendingDeploymentJSON(deployment: deployment, reviewers: [], preventSelfReview: true, timesOutAt: "t", currentUserCanApprove: true)
        ),
        ("Review", ReviewBody(environments: ["p"], state: "approved", comment: "c")),
        ("Audit", AuditJSON(createdAt: "t", actor: "a", role: "admin", action: "x", repository: "r", target: "t", comment: "c")),
        ("Run", run),
        ("RunPage", RunPageJSON(runs: [run], totalCount: 1, page: 1, perPage: 30)),
        ("RunDetail", RunDetailJSON(run: run, jobs: [], annotations: [], statuses: [], gates: [], gatesPassed: true, artifacts: [], images: [image])),
        ("Image", image),
        ("Rerun", RerunBody(failedOnly: true)),
        ("Token", TokenJSON(id: 1, name: "n", role: "admin", createdAt: "t", lastUsedAt: "t", token: "x")),
        ("CreateToken", CreateTokenBody(name: "n", role: "admin")),
        ("DeployRequest", DeployBody(service: "web", ref: "main", image: "r@sha256:0")),
        ("RollbackRequest", RollbackBody(service: "web", to: 1)),
        ("RolloutControl", RolloutControlBody(action: "pause")),
        (
            "Rollout",
            RolloutJSON(
                id: 1, repository: "r", environment: "e", kind: "deploy", service: "web", ref: "refs/heads/main", sha: "s", image: "i", toRelease: 1,
                actor: "a", state: "running", releases: "web-1", error: "e", createdAt: "t", finishedAt: "t", log: "l", nextOffset: 1)
        ),
        (
            "Release",
            ReleaseJSON(
                id: "web-1", number: 1, service: "web", state: "live", artifact: "dir:sha256:0", commit: "c", creator: "a", createdAt: "t", events: []
            )
        ),
        (
            "Incident",
            IncidentJSON(
                number: 1, service: "web", trigger: "t", failedRelease: "web-2", restoredRelease: "web-1", detectedAt: "t", timeToDetect: 1,
                timeToRestore: 0.1, markdown: "m", resolvedBy: "web-3", resolvedAt: "t")
        ),
        (
            "Alert",
            AlertJSON(
                name: "HighCPU", state: "firing", labels: ["host": "h"], annotations: ["summary": "s"], value: 0.9, activeAt: "t", firedAt: "t",
                muted: false)
        ),
        ("Silence", SilenceJSON(id: "i", matchers: ["a=\"b\""], startsAt: "t", endsAt: "t", state: "active", createdBy: "c", comment: "c")),
        ("CreateSilence", CreateSilenceBody(matchers: ["a=b"], duration: "2h", comment: "c")),
        (
            "DORA",
            DORAJSON(
                from: "t", to: "t", deployments: 2, attempts: 3, deploymentsPerDay: 0.1, frequency: "weekly", leadTimeSeconds: 60, changes: 4,
                changeFailureRate: 0.33, timeToRestoreSeconds: 20, incidents: 1, openIncidents: 0, successRate: 0.66, durationSeconds: 30,
                rollbacks: 1)
        ),
        ("Evidence", EvidenceJSON(verified: true, trustedKey: true, verdict: "v", evidence: "{}", signature: "s", publicKey: "k")),
        (
            "Delivery",
            DeliveryJSON(
                id: "i", kind: "k", target: "t", summary: "s", state: "pending", attempts: 1, lastStatus: 503, lastError: "e", createdAt: "t",
                updatedAt: "t")
        ),
    ]

    @Test func schemasNameTheKeysTheSharedTypesEncode() throws {
        let document = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.render([]).utf8)) as? [String: Any]
        let schemas = (document?["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        for (name, example) in Self.examples {
            let encoded = try JSONSerialization.jsonObject(with: try APICoding.encode(example)) as? [String: Any] ?? [:]
            let properties = (schemas[name] as? [String: Any])?["properties"] as? [String: Any] ?? [:]
            #expect(Set(properties.keys) == Set(encoded.keys), "schema \(name)")
        }
    }
}
