import Crypto
import Foundation
import GaaraAPI
import GaaraEngine

/// The forges whose webhooks the server takes.
public enum WebhookProvider: String, Sendable, CaseIterable {
    case github, gitea, forgejo, gitlab
}

/// What a webhook delivery asks for, normalised over forges.
struct WebhookDelivery: Sendable {
    enum Kind: Sendable {
        case push([RefUpdate])
        case pullRequest(PullRequestEvent)
        /// A ping or an event the server does not act on (its name).
        case ignored(String)
    }

    let kind: Kind
    /// `owner/name` on the forge.
    let repository: String
    /// Where to fetch the code from.
    let cloneURL: String?
    /// Who caused it.
    let actor: String
}

/// A delivery that is not what it claims to be.
struct WebhookError: Error, Sendable {
    let status: Int
    let message: String
}

/// Signature checks and payload parsing for GitHub, Gitea/Forgejo and GitLab webhooks.
enum Webhooks {
    /// The secret among `secrets` the delivery is signed with (HMAC-SHA256 for GitHub, Gitea and
    /// Forgejo; the shared token for GitLab), compared in constant time; nil when none matches.
    static func matchingSecret(_ provider: WebhookProvider, headers: (String) -> String?, body: Data, secrets: [String]) -> String? {
        switch provider {
        case .gitlab:
            guard let token = headers("x-gitlab-token") else { return nil }
            return secrets.first { constantTimeEqual(Data($0.utf8), Data(token.utf8)) }
        case .github, .gitea, .forgejo:
            let header: String?
            switch provider {
            case .github: header = headers("x-hub-signature-256").flatMap { $0.hasPrefix("sha256=") ? String($0.dropFirst(7)) : nil }
            case .gitea: header = headers("x-gitea-signature") ?? headers("x-hub-signature-256").map { String($0.dropFirst(7)) }
            default: header = headers("x-forgejo-signature") ?? headers("x-gitea-signature")
            }
            guard let header, let signature = hexBytes(header), signature.count == 32 else { return nil }
            return secrets.first { secret in
                HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
            }
        }
    }

    /// Whether the request carries the provider's signature header (checked before its body is read).
    static func hasSignature(_ provider: WebhookProvider, headers: (String) -> String?) -> Bool {
        let names: [String]
        switch provider {
        case .github: names = ["x-hub-signature-256"]
        case .gitea: names = ["x-gitea-signature", "x-hub-signature-256"]
        case .forgejo: names = ["x-forgejo-signature", "x-gitea-signature"]
        case .gitlab: names = ["x-gitlab-token"]
        }
        return names.contains { !(headers($0) ?? "").isEmpty }
    }

    /// The body's digest as a delivery id: a signed body sent again is a replay whatever its headers say.
    static func bodyDigestID(_ provider: WebhookProvider, body: Data) -> String {
        provider.rawValue + ":body:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    /// The delivery id for replay detection (the forge's delivery header, else a hash of the body).
    static func deliveryID(_ provider: WebhookProvider, headers: (String) -> String?, body: Data) -> String {
        let header =
            switch provider {
            case .github: headers("x-github-delivery")
            case .gitea: headers("x-gitea-delivery")
            case .forgejo: headers("x-forgejo-delivery") ?? headers("x-gitea-delivery")
            case .gitlab: headers("x-gitlab-event-uuid") ?? headers("x-gitlab-webhook-uuid")
            }
        if let header, !header.isEmpty { return provider.rawValue + ":" + header }
        return provider.rawValue + ":sha256:" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses a verified delivery and checks every name in it that reaches a git command line.
    static func parse(_ provider: WebhookProvider, headers: (String) -> String?, body: Data) throws(WebhookError) -> WebhookDelivery {
        let delivery = try parseFields(provider, headers: headers, body: body)
        try checkNames(delivery)
        return delivery
    }

    /// Refuses a delivery whose commits, refs or clone URLs are not what they claim to be (a sha
    /// of `--output=/tmp/x`, a clone URL of `--upload-pack=...`): signed or not, a payload is input.
    static func checkNames(_ delivery: WebhookDelivery) throws(WebhookError) {
        if let url = delivery.cloneURL, !GitNames.isCloneURL(url) {
            throw WebhookError(status: 400, message: "the repository's clone URL is not a URL git may fetch from")
        }
        switch delivery.kind {
        case .ignored: return
        case .push(let updates):
            for update in updates {
                guard GitNames.isObjectName(update.before), GitNames.isObjectName(update.after) else {
                    throw WebhookError(status: 400, message: "before and after must be full commit shas (40 or 64 hex digits)")
                }
                guard update.ref.hasPrefix("refs/"), GitNames.isRefName(update.ref) else {
                    throw WebhookError(status: 400, message: "ref is not a valid git ref name")
                }
            }
        case .pullRequest(let pull):
            guard GitNames.isObjectName(pull.headSHA), pull.baseSHA.map(GitNames.isObjectName) ?? true else {
                throw WebhookError(status: 400, message: "the pull request's head and base shas must be full commit shas (40 or 64 hex digits)")
            }
            guard GitNames.isRefName(pull.headRef), GitNames.isRefName(pull.baseRef) else {
                throw WebhookError(status: 400, message: "the pull request's head and base refs must be valid git ref names")
            }
            if let url = pull.headCloneURL, !GitNames.isCloneURL(url) {
                throw WebhookError(status: 400, message: "the pull request head's clone URL is not a URL git may fetch from")
            }
        }
    }

    private static func parseFields(
        _ provider: WebhookProvider, headers: (String) -> String?, body: Data
    ) throws(WebhookError) -> WebhookDelivery {
        switch provider {
        case .gitlab:
            guard let event = headers("x-gitlab-event") else { throw WebhookError(status: 400, message: "missing X-Gitlab-Event header") }
            return try parseGitLab(event, decode(GitLabPayload.self, body))
        case .github, .gitea, .forgejo:
            let name = provider == .github ? "x-github-event" : provider == .gitea ? "x-gitea-event" : "x-forgejo-event"
            guard let event = headers(name) ?? headers("x-gitea-event") ?? headers("x-github-event") else {
                throw WebhookError(status: 400, message: "missing \(name) header")
            }
            return try parseGitHubLike(event, decode(GitHubLikePayload.self, body))
        }
    }

    /// Decodes the fields the server reads; a body that is not a JSON object, or has one of those
    /// fields with another type, is a 400 that names the field.
    private static func decode<Payload: Decodable>(_ type: Payload.Type, _ body: Data) throws(WebhookError) -> Payload {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: body)
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw WebhookError(status: 400, message: "the payload's \(field) has the wrong type")
        } catch {
            throw WebhookError(status: 400, message: "the body is not a JSON object")
        }
    }

    private static func parseGitHubLike(_ event: String, _ json: GitHubLikePayload) throws(WebhookError) -> WebhookDelivery {
        guard let fullName = json.repository?.fullName else { throw WebhookError(status: 400, message: "missing repository.full_name") }
        let cloneURL = json.repository?.cloneUrl
        switch event {
        case "push":
            guard let ref = json.ref, let before = json.before, let after = json.after else {
                throw WebhookError(status: 400, message: "a push needs ref, before and after")
            }
            let actor = json.pusher?.name ?? json.pusher?.login ?? json.sender?.login ?? "webhook"
            return WebhookDelivery(
                kind: .push([RefUpdate(before: before, after: after, ref: ref)]), repository: fullName, cloneURL: cloneURL, actor: actor)
        case "pull_request":
            guard let action = json.action, let pull = json.pullRequest, let number = json.number ?? pull.number,
                let head = pull.head, let base = pull.base, let headRef = head.ref, let headSHA = head.sha, let baseRef = base.ref
            else { throw WebhookError(status: 400, message: "a pull_request needs action, number, head.ref, head.sha and base.ref") }
            let normalised = action == "synchronized" ? "synchronize" : action
            let pullEvent = PullRequestEvent(
                action: normalised, number: number, title: pull.title ?? "", headRef: headRef, headSHA: headSHA, baseRef: baseRef,
                baseSHA: base.sha, headCloneURL: head.repo?.cloneUrl, merged: pull.merged ?? false)
            let actor = json.sender?.login ?? "webhook"
            return WebhookDelivery(kind: .pullRequest(pullEvent), repository: fullName, cloneURL: cloneURL, actor: actor)
        default:
            return WebhookDelivery(kind: .ignored(event), repository: fullName, cloneURL: cloneURL, actor: "webhook")
        }
    }

    private static func parseGitLab(_ event: String, _ json: GitLabPayload) throws(WebhookError) -> WebhookDelivery {
        guard let fullName = json.project?.pathWithNamespace else {
            throw WebhookError(status: 400, message: "missing project.path_with_namespace")
        }
        let cloneURL = json.project?.gitHttpUrl ?? json.project?.httpUrl
        switch event {
        case "Push Hook", "Tag Push Hook":
            guard let ref = json.ref, let before = json.before, let after = json.after else {
                throw WebhookError(status: 400, message: "a push needs ref, before and after")
            }
            let actor = json.userUsername ?? json.userName ?? "webhook"
            return WebhookDelivery(
                kind: .push([RefUpdate(before: before, after: after, ref: ref)]), repository: fullName, cloneURL: cloneURL, actor: actor)
        case "Merge Request Hook":
            guard let attributes = json.objectAttributes, let number = attributes.iid, let source = attributes.sourceBranch,
                let target = attributes.targetBranch, let sha = attributes.lastCommit?.id
            else { throw WebhookError(status: 400, message: "a merge request needs iid, source_branch, target_branch and last_commit.id") }
            let action: String
            switch attributes.action ?? "" {
            case "open": action = "opened"
            case "reopen": action = "reopened"
            case "close", "merge": action = "closed"
            case "update": action = attributes.oldrev != nil ? "synchronize" : "edited"
            case let other: action = other
            }
            let pull = PullRequestEvent(
                action: action, number: number, title: attributes.title ?? "", headRef: source, headSHA: sha, baseRef: target, baseSHA: nil,
                headCloneURL: attributes.source?.gitHttpUrl, merged: attributes.action == "merge")
            let actor = json.user?.username ?? "webhook"
            return WebhookDelivery(kind: .pullRequest(pull), repository: fullName, cloneURL: cloneURL, actor: actor)
        default:
            return WebhookDelivery(kind: .ignored(event), repository: fullName, cloneURL: cloneURL, actor: "webhook")
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = hexValue(utf8[index]), let low = hexValue(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x61 + 10
        case 0x41...0x46: byte - 0x41 + 10
        default: nil
        }
    }

    /// Compares two byte strings in time that depends only on their lengths' hashes (both are hashed first).
    static func constantTimeEqual(_ left: Data, _ right: Data) -> Bool {
        let a = Array(SHA256.hash(data: left))
        let b = Array(SHA256.hash(data: right))
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
