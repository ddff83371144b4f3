import Foundation
import GaaraStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts commit statuses to a GitHub-compatible status API (`POST {base}/repos/{owner}/{repo}/statuses/{sha}`),
/// when one is configured; failures are logged, never fatal.
struct StatusPublisher: Sendable {
    /// `https://api.github.com`, a Gitea `/api/v1`, ...; nil disables posting.
    let baseURL: String?
    /// The bearer token.
    let token: String?

    func publish(_ status: CommitStatusRecord, repository: RepositoryRecord, targetURL: String) {
        guard let baseURL, let token, let upstream = repository.upstream,
            let url = URL(string: baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/repos/\(upstream)/statuses/\(status.sha)")
        else { return }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        let body: [String: String] = [
            "state": status.state, "context": status.context, "description": String(status.description.prefix(140)), "target_url": targetURL,
        ]
        request.httpBody = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            let code = (response as? HTTPURLResponse)?.statusCode ?? 0
            if error != nil || !(200..<300).contains(code) {
                let reason = error.map { String(describing: $0) } ?? "HTTP \(code)"
                FileHandle.standardError.write(Data("gaara serve: posting status \(status.context) to \(url): \(reason)\n".utf8))
            }
        }
        task.resume()
    }
}
