import Foundation
import Testing

/// Attack fixtures of issue #21's smaller items against a real `gaara serve`: the sign-in
/// redirect, path parameters, repository names, and secrets in names and annotations.
@Suite(.serialized) struct ServerHardeningTests {
    /// A GET that does not follow redirects (curl): the status, Location and Set-Cookie.
    static func location(_ url: String) async throws -> (status: Int, location: String?, cookie: String?) {
        let result = try await GaaraBinary.runShell("curl -s -o /dev/null -D - '\(url)'")
        var status = 0
        var location: String?
        var cookie: String?
        for line in result.stdout.split(separator: "\r\n").flatMap({ $0.split(separator: "\n") }) {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("HTTP/") { status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0 }
            if text.lowercased().hasPrefix("location:") { location = text.dropFirst(9).trimmingCharacters(in: .whitespaces) }
            if text.lowercased().hasPrefix("set-cookie:") { cookie = text.dropFirst(11).trimmingCharacters(in: .whitespaces) }
        }
        return (status, location, cookie)
    }

    @Test func signInChecksTheTokenAndRedirectsOnlyToThisServer() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        let token = server.adminToken
        // A token the server does not know gets no cookie and no redirect.
        let unknown = try await Self.location(server.url + "/login?token=gaara_0000&next=/runs")
        #expect(unknown.status == 401 && unknown.location == nil && unknown.cookie == nil, "\(unknown)")
        // Only paths of this server: nothing a browser resolves to another origin.
        // As they stand in the URL (the first is the issue's: it answered `Location: /\\evil.example/x`).
        let attempts = [
            "/%5Cevil.example/x", "//evil.example/x", "%2F%2Fevil.example", "https://evil.example/", "/%5C%5Cevil.example", "javascript:alert(1)",
            "/%09/evil.example",
        ]
        for next in attempts {
            let answer = try await Self.location(server.url + "/login?token=\(token)&next=\(next)")
            #expect(answer.status == 303 && answer.location == "/", "next=\(next): \(answer)")
        }
        let good = try await Self.location(server.url + "/login?token=\(token)&next=%2Fruns%2F1%3Fx%3D1")
        #expect(good.status == 303 && good.location == "/runs/1?x=1" && good.cookie?.contains(token) == true, "\(good)")
        await server.stop()
    }

    @Test func repositoryNamesCannotBeOptionsAndPathParametersAreDecoded() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        for name in ["-rf", "--upload-pack=x"] {
            let (status, body) = try await server.request("POST", "/api/repos", token: server.adminToken, json: ["name": name])
            #expect(status == 400, "\(name): \(String(decoding: body, as: UTF8.self))")
        }
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let workflow = """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: mkdir -p out && echo special > out/file.txt
                  - uses: actions/upload-artifact@v4
                    with: {name: "report #1 (a+b)", path: out/}
            """
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/a.yml": workflow])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        let detail = try await server.waitForRun(id)
        // When the upload did not happen, the steps' own output says why.
        let logs = try await server.request("GET", "/api/runs/\(id)/logs", token: server.adminToken)
        let artifact = try #require(
            (detail["artifacts"] as? [[String: Any]])?.first, "\(detail)\n\(String(decoding: logs.1, as: UTF8.self))")
        #expect(artifact["name"] as? String == "report #1 (a+b)")
        // The download URL the API gives works, and so does any other encoding of the name.
        let url = try #require(artifact["download_url"] as? String)
        for path in [url, "/api/runs/\(id)/artifacts/report%20%231%20(a%2Bb)"] {
            let (status, body) = try await server.request("GET", path, token: server.adminToken)
            #expect(status == 200 && body.count > 0, "\(path): \(status) \(String(decoding: body, as: UTF8.self))")
        }
        await server.stop()
    }

    @Test func secretsAreMaskedInStepNamesAnnotationsOutputsAndBase64() async throws {
        let directory = try TemporaryDirectory()
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let secret = "s3cr3t-\(UUID().uuidString.prefix(8))-value"
        let put = try await server.request("PUT", "/api/repos/app/secrets/TOKEN", token: server.adminToken, json: ["value": secret])
        #expect(put.status == 204)
        let workflow = """
            on: push
            jobs:
              leak:
                runs-on: ubuntu-latest
                steps:
                  - name: Deploy with ${{ secrets.TOKEN }}
                    id: deploy
                    run: |
                      echo "::warning title=t-${{ secrets.TOKEN }},file=${{ secrets.TOKEN }}.txt::message"
                      echo "::notice file=src/${{ secrets.TOKEN }}.py,line=3::noted"
                      echo "value=$TOKEN" >> "$GITHUB_OUTPUT"
                      printf '%s' "$TOKEN" | base64
                      printf 'x%s' "$TOKEN" | base64
                      printf 'xy%s' "$TOKEN" | base64
                      exit 1
                    env:
                      TOKEN: ${{ secrets.TOKEN }}
            """
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/a.yml": workflow])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        _ = try await server.waitForRun(id)
        let encoded = [secret, "x" + secret, "xy" + secret].map { Data($0.utf8).base64EncodedString() }
        // Every way out: the run's detail (step names, annotations, outputs), the logs, the live
        // event stream, the dashboard page, and the database file itself.
        let (_, detail) = try await server.request("GET", "/api/runs/\(id)", token: server.adminToken)
        let (_, logs) = try await server.request("GET", "/api/runs/\(id)/logs", token: server.adminToken)
        let (_, events) = try await server.request("GET", "/api/runs/\(id)/events?logs=1", token: server.adminToken)
        let (_, page) = try await server.request("GET", "/runs/\(id)", token: server.adminToken)
        let database =
            try Data(contentsOf: server.data.appendingPathComponent("gaara.db"))
            + ((try? Data(contentsOf: server.data.appendingPathComponent("gaara.db-wal"))) ?? Data())
        for (label, body) in [("detail", detail), ("logs", logs), ("events", events), ("page", page), ("database", database)] {
            #expect(body.range(of: Data(secret.utf8)) == nil, "\(label) shows the secret")
            for form in encoded {
                // The stable middle of each encoding (its ends depend on the neighbouring bytes).
                let middle = String(form.dropFirst(4).dropLast(4))
                #expect(body.range(of: Data(middle.utf8)) == nil, "\(label) shows the secret in base64: \(form)")
            }
        }
        let text = String(decoding: detail, as: UTF8.self)
        #expect(text.contains("Deploy with ***") && text.contains("***.txt") && String(decoding: logs, as: UTF8.self).contains("t-***"), "\(text)")
        await server.stop()
    }

    /// The 494-byte alias bomb: nine levels of nine aliases.
    static let aliasBomb =
        (["on: push", "a0: &a0 [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]"]
        + (1..<9).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 9).joined(separator: ",") + "]" }
        + ["jobs: {b: {runs-on: x, steps: [{run: echo}], env: {X: *a8}}}"]).joined(separator: "\n") + "\n"

    @Test func anAliasBombNeitherKillsTheServerNorValidate() async throws {
        let directory = try TemporaryDirectory()
        // gaara validate: a positioned error, in bounded memory and time.
        let file = directory.url.appendingPathComponent("bomb.yml")
        try Self.aliasBomb.write(to: file, atomically: true, encoding: .utf8)
        let started = Date()
        let validate = try await GaaraBinary.runShell("ulimit -v 2000000; '\(GaaraBinary.url.path)' validate '\(file.path)'")
        #expect(validate.status == 1 && validate.stdout.contains("bomb.yml:2:") && validate.stdout.contains("expands to more than"), "\(validate)")
        #expect(Date().timeIntervalSince(started) < 60)

        // Pushed to the server: a failed run with the reason; the server and its API stay up.
        let server = try await ServerProcess(data: directory.url.appendingPathComponent("data"))
        #expect(try await server.cli(["repo", "add", "app"]).status == 0)
        let source = try await PushSource(at: directory.url.appendingPathComponent("src"), files: [".github/workflows/bomb.yml": Self.aliasBomb])
        try await source.git("remote add origin '\(server.data.path)/repos/app.git'")
        try await source.git("push -q origin main")
        let (status, body) = try await server.request("GET", "/api/repos/app/workflows?ref=main", token: server.adminToken)
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")
        #expect(String(decoding: body, as: UTF8.self).contains("expands to more than"), "\(String(decoding: body, as: UTF8.self))")
        let (health, _) = try await server.request("GET", "/healthz")
        #expect(health == 200 && server.process.isRunning)
        await server.stop()
    }
}
