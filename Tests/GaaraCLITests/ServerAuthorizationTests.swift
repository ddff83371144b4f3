import Foundation
import Testing

/// Every route of the OpenAPI document called with no token and with each role: the answer must
/// follow the role each operation declares, and every documented operation must exist.
@Suite(.serialized)
struct ServerAuthorizationTests {
    static let roles = ["viewer", "developer", "approver", "admin"]

    /// The database and its write-ahead log, byte for byte.
    static func databaseBytes(_ server: ServerProcess) throws -> Data {
        var data = try Data(contentsOf: server.data.appendingPathComponent("gaara.db"))
        if let wal = try? Data(contentsOf: server.data.appendingPathComponent("gaara.db-wal")) { data.append(wal) }
        return data
    }

    @Test func everyRouteWithEveryRoleFollowsTheMatrix() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        defer { Task { await server.stop() } }
        let workflow = "name: W\non: [push, workflow_dispatch]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/w.yml": workflow])
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        try await source.git("push -q '\(server.data.path)/repos/app.git' main")
        _ = try await server.waitForRun(1)

        var tokens: [String: String] = [:]
        for role in Self.roles {
            let (status, body) = try await server.request("POST", "/api/tokens", token: server.adminToken, json: ["name": role, "role": role])
            #expect(status == 201)
            tokens[role] = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String
        }
        let (_, spec) = try await server.request("GET", "/api/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: spec) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        #expect(paths.count >= 15, "\(paths.keys.sorted())")
        let sha = try await source.head()
        var checked = 0
        var matrix: [String] = []
        for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
            for (method, value) in operations.sorted(by: { $0.key < $1.key }) {
                let operation = try #require(value as? [String: Any])
                let required = operation["x-gaara-role"] as? String
                var concrete = path.replacingOccurrences(of: "{repo}", with: "app").replacingOccurrences(of: "{id}", with: "999999")
                    .replacingOccurrences(of: "{sha}", with: sha).replacingOccurrences(of: "{name}", with: "SOME_NAME")
                    .replacingOccurrences(of: "{provider}", with: "github")
                    .replacingOccurrences(of: "{env}", with: "production")
                // A stream that lives on its own (the runs list's) is asked to end after a second.
                if path == "/api/events/runs" { concrete += "?timeout=1" }
                // Bodies that pass validation only matter for allowed callers; a harmless one for everybody.
                let body: [String: Any]? = method == "get" || method == "delete" ? nil : ["value": "x", "failed_only": false]
                var row = "\(method.uppercased()) \(path) [\(required ?? "anyone")]:"
                for caller in [nil] + Self.roles {
                    let (status, response) = try await server.request(method.uppercased(), concrete, token: caller.flatMap { tokens[$0] }, json: body)
                    let text = String(decoding: response, as: UTF8.self)
                    row += " \(caller ?? "none")=\(status)"
                    // The route exists: the router never answers "no such route" for a documented operation.
                    #expect(!text.contains("no such route") && status != 405, "\(method) \(path): \(status) \(text)")
                    switch required {
                    case "signature":
                        #expect(status == 401, "\(method) \(path) as \(caller ?? "none"): \(status) \(text)")
                    case let role?:
                        let allowed = caller.map { Self.roles.firstIndex(of: $0)! >= Self.roles.firstIndex(of: role)! } ?? false
                        if caller == nil {
                            #expect(status == 401, "\(method) \(path) without a token: \(status)")
                        } else if allowed {
                            #expect(status != 401 && status != 403, "\(method) \(path) as \(caller!): \(status) \(text)")
                        } else {
                            #expect(status == 403, "\(method) \(path) as \(caller!): \(status) \(text)")
                        }
                        if status >= 400 {
                            let message = ((try? JSONSerialization.jsonObject(with: response) as? [String: Any])?["error"] as? [String: Any])?[
                                "message"]
                            #expect(message as? String != nil, "\(method) \(path): error without a message: \(text)")
                        }
                    default:
                        #expect(status < 400, "\(method) \(path) is public: \(status)")
                    }
                    checked += 1
                }
                matrix.append(row)
            }
        }
        print("authorization matrix (\(checked) calls):\n" + matrix.joined(separator: "\n"))
        // An unknown or revoked token is refused like no token.
        let (unknown, _) = try await server.request("GET", "/api/runs", token: "gaara_" + String(repeating: "0", count: 40))
        #expect(unknown == 401)
        let list = try await server.json("/api/tokens") as? [[String: Any]] ?? []
        let viewerID = try #require(list.first { $0["name"] as? String == "viewer" }?["id"] as? Int)
        #expect(!String(describing: list).contains(tokens["viewer"]!), "a token value was listed")
        let (revoked, _) = try await server.request("DELETE", "/api/tokens/\(viewerID)", token: tokens["admin"])
        #expect(revoked == 204)
        let (after, _) = try await server.request("GET", "/api/runs", token: tokens["viewer"])
        #expect(after == 401)
        // Tokens are stored hashed: the database file does not contain any token value.
        let database = try ServerAuthorizationTests.databaseBytes(server)
        for token in tokens.values + [server.adminToken] { #expect(database.range(of: Data(token.utf8)) == nil) }
    }

    @Test func badRequestsGetAReasonAndTheRightStatus() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        defer { Task { await server.stop() } }
        let admin = server.adminToken
        let cases: [(String, String, Data?, Int, String)] = [
            ("POST", "/api/repos", Data("{".utf8), 400, "invalid JSON body"),
            ("POST", "/api/repos", Data(#"{"name":5}"#.utf8), 400, "wrong type at 'name'"),
            ("POST", "/api/repos", Data(#"{"name":"../etc"}"#.utf8), 400, "repository names"),
            ("POST", "/api/repos", Data(#"{"name":"ok","clone_url":"/no/such/repo"}"#.utf8), 422, "cannot fetch"),
            ("POST", "/api/tokens", Data(#"{"name":"x","role":"root"}"#.utf8), 400, "role must be one of"),
            ("GET", "/api/runs?per_page=1000", nil, 400, "per_page must be 1 to 100"),
            ("GET", "/api/runs?page=0", nil, 400, "page must be a positive integer"),
            ("GET", "/api/runs?status=purple", nil, 400, "status must be"),
            ("GET", "/api/runs/abc", nil, 400, "not a valid id"),
            ("GET", "/api/runs/424242", nil, 404, "no run 424242"),
            ("GET", "/api/repos/nothing", nil, 404, "no repository 'nothing'"),
            ("PUT", "/api/repos/nothing/secrets/A", Data(#"{"value":"v"}"#.utf8), 404, "no repository"),
            ("GET", "/api/no/such/route", nil, 404, "no such route"),
            ("POST", "/api/repos", Data(repeating: 0x20, count: 26 * 1024 * 1024), 413, "larger than"),
        ]
        for (method, path, body, status, reason) in cases {
            let (answer, data) = try await server.request(method, path, token: admin, body: body, headers: ["Content-Type": "application/json"])
            let text = String(decoding: data, as: UTF8.self)
            #expect(answer == status && text.contains(reason), "\(method) \(path): \(answer) \(text)")
            #expect(text.hasPrefix("{\"error\":{\"message\":"), "\(method) \(path): \(text)")
        }
        #expect(try await server.cli(["repo", "add", "dup"]).status == 0)
        let (conflict, _) = try await server.request("POST", "/api/repos", token: admin, json: ["name": "dup"])
        #expect(conflict == 409)
        // Secret names are checked; values never come back.
        let (badName, _) = try await server.request("PUT", "/api/repos/dup/secrets/GITHUB_TOKEN", token: admin, json: ["value": "v"])
        #expect(badName == 400)
        let (stored, _) = try await server.request("PUT", "/api/repos/dup/secrets/API_KEY", token: admin, json: ["value": "top-secret-value"])
        #expect(stored == 204)
        let (_, listed) = try await server.request("GET", "/api/repos/dup/secrets", token: admin)
        #expect(String(decoding: listed, as: UTF8.self).contains("API_KEY") && !String(decoding: listed, as: UTF8.self).contains("top-secret-value"))
        let database = try ServerAuthorizationTests.databaseBytes(server)
        #expect(database.range(of: Data("top-secret-value".utf8)) == nil, "a secret is stored in clear")
    }
}
