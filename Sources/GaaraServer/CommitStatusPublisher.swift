import Foundation
import GaaraEvents
import GaaraHTTP

/// Posts commit statuses to a GitHub-compatible status API (`POST {base}/repos/{owner}/{repo}/statuses/{sha}`)
/// when one is configured: a consumer of the lifecycle event stream. The bus hands it statuses one
/// at a time in the order they were set, and each is delivered (with retries) before the next, so
/// the forge sees them in order; a receiver that is slow or down delays only this queue, never a run.
struct CommitStatusPublisher: EventConsumer {
    /// `https://api.github.com`, a Gitea `/api/v1`, ...; nil disables posting.
    let baseURL: String?
    /// The bearer token.
    let token: String?
    let deliverer: Deliverer

    var name: String { "commit-status" }

    func wants(_ event: LifecycleEvent) -> Bool {
        guard baseURL != nil, token != nil, case .commitStatus(let change) = event.kind else { return false }
        return change.upstream != nil
    }

    func consume(_ event: LifecycleEvent) async {
        guard case .commitStatus(let change) = event.kind, let request = request(for: change) else { return }
        _ = await deliverer.deliver(request, kind: name, summary: "\(change.context) \(change.state) on \(change.sha.prefix(12))")
    }

    /// The status API request for `change` (nil: not configured, or no upstream).
    func request(for change: CommitStatusChange) -> OutboundRequest? {
        guard let baseURL, let token, let upstream = change.upstream else { return nil }
        let body = StatusBody(
            state: change.state, context: change.context, description: String(change.description.prefix(140)), targetUrl: change.targetURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return OutboundRequest(
            method: "POST", url: baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/repos/\(upstream)/statuses/\(change.sha)",
            headers: [
                ("Authorization", "Bearer " + token), ("Content-Type", "application/json"), ("Accept", "application/vnd.github+json"),
                ("User-Agent", "gaara"),
            ],
            body: try? encoder.encode(body), timeout: 10)
    }

    /// The body GitHub's status API takes.
    private struct StatusBody: Encodable {
        let state: String
        let context: String
        let description: String
        let targetUrl: String
    }
}
