import Foundation
import GaaraAPI
import GaaraEngine
import GaaraExpressions
import GaaraStore
import GaaraWorkflow

/// A pull request event, normalised over forges.
public struct PullRequestEvent: Sendable, Equatable {
    /// `opened`, `synchronize`, `reopened`, `closed`.
    public var action: String
    /// The pull request number.
    public var number: Int
    /// Title.
    public var title: String
    /// The head branch.
    public var headRef: String
    /// The head commit.
    public var headSHA: String
    /// The base branch.
    public var baseRef: String
    /// The base commit, when known.
    public var baseSHA: String?
    /// Where the head commit can be fetched from, when it is not in the repository's branches.
    public var headCloneURL: String?
    /// Whether it was merged (for `closed`).
    public var merged: Bool
}

/// Why a trigger was refused (or a triggered run could not find its workflow).
public struct TriggerError: Error, Sendable, CustomStringConvertible {
    /// What kind of refusal: the HTTP edge turns it into a status, background work only reports it.
    public enum Kind: Sendable, Equatable {
        /// A ref update that is not full shas and a valid ref name.
        case invalidUpdate
        /// A ref or branch the repository does not have.
        case unknownRef
        /// A workflow file the commit does not have.
        case unknownWorkflow
        /// A workflow that has errors or does not accept the event.
        case unacceptedWorkflow
        /// Dispatch inputs that are missing, undeclared or of the wrong type.
        case invalidInputs
    }

    /// What kind of refusal.
    public let kind: Kind
    /// What is wrong.
    public let message: String
    /// The error underneath, when there is one.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// The message, then the cause's when there is one.
    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}

/// Decides which workflows an event starts and records their runs as queued.
struct Triggers: Sendable {
    let store: Store
    let git: GitHost
    let serverURL: @Sendable () -> String

    /// A push: each updated ref runs the push workflows whose filters accept it; deleted refs run nothing.
    func push(_ repository: RepositoryRecord, updates: [RefUpdate], actor: String) async throws -> [RunRecord] {
        let path = URL(fileURLWithPath: repository.path)
        var runs: [RunRecord] = []
        for update in updates where update.after != GitNames.zeroSHA {
            guard update.ref.hasPrefix("refs/heads/") || update.ref.hasPrefix("refs/tags/") else { continue }
            // The names go to git's command line: they must be what they claim to be.
            guard GitNames.isObjectName(update.before), GitNames.isObjectName(update.after), GitNames.isRefName(update.ref) else {
                throw TriggerError(.invalidUpdate, "a ref update needs full commit shas and a valid ref name")
            }
            let changed = update.ref.hasPrefix("refs/tags/") ? nil : await git.changedFiles(path, before: update.before, after: update.after)
            let commit = await git.commitObject(path, update.after)
            let payload = GitHubPayload.push(
                ref: update.ref, before: update.before, after: update.after, created: update.before == GitNames.zeroSHA, commits: [commit],
                pusher: (actor, ""), repository: repositoryObject(repository), sender: GitHubPayload.sender(actor))
            let event = TriggerEvent(name: "push", ref: update.ref, changedFiles: changed, payload: payload)
            runs += try await start(repository, event: event, sha: update.after, actor: actor)
        }
        return runs
    }

    /// A pull request activity: runs `pull_request` workflows at the head commit.
    func pullRequest(_ repository: RepositoryRecord, _ pull: PullRequestEvent, actor: String) async throws -> [RunRecord] {
        let path = URL(fileURLWithPath: repository.path)
        let baseSHA: String? = if let sha = pull.baseSHA { sha } else { await git.resolve(path, "refs/heads/" + pull.baseRef) }
        let changed = await git.changedFiles(path, before: baseSHA, after: pull.headSHA)
        let object: ExpressionValue = .object([
            ("number", .number(Double(pull.number))), ("title", .string(pull.title)), ("state", .string(pull.action == "closed" ? "closed" : "open")),
            ("merged", .bool(pull.merged)), ("draft", .bool(false)), ("labels", .array([])),
            ("head", .object([("ref", .string(pull.headRef)), ("sha", .string(pull.headSHA)), ("repo", repositoryObject(repository))])),
            ("base", .object([("ref", .string(pull.baseRef)), ("sha", .string(baseSHA ?? "")), ("repo", repositoryObject(repository))])),
            ("user", GitHubPayload.sender(actor)),
        ])
        let payload: ExpressionValue = .object([
            ("action", .string(pull.action)), ("number", .number(Double(pull.number))), ("pull_request", object),
            ("repository", repositoryObject(repository)), ("sender", GitHubPayload.sender(actor)),
        ])
        let event = TriggerEvent(
            name: "pull_request", ref: "refs/pull/\(pull.number)/merge", baseRef: pull.baseRef, action: pull.action, changedFiles: changed,
            payload: payload)
        return try await start(repository, event: event, sha: pull.headSHA, actor: actor)
    }

    /// A manual dispatch of one workflow on a branch or tag, with typed inputs checked against the
    /// workflow's declarations.
    func dispatch(_ repository: RepositoryRecord, workflow file: String, ref: String?, inputs: [String: String], actor: String) async throws
        -> RunRecord
    {
        let path = URL(fileURLWithPath: repository.path)
        let fullRef: String
        if let ref, ref.hasPrefix("refs/") {
            fullRef = ref
        } else if let ref, await git.resolve(path, "refs/tags/" + ref) != nil, await git.resolve(path, "refs/heads/" + ref) == nil {
            fullRef = "refs/tags/" + ref
        } else {
            fullRef = "refs/heads/" + (ref ?? repository.defaultBranch)
        }
        guard let sha = await git.resolve(path, fullRef) else {
            throw TriggerError(.unknownRef, "no ref '\(ref ?? repository.defaultBranch)' in repository '\(repository.name)'")
        }
        let matches = try await git.workflows(path, commit: sha) { path, _ in path == file || (path as NSString).lastPathComponent == file }
        guard let match = matches.first else {
            throw TriggerError(.unknownWorkflow, "no workflow '\(file)' at \(fullRef)")
        }
        guard let workflow = match.loaded.workflow, !match.loaded.hasErrors else {
            throw TriggerError(.unacceptedWorkflow, "\(match.path) has errors; fix them before dispatching")
        }
        guard let trigger = workflow.triggers["workflow_dispatch"] else {
            throw TriggerError(.unacceptedWorkflow, "\(match.path) does not accept workflow_dispatch")
        }
        let typed: [String: String]
        do {
            typed = try DispatchInputs.check(trigger.inputs, given: inputs, workflow: match.path)
        } catch {
            throw TriggerError(.invalidInputs, error.message)
        }
        let payload: ExpressionValue = .object([
            ("inputs", .strings(typed)), ("ref", .string(fullRef)), ("workflow", .string(match.path)),
            ("repository", repositoryObject(repository)), ("sender", GitHubPayload.sender(actor)),
        ])
        var record = RunRecord(
            repositoryID: repository.id!, workflowPath: match.path, workflowName: workflow.name ?? match.path, event: "workflow_dispatch",
            ref: fullRef, sha: sha, actor: actor, inputsJSON: Self.json(typed), payloadJSON: ExpressionJSON.serialize(payload, indent: false))
        record = try await store.createRun(record)
        return record
    }

    /// A schedule tick: one workflow at the default branch's head.
    func schedule(_ repository: RepositoryRecord, workflowPath: String, workflowName: String, cron: String, sha: String) async throws -> RunRecord {
        let payload: ExpressionValue = .object([("schedule", .string(cron)), ("repository", repositoryObject(repository))])
        let record = RunRecord(
            repositoryID: repository.id!, workflowPath: workflowPath, workflowName: workflowName, event: "schedule",
            ref: "refs/heads/" + repository.defaultBranch, sha: sha, actor: "gaara[schedule]",
            payloadJSON: ExpressionJSON.serialize(payload, indent: false))
        return try await store.createRun(record)
    }

    /// Creates a queued run for each workflow at `sha` that accepts the event. A workflow with
    /// errors gets a failed run that lists them, as GitHub shows an invalid workflow file.
    private func start(_ repository: RepositoryRecord, event: TriggerEvent, sha: String, actor: String) async throws -> [RunRecord] {
        let path = URL(fileURLWithPath: repository.path)
        var runs: [RunRecord] = []
        for file in try await git.workflows(path, commit: sha) {
            let loaded = file.loaded
            let base = RunRecord(
                repositoryID: repository.id!, workflowPath: file.path, workflowName: file.path, event: event.name, ref: event.ref ?? "",
                sha: sha, actor: actor, payloadJSON: ExpressionJSON.serialize(event.payload, indent: false),
                changedFilesJSON: event.changedFiles.map { Self.json($0) })
            guard let workflow = loaded.workflow, !loaded.hasErrors else {
                guard Self.listens(file.text, to: event.name) else { continue }
                var record = try await store.createRun(base)
                for diagnostic in loaded.diagnostics where diagnostic.severity == .error {
                    try await store.addAnnotation(
                        AnnotationRecord(
                            runID: record.id!, job: "workflow", level: "error", message: diagnostic.message, file: file.path,
                            line: diagnostic.location.line))
                }
                try await store.finishRun(record.id!, conclusion: .failure)
                record.status = .completed
                record.conclusion = .failure
                runs.append(record)
                continue
            }
            guard case .matches = EventMatcher.decide(workflow, event) else { continue }
            var record = base
            record.workflowName = workflow.name ?? file.path
            runs.append(try await store.createRun(record))
        }
        return runs
    }

    /// Whether a workflow that failed to load mentions the event at all (so unrelated broken files stay quiet).
    static func listens(_ text: String, to event: String) -> Bool {
        text.contains(event)
    }

    func repositoryObject(_ repository: RepositoryRecord) -> ExpressionValue {
        let full = repository.upstream ?? repository.name
        let owner = full.split(separator: "/").first.map(String.init) ?? full
        return .object([
            ("name", .string(full.split(separator: "/").last.map(String.init) ?? full)), ("full_name", .string(full)),
            ("owner", .object([("login", .string(owner)), ("name", .string(owner))])), ("default_branch", .string(repository.defaultBranch)),
            ("clone_url", .string(repository.cloneURL ?? repository.path)), ("html_url", .string(serverURL() + "/repos/" + repository.name)),
            ("private", .bool(true)),
        ])
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
