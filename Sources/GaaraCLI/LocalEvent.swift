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
                throw CLIFailure(message: "\(payloadFile.path): cannot read the event payload", exitCode: 2)
            }
            let payload: ExpressionValue
            do {
                payload = try ExpressionJSON.parse(text)
            } catch {
                throw CLIFailure(message: "\(payloadFile.path): the event payload is not JSON: \(error.message)", exitCode: 2)
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
        let sender: ExpressionValue = .object([("login", .string(repository.actor)), ("type", .string("User"))])
        switch name {
        case "push":
            let payload: ExpressionValue = .object([
                ("ref", .string(branchRef)), ("before", .string(repository.parent ?? LocalRepository.zeroSHA)), ("after", .string(repository.sha)),
                ("created", .bool(false)), ("deleted", .bool(false)), ("forced", .bool(false)), ("base_ref", .null),
                ("compare", .string("")), ("commits", .array([repository.commitObject])), ("head_commit", repository.commitObject),
                ("pusher", .object([("name", .string(repository.actor)), ("email", .string(repository.email))])),
                ("repository", repository.repositoryObject), ("sender", sender),
            ])
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
