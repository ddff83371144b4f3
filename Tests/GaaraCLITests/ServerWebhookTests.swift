import Crypto
import Foundation
import Testing

/// Webhooks from GitHub, Gitea and GitLab (payloads adapted from their documentation, in
/// Fixtures/webhooks) against a real server following a real repository by its clone URL: valid
/// signatures start runs; forged, missing, malformed, oversized and replayed deliveries start nothing.
@Suite(.serialized)
struct ServerWebhookTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/webhooks")
    static let secret = "webhook-secret-\(UUID().uuidString)"
    static let workflow = """
        name: Hooked
        on:
          push:
            branches: [main]
            tags: ['v*']
          pull_request:
            types: [opened, synchronize, reopened, closed]
        jobs:
          show:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: echo "event=$GITHUB_EVENT_NAME ref=$GITHUB_REF sha=$GITHUB_SHA action=${{ github.event.action }}" && cat README
        """

    struct Context {
        let server: ServerProcess
        let source: PushSource
        let base: String
        let head: String
    }

    static func setUp(_ directory: TemporaryDirectory) async throws -> Context {
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        let source = try await PushSource(
            at: directory.url.appendingPathComponent("upstream"), files: [".github/workflows/hooked.yml": workflow, "README": "main\n"])
        let base = try await source.head()
        try await source.git("checkout -q -b feature")
        try await source.commit(["README": "feature\n"], message: "feature work")
        let head = try await source.head()
        try await source.git("checkout -q main && git tag v2.0 \(head)")
        for (name, upstream) in [("gh", "octo/app"), ("gt", "gitea-org/app"), ("gl", "group/app")] {
            let add = try await server.cli([
                "repo", "add", name, "--upstream", upstream, "--clone-url", source.url.path, "--webhook-secret", secret,
            ])
            #expect(add.status == 0, "\(add.stdout)\(add.stderr)")
        }
        return Context(server: server, source: source, base: base, head: head)
    }

    static func payload(_ name: String, fullName: String, context: Context, ref: String = "refs/heads/main") throws -> Data {
        var text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        let values = [
            "{{FULL_NAME}}": fullName, "{{CLONE_URL}}": context.source.url.path, "{{BEFORE}}": String(repeating: "0", count: 40),
            "{{AFTER}}": context.base, "{{REF}}": ref, "{{HEAD_SHA}}": context.head, "{{HEAD_REF}}": "feature", "{{BASE_SHA}}": context.base,
        ]
        for (placeholder, value) in values { text = text.replacingOccurrences(of: placeholder, with: value) }
        return Data(text.utf8)
    }

    static func hmac(_ body: Data, _ key: String = secret) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    /// Headers a forge would send: event name, delivery id and signature.
    static func headers(_ provider: String, event: String, body: Data, delivery: String = UUID().uuidString, key: String = secret) -> [String: String]
    {
        switch provider {
        case "github":
            return ["X-GitHub-Event": event, "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": "sha256=" + hmac(body, key)]
        case "gitea":
            return ["X-Gitea-Event": event, "X-Gitea-Delivery": delivery, "X-Gitea-Signature": hmac(body, key)]
        default:
            return ["X-Gitlab-Event": event, "X-Gitlab-Event-UUID": delivery, "X-Gitlab-Token": key]
        }
    }

    static func deliver(_ context: Context, _ provider: String, event: String, body: Data, headers: [String: String]? = nil) async throws -> (
        Int, [String: Any]
    ) {
        let (status, data) = try await context.server.request(
            "POST", "/webhooks/\(provider)", body: body,
            headers: (headers ?? Self.headers(provider, event: event, body: body)).merging(["Content-Type": "application/json"]) { $1 })
        return (status, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? ["raw": String(decoding: data, as: UTF8.self)])
    }

    static func runIDs(_ response: [String: Any]) -> [Int] {
        (response["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test func validDeliveriesOfEveryForgeStartRuns() async throws {
        let directory = try TemporaryDirectory()
        let context = try await Self.setUp(directory)
        let server = context.server
        let cases: [(provider: String, event: String, file: String, repo: String, ref: String, expect: String)] = [
            ("github", "push", "github-push.json", "octo/app", "refs/heads/main", "event=push ref=refs/heads/main sha=\(context.base)"),
            (
                "github", "pull_request", "github-pull_request-opened.json", "octo/app", "",
                "event=pull_request ref=refs/pull/7/merge sha=\(context.head) action=opened"
            ),
            ("github", "pull_request", "github-pull_request-synchronize.json", "octo/app", "", "action=synchronize"),
            ("github", "pull_request", "github-pull_request-closed.json", "octo/app", "", "action=closed"),
            ("gitea", "push", "gitea-push.json", "gitea-org/app", "refs/heads/main", "event=push ref=refs/heads/main"),
            ("gitea", "pull_request", "gitea-pull_request-synchronized.json", "gitea-org/app", "", "action=synchronize"),
            ("gitlab", "Push Hook", "gitlab-push.json", "group/app", "refs/heads/main", "event=push ref=refs/heads/main"),
            ("gitlab", "Tag Push Hook", "gitlab-tag_push.json", "group/app", "refs/tags/v2.0", "event=push ref=refs/tags/v2.0 sha=\(context.head)"),
            ("gitlab", "Merge Request Hook", "gitlab-merge_request-open.json", "group/app", "", "action=opened"),
            ("gitlab", "Merge Request Hook", "gitlab-merge_request-update.json", "group/app", "", "action=synchronize"),
        ]
        for item in cases {
            var body = try Self.payload(item.file, fullName: item.repo, context: context, ref: item.ref.isEmpty ? "refs/heads/main" : item.ref)
            if item.file == "gitlab-tag_push.json" {
                body = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: context.base, with: context.head).utf8)
            }
            let (status, response) = try await Self.deliver(context, item.provider, event: item.event, body: body)
            #expect(status == 200, "\(item.file): \(status) \(response)")
            let ids = Self.runIDs(response)
            #expect(ids.count == 1, "\(item.file): \(response)")
            guard let id = ids.first else { continue }
            let detail = try await server.waitForRun(id)
            #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(item.file): \(detail)")
            let log = try await server.request("GET", "/api/runs/\(id)/logs", token: server.adminToken)
            #expect(String(decoding: log.body, as: UTF8.self).contains(item.expect), "\(item.file): \(String(decoding: log.body, as: UTF8.self))")
        }
        // A ping is answered and starts nothing.
        let ping = try Self.payload("github-ping.json", fullName: "octo/app", context: context)
        let (status, response) = try await Self.deliver(context, "github", event: "ping", body: ping)
        #expect(status == 200 && Self.runIDs(response).isEmpty, "\(response)")
        await server.stop()
    }

    @Test func forgedMalformedOversizedAndReplayedDeliveriesStartNothing() async throws {
        let directory = try TemporaryDirectory()
        let context = try await Self.setUp(directory)
        let server = context.server
        let body = try Self.payload("github-push.json", fullName: "octo/app", context: context)
        let gitea = try Self.payload("gitea-push.json", fullName: "gitea-org/app", context: context)
        let gitlab = try Self.payload("gitlab-push.json", fullName: "group/app", context: context)
        var tampered = body
        tampered[tampered.count / 2] ^= 0x01
        let forged: [(String, String, Data, [String: String])] = [
            ("github", "wrong key", body, Self.headers("github", event: "push", body: body, key: "not-the-secret")),
            ("github", "no signature", body, ["X-GitHub-Event": "push", "X-GitHub-Delivery": "x1"]),
            ("github", "signature without prefix", body, ["X-GitHub-Event": "push", "X-Hub-Signature-256": Self.hmac(body)]),
            ("github", "body changed after signing", tampered, Self.headers("github", event: "push", body: body)),
            ("github", "sha1 signature header only", body, ["X-GitHub-Event": "push", "X-Hub-Signature": "sha1=" + Self.hmac(body)]),
            ("gitea", "wrong key", gitea, Self.headers("gitea", event: "push", body: gitea, key: "nope")),
            ("gitlab", "wrong token", gitlab, Self.headers("gitlab", event: "Push Hook", body: gitlab, key: "nope")),
            ("gitlab", "no token", gitlab, ["X-Gitlab-Event": "Push Hook"]),
        ]
        for (provider, label, payload, headers) in forged {
            let (status, response) = try await Self.deliver(context, provider, event: "", body: payload, headers: headers)
            #expect(status == 401, "\(provider) \(label): \(status) \(response)")
        }
        // Signed but malformed: 400 with the reason.
        let malformed: [(String, Data, String)] = [
            ("not JSON", Data("{not json".utf8), "push"),
            ("a push without after", Data(#"{"ref":"refs/heads/main","before":"0","repository":{"full_name":"octo/app"}}"#.utf8), "push"),
            ("no repository", Data(#"{"ref":"refs/heads/main","before":"0","after":"1"}"#.utf8), "push"),
            (
                "a pull request without head", Data(#"{"action":"opened","number":1,"pull_request":{},"repository":{"full_name":"octo/app"}}"#.utf8),
                "pull_request"
            ),
            (
                "a pull request number that is text",
                Data(#"{"action":"opened","number":"one","pull_request":{},"repository":{"full_name":"octo/app"}}"#.utf8), "pull_request"
            ),
        ]
        for (label, payload, event) in malformed {
            let (status, response) = try await Self.deliver(context, "github", event: event, body: payload)
            #expect(status == 400, "\(label): \(status) \(response)")
            #expect(((response["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false, "\(label): \(response)")
            if label.hasSuffix("is text") {
                #expect(((response["error"] as? [String: Any])?["message"] as? String)?.contains("number") == true, "\(response)")
            }
        }
        // Missing event header, unknown provider, unknown repository.
        let (noEvent, _) = try await Self.deliver(
            context, "github", event: "", body: body, headers: ["X-Hub-Signature-256": "sha256=" + Self.hmac(body)])
        #expect(noEvent == 400)
        let (unknownProvider, _) = try await Self.deliver(context, "bitbucket", event: "push", body: body, headers: [:])
        #expect(unknownProvider == 404)
        let stranger = try Self.payload("github-push.json", fullName: "someone/else", context: context)
        let (unknownRepository, _) = try await Self.deliver(context, "github", event: "push", body: stranger)
        #expect(unknownRepository == 404)
        // Oversized: refused before anything is read.
        let huge = Data(repeating: 0x20, count: 26 * 1024 * 1024)
        let (tooLarge, _) = try await Self.deliver(context, "github", event: "push", body: huge)
        #expect(tooLarge == 413)
        #expect(try await server.runs().isEmpty, "a refused delivery started a run")

        // A replay of a valid delivery (same delivery id) starts nothing the second time.
        let headers = Self.headers("github", event: "push", body: body, delivery: "replayed-delivery")
        let (first, started) = try await Self.deliver(context, "github", event: "push", body: body, headers: headers)
        let (second, replay) = try await Self.deliver(context, "github", event: "push", body: body, headers: headers)
        #expect(first == 200 && Self.runIDs(started).count == 1)
        #expect(second == 200 && Self.runIDs(replay).isEmpty && (replay["message"] as? String ?? "").contains("duplicate"), "\(replay)")
        // GitLab without a delivery id: the same body twice is a replay too.
        let noID = ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": Self.secret]
        let (_, gitlabFirst) = try await Self.deliver(context, "gitlab", event: "", body: gitlab, headers: noID)
        let (_, gitlabSecond) = try await Self.deliver(context, "gitlab", event: "", body: gitlab, headers: noID)
        #expect(Self.runIDs(gitlabFirst).count == 1 && Self.runIDs(gitlabSecond).isEmpty)
        #expect(try await server.runs().count == 2)
        for run in try await server.runs() { _ = try await server.waitForRun(run["id"] as! Int) }
        await server.stop()
    }

    /// Sets `value` at `path` (keys) in a JSON object body.
    static func patched(_ body: Data, _ path: [String], _ value: Any) throws -> Data {
        func set(_ object: Any, _ keys: ArraySlice<String>) -> Any {
            guard var dictionary = object as? [String: Any], let key = keys.first else { return value }
            dictionary[key] = set(dictionary[key] ?? [String: Any](), keys.dropFirst())
            return dictionary
        }
        return try JSONSerialization.data(withJSONObject: set(try JSONSerialization.jsonObject(with: body), path[...]))
    }

    /// The server's peak resident memory (VmHWM), in bytes.
    static func peakMemory(_ server: ServerProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test func payloadsCannotInjectArgumentsNorBodiesExhaustMemoryNorNewDeliveryIDsReplay() async throws {
        let directory = try TemporaryDirectory()
        let context = try await Self.setUp(directory)
        let server = context.server
        // A sha that is an option (issue #21: it reached `git log -1 --format=... <after>`).
        let marker = directory.url.appendingPathComponent("injected").path
        let push = try Self.patched(try Self.payload("github-push.json", fullName: "octo/app", context: context), ["after"], "--output=\(marker)")
        let (pushStatus, pushResponse) = try await Self.deliver(context, "github", event: "push", body: push)
        #expect(pushStatus == 400, "\(pushResponse)")
        // A pull request whose head clone URL is an option (it reached `git fetch <url>`), with a
        // head commit the repository does not have, so the head would be fetched.
        var pull = try Self.payload("github-pull_request-opened.json", fullName: "octo/app", context: context)
        pull = try Self.patched(pull, ["pull_request", "head", "repo", "clone_url"], "--upload-pack=touch \(marker);:")
        pull = try Self.patched(pull, ["pull_request", "head", "sha"], String(repeating: "ab", count: 20))
        let (pullStatus, pullResponse) = try await Self.deliver(context, "github", event: "pull_request", body: pull)
        #expect(pullStatus == 400, "\(pullResponse)")
        for (label, field, value) in [
            ("ref", ["ref"], "refs/heads/a b"), ("ref", ["ref"], "-f"), ("ref", ["ref"], "refs/heads/x..y"), ("before", ["before"], "HEAD~1"),
        ] {
            let body = try Self.patched(try Self.payload("github-push.json", fullName: "octo/app", context: context), field, value)
            let (status, _) = try await Self.deliver(context, "github", event: "push", body: body)
            #expect(status == 400, "\(label) \(value): \(status)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "a payload value ran as a git option")

        // Unsigned bodies are refused before they are read: 40 unsigned 24 MB posts at once do not
        // grow the server by their size (before: 2.29 GB for 100 of them).
        let before = try Self.peakMemory(server)
        let big = Data(repeating: 0x7B, count: 24 * 1024 * 1024)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    (try? await server.request("POST", "/webhooks/github", body: big, headers: ["X-GitHub-Event": "push"]))?.status ?? 0
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let grown = try Self.peakMemory(server) - before
        // The server may close the connection while the client still sends (status 0 then).
        #expect(statuses.allSatisfy { $0 == 401 || $0 == 0 } && statuses.contains(401), "\(statuses)")
        #expect(grown < 200 * 1024 * 1024, "the server grew by \(grown / 1024 / 1024) MiB for unsigned bodies")

        // A signed body sent again with a new, or without, delivery id is still a replay.
        let body = try Self.payload("github-push.json", fullName: "octo/app", context: context)
        let (_, first) = try await Self.deliver(context, "github", event: "push", body: body)
        let (_, again) = try await Self.deliver(context, "github", event: "push", body: body)
        var headers = Self.headers("github", event: "push", body: body)
        headers["X-GitHub-Delivery"] = nil
        let (_, without) = try await Self.deliver(context, "github", event: "push", body: body, headers: headers)
        #expect(Self.runIDs(first).count == 1, "\(first)")
        #expect(Self.runIDs(again).isEmpty && Self.runIDs(without).isEmpty, "\(again) \(without)")

        // Webhook secrets are sealed in the database, which only the server's user can read.
        let database = try Data(contentsOf: server.data.appendingPathComponent("gaara.db"))
        let wal = (try? Data(contentsOf: server.data.appendingPathComponent("gaara.db-wal"))) ?? Data()
        #expect(database.range(of: Data(Self.secret.utf8)) == nil && wal.range(of: Data(Self.secret.utf8)) == nil)
        for run in try await server.runs() { _ = try await server.waitForRun(run["id"] as! Int) }
        await server.stop()
    }
}
