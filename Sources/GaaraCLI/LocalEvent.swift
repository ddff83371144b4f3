import Foundation
import GaaraEngine
import GaaraExpressions

/// Builds the event of a local run: name, ref, changed files and a GitHub-shaped payload.
enum LocalEvent {
    static func make(
        name: String, repository: LocalRepository, payloadFile: URL?, inputs: [String: String], changedFiles: [String]?, defaultBranch: String
    ) throws(CLIFailure) -> TriggerEvent {
        let branchRef = "refs/heads/" + (repository.branch ?? defaultBranch)
        if let payloadFile {
            guard let data = FileManager.default.contents(atPath: payloadFile.path), let text = String(data: data, encoding: .utf8) else {
                throw CLIFailure(.invalidInput, "\(payloadFile.path): cannot read the event payload")
            }
            let payload: ExpressionValue
            do {
                payload = try ExpressionJSON.parse(text)
            } catch {
                throw CLIFailure(.invalidInput, "\(payloadFile.path): the event payload is not JSON: \(error.message)")
            }
            var ref = payload["ref"]?.stringValue ?? branchRef
            var baseRef: String?
            if let pull = payload["pull_request"] {
                if let head = pull["head"]?["ref"]?.stringValue { ref = "refs/heads/" + head }
                baseRef = pull["base"]?["ref"]?.stringValue
            }
            if !ref.hasPrefix("refs/") { ref = "refs/heads/" + ref }
            return TriggerEvent(
                name: name, ref: ref, baseRef: baseRef, action: payload["action"]?.stringValue, changedFiles: changedFiles, payload: payload)
        }
        let sender = GitHubPayload.sender(repository.actor)
        switch name {
        case "push":
            let payload = GitHubPayload.push(
                ref: branchRef, before: repository.parent ?? GitNames.zeroSHA, after: repository.sha, created: false,
                commits: [repository.commitObject], pusher: (repository.actor, repository.email), repository: repository.repositoryObject,
                sender: sender)
            return TriggerEvent(name: name, ref: branchRef, changedFiles: changedFiles, payload: payload)
        case "pull_request", "pull_request_target":
            let head = repository.branch ?? defaultBranch
            let pull: ExpressionValue = .object([
                ("number", .number(1)), ("title", .string(repository.message.split(separator: "\n").first.map(String.init) ?? "")),
                ("state", .string("open")), ("draft", .bool(false)), ("merged", .bool(false)), ("labels", .array([])),
                ("head", .object([("ref", .string(head)), ("sha", .string(repository.sha)), ("repo", repository.repositoryObject)])),
                (
                    "base",
                    .object([
                        ("ref", .string(defaultBranch)), ("sha", .string(repository.parent ?? repository.sha)), ("repo", repository.repositoryObject),
                    ])
                ),
                ("user", sender),
            ])
            let payload: ExpressionValue = .object([
                ("action", .string("opened")), ("number", .number(1)), ("pull_request", pull), ("repository", repository.repositoryObject),
                ("sender", sender),
            ])
            return TriggerEvent(
                name: name, ref: "refs/heads/" + head, baseRef: defaultBranch, action: "opened", changedFiles: changedFiles, payload: payload)
        case "workflow_dispatch":
            let payload: ExpressionValue = .object([
                ("inputs", .strings(inputs)), ("ref", .string(branchRef)), ("repository", repository.repositoryObject), ("sender", sender),
            ])
            return TriggerEvent(name: name, ref: branchRef, payload: payload)
        case "schedule":
            return TriggerEvent(
                name: name, ref: "refs/heads/" + defaultBranch,
                payload: .object([("schedule", .string("")), ("repository", repository.repositoryObject)]))
        default:
            return TriggerEvent(name: name, ref: branchRef, payload: .object([("repository", repository.repositoryObject), ("sender", sender)]))
        }
    }
}
