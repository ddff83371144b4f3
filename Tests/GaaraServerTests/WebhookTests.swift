import Crypto
import Foundation
import GaaraAPI
import Testing

@testable import GaaraServer

/// Signature checks and payload parsing of the three webhook dialects.
struct WebhookTests {
    static func sign(_ body: Data, _ secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    @Test func githubSignaturesAreCheckedAgainstEverySecret() {
        let body = Data(#"{"zen":"hi"}"#.utf8)
        let good = "sha256=" + Self.sign(body, "two")
        let headers = { (name: String) -> String? in name == "x-hub-signature-256" ? good : nil }
        #expect(Webhooks.matchingSecret(.github, headers: headers, body: body, secrets: ["one", "two"]) == "two")
        #expect(Webhooks.matchingSecret(.github, headers: headers, body: body, secrets: ["one"]) == nil)
        // One byte of the body changed, the signature no longer matches.
        #expect(Webhooks.matchingSecret(.github, headers: headers, body: Data(#"{"zen":"ho"}"#.utf8), secrets: ["two"]) == nil)
        // Without the sha256= prefix, or not hex, or missing: rejected.
        for header in [Self.sign(body, "two"), "sha256=zz", "sha256=", ""] {
            #expect(Webhooks.matchingSecret(.github, headers: { _ in header }, body: body, secrets: ["two"]) == nil, "\(header)")
        }
        #expect(Webhooks.matchingSecret(.github, headers: { _ in nil }, body: body, secrets: ["two"]) == nil)
    }

    @Test func giteaSignsWithoutPrefixAndGitLabSendsTheToken() {
        let body = Data("{}".utf8)
        let gitea = Self.sign(body, "s")
        #expect(Webhooks.matchingSecret(.gitea, headers: { $0 == "x-gitea-signature" ? gitea : nil }, body: body, secrets: ["s"]) == "s")
        #expect(Webhooks.matchingSecret(.forgejo, headers: { $0 == "x-forgejo-signature" ? gitea : nil }, body: body, secrets: ["s"]) == "s")
        #expect(Webhooks.matchingSecret(.gitlab, headers: { $0 == "x-gitlab-token" ? "s" : nil }, body: body, secrets: ["x", "s"]) == "s")
        #expect(Webhooks.matchingSecret(.gitlab, headers: { $0 == "x-gitlab-token" ? "S" : nil }, body: body, secrets: ["s"]) == nil)
    }

    @Test func deliveryIDsComeFromHeadersOrTheBody() {
        let body = Data("{}".utf8)
        #expect(Webhooks.deliveryID(.github, headers: { $0 == "x-github-delivery" ? "abc" : nil }, body: body) == "github:abc")
        let hashed = Webhooks.deliveryID(.gitlab, headers: { _ in nil }, body: body)
        #expect(hashed.hasPrefix("gitlab:sha256:"))
        #expect(hashed == Webhooks.deliveryID(.gitlab, headers: { _ in nil }, body: body))
        #expect(hashed != Webhooks.deliveryID(.gitlab, headers: { _ in nil }, body: Data("[]".utf8)))
    }

    @Test func pushesAndPullRequestsAreNormalised() throws {
        let push = Data(
            #"{"ref":"refs/tags/v1.0","before":"0000000000000000000000000000000000000000","after":"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd","repository":{"full_name":"o/r","clone_url":"/tmp/r"},"pusher":{"name":"me"}}"#
                .utf8)
        let delivery = try Webhooks.parse(.github, headers: { $0 == "x-github-event" ? "push" : nil }, body: push)
        guard case .push(let updates) = delivery.kind else {
            Issue.record("not a push")
            return
        }
        #expect(
            updates == [
                RefUpdate(
                    before: "0000000000000000000000000000000000000000", after: "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", ref: "refs/tags/v1.0")
            ])
        #expect(delivery.repository == "o/r" && delivery.cloneURL == "/tmp/r" && delivery.actor == "me")

        let pull = Data(
            #"{"action":"synchronized","number":3,"pull_request":{"title":"t","head":{"ref":"f","sha":"1111111111111111111111111111111111111111"},"base":{"ref":"main","sha":"2222222222222222222222222222222222222222"}},"repository":{"full_name":"o/r"}}"#
                .utf8)
        let gitea = try Webhooks.parse(.gitea, headers: { $0 == "x-gitea-event" ? "pull_request" : nil }, body: pull)
        guard case .pullRequest(let event) = gitea.kind else {
            Issue.record("not a pull request")
            return
        }
        #expect(
            event.action == "synchronize" && event.number == 3 && event.headSHA == "1111111111111111111111111111111111111111"
                && event.baseRef == "main")

        let merge = Data(
            #"{"object_kind":"merge_request","user":{"username":"u"},"project":{"path_with_namespace":"g/p","git_http_url":"/tmp/p"},"object_attributes":{"iid":9,"action":"update","oldrev":"x","source_branch":"f","target_branch":"main","last_commit":{"id":"3333333333333333333333333333333333333333"},"title":"m"}}"#
                .utf8)
        let gitlab = try Webhooks.parse(.gitlab, headers: { $0 == "x-gitlab-event" ? "Merge Request Hook" : nil }, body: merge)
        guard case .pullRequest(let request) = gitlab.kind else {
            Issue.record("not a merge request")
            return
        }
        #expect(
            request.action == "synchronize" && request.number == 9 && request.headSHA == "3333333333333333333333333333333333333333"
                && gitlab.actor == "u")
    }

    @Test func malformedPayloadsAreBadRequests() {
        let cases: [(String, String)] = [
            ("not json", "push"), ("[1,2]", "push"), (#"{"ref":"refs/heads/x"}"#, "push"), (#"{"repository":{"full_name":"o/r"},"ref":1}"#, "push"),
            (#"{"repository":{"full_name":"o/r"},"action":"opened"}"#, "pull_request"),
        ]
        for (body, event) in cases {
            #expect(throws: WebhookError.self, "\(body)") {
                try Webhooks.parse(.github, headers: { $0 == "x-github-event" ? event : nil }, body: Data(body.utf8))
            }
        }
        #expect(throws: WebhookError.self) { try Webhooks.parse(.gitlab, headers: { _ in nil }, body: Data("{}".utf8)) }
    }
}
