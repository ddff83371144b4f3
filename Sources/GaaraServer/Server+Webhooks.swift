import Foundation
import GaaraAPI
import GaaraEngine
import GaaraStore
import HTTPTypes
import Hummingbird

extension CIServer {
    /// `POST /webhooks/{provider}`: the signature is checked against the configured secrets before
    /// the body is parsed; then replays are dropped, the repository is fetched from its clone URL,
    /// and the matching workflows start.
    func registerWebhooks(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        route(
            router, registry, .post, "/webhooks/{provider}", .signature,
            "A GitHub, Gitea, Forgejo or GitLab webhook (push, pull_request / merge request, tag)", body: "binary", response: "Triggered"
        ) { [self] request, context, _ in
            let name = Reply.parameter(context, "provider")
            guard let provider = WebhookProvider(rawValue: name) else {
                throw HTTPError(.notFound, message: "unknown webhook provider '\(name)' (github, gitea, forgejo, gitlab)")
            }
            var request = request
            let headers = { (name: String) -> String? in
                HTTPField.Name(name).flatMap { request.headers[$0] }
            }
            // Nothing is read of a request that cannot be a delivery: no signature header, or a
            // declared size over the limit. Bodies are read a few at a time.
            guard Webhooks.hasSignature(provider, headers: headers) else {
                throw HTTPError(.unauthorized, message: "the webhook signature is missing")
            }
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > configuration.maxBodyBytes {
                throw HTTPError(.contentTooLarge, message: "the webhook body is larger than \(configuration.maxBodyBytes) bytes")
            }
            let repositories = try await store.repositories()
            let webhookSecrets = repositories.compactMap { $0.webhookSecret.flatMap { try? secrets.openText($0) } }
            if provider == .gitlab, Webhooks.matchingSecret(provider, headers: headers, body: Data(), secrets: webhookSecrets) == nil {
                throw HTTPError(.unauthorized, message: "the webhook token does not match any repository's secret")
            }
            await webhookBodies.acquire()
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            } catch {
                await webhookBodies.release()
                throw HTTPError(.contentTooLarge, message: "the webhook body is larger than \(configuration.maxBodyBytes) bytes")
            }
            await webhookBodies.release()
            let body = Data(buffer.readableBytesView)
            guard let secret = Webhooks.matchingSecret(provider, headers: headers, body: body, secrets: webhookSecrets) else {
                throw HTTPError(.unauthorized, message: "the webhook signature is missing or does not match any repository's secret")
            }
            let delivery: WebhookDelivery
            do {
                delivery = try Webhooks.parse(provider, headers: headers, body: body)
            } catch let error as WebhookError {
                throw HTTPError(.init(code: error.status), message: error.message)
            }
            guard
                let repository = repositories.first(where: {
                    $0.webhookSecret.flatMap { try? secrets.openText($0) } == secret
                        && (($0.upstream ?? $0.name) == delivery.repository || $0.name == delivery.repository)
                })
            else {
                throw HTTPError(.notFound, message: "no repository follows '\(delivery.repository)' with this secret")
            }
            let ids = [Webhooks.deliveryID(provider, headers: headers, body: body), Webhooks.bodyDigestID(provider, body: body)]
            guard try await store.recordDelivery(ids) else {
                return try Reply.json(TriggeredJSON(runs: [], message: "duplicate delivery: already handled"))
            }
            let runs: [RunRecord]
            switch delivery.kind {
            case .ignored(let event):
                return try Reply.json(TriggeredJSON(runs: [], message: "event '\(event)' starts nothing"))
            case .push(let updates):
                try await fetch(repository, delivery, extra: [])
                runs = try await triggering { try await triggers.push(repository, updates: updates, actor: delivery.actor) }
            case .pullRequest(let pull):
                guard ["opened", "synchronize", "reopened", "closed"].contains(pull.action) else {
                    return try Reply.json(TriggeredJSON(runs: [], message: "pull request activity '\(pull.action)' starts nothing"))
                }
                try await fetch(repository, delivery, extra: [])
                let bare = URL(fileURLWithPath: repository.path)
                if await git.resolve(bare, pull.headSHA) == nil, let head = pull.headCloneURL, GitNames.isCloneURL(head) {
                    _ = try? await git.git(
                        [
                            "fetch", "--quiet", "--no-write-fetch-head", "--end-of-options", head,
                            "+refs/heads/\(pull.headRef):refs/gaara/pull/\(pull.number)",
                        ], in: bare)
                }
                guard await git.resolve(bare, pull.headSHA) != nil else {
                    throw HTTPError(.unprocessableContent, message: "commit \(pull.headSHA) could not be fetched")
                }
                runs = try await triggering { try await triggers.pullRequest(repository, pull, actor: delivery.actor) }
            }
            await startAll(runs)
            return try Reply.json(TriggeredJSON(runs: runs.map { RunJSON($0, repository: repository.name) }))
        }
    }

    private func fetch(_ repository: RepositoryRecord, _ delivery: WebhookDelivery, extra: [String]) async throws {
        guard let url = repository.cloneURL ?? delivery.cloneURL else { return }
        do {
            try await git.fetch(URL(fileURLWithPath: repository.path), from: url, extraRefspecs: extra)
        } catch {
            throw HTTPError(.badGateway, message: "cannot fetch \(url): \(error)")
        }
    }
}
