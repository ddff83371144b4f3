import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real `gaara serve` process on a free port with its own data directory, and an HTTP client for it.
final class ServerProcess: @unchecked Sendable {
    let data: URL
    let process = Process()
    private(set) var url = ""
    /// The admin token printed on the first start (empty on later starts).
    private(set) var adminToken = ""
    let logFile: URL

    /// Starts the server and waits until it listens.
    init(data: URL, arguments: [String] = [], environment extra: [String: String] = [:]) async throws {
        self.data = data
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        logFile = data.deletingLastPathComponent().appendingPathComponent("serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.executableURL = GaaraBinary.url
        process.arguments = ["serve", "--data", data.path, "--port", "0"] + arguments
        process.standardOutput = handle
        process.standardError = handle
        var environment = ProcessInfo.processInfo.environment
        environment["GAARA_URL"] = nil
        environment["GAARA_TOKEN"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        try process.run()
        try handle.close()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "admin token (shown once, keep it): ") {
                adminToken = String(text[range.upperBound...].prefix { !$0.isNewline })
            }
            if let range = text.range(of: "listening on ") {
                url = String(text[range.upperBound...].prefix { !$0.isWhitespace })
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerTestError("the server did not start: \(log)")
    }

    /// What the server printed so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Stops the server with `signal` and waits for it to exit.
    func stop(_ signal: Int32 = SIGTERM) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Sends a request; `token` nil sends none.
    func request(
        _ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url + path)!, timeoutInterval: 120)
        request.httpMethod = method
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
                }
            }.resume()
        }
    }

    /// GETs JSON with the admin token.
    func json(_ path: String, token: String? = nil) async throws -> Any {
        let (status, body) = try await request("GET", path, token: token ?? adminToken)
        guard status == 200 else { throw ServerTestError("GET \(path): HTTP \(status): \(String(decoding: body, as: UTF8.self))") }
        return try JSONSerialization.jsonObject(with: body)
    }

    /// A run's detail.
    func run(_ id: Int, token: String? = nil) async throws -> [String: Any] {
        try await json("/api/runs/\(id)", token: token) as? [String: Any] ?? [:]
    }

    /// Waits until a run has `status` (by default: completed); returns its detail.
    func waitForRun(_ id: Int, until status: String = "completed", token: String? = nil, timeout: Double = 300) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let detail = try await run(id, token: token)
            if (detail["run"] as? [String: Any])?["status"] as? String == status { return detail }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerTestError("run \(id) was not \(status) within \(timeout) s")
    }

    /// All runs (first page of 100), newest first.
    func runs(_ query: String = "", token: String? = nil) async throws -> [[String: Any]] {
        let page = try await json("/api/runs?per_page=100" + (query.isEmpty ? "" : "&" + query), token: token) as? [String: Any]
        return page?["runs"] as? [[String: Any]] ?? []
    }

    /// Runs `gaara ARGS --data DATA` against this server.
    func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> GaaraBinary.Output {
        try await GaaraBinary.run(arguments + ["--data", data.path], environment: environment.merging(["GAARA_URL": "", "GAARA_TOKEN": ""]) { $1 })
    }
}

/// A failed expectation about a server.
struct ServerTestError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A git repository to push from, with workflows written by the test.
struct PushSource {
    let url: URL

    /// Creates a repository at `url` with `files` committed on main.
    init(at url: URL, files: [String: String]) async throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        _ = try await GaaraBinary.runShell("cd '\(url.path)' && git init -q -b main")
        try await commit(files, message: "initial")
    }

    /// Writes and commits files (an empty text deletes the file).
    func commit(_ files: [String: String], message: String) async throws {
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            if text.isEmpty {
                try? FileManager.default.removeItem(at: file)
                continue
            }
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        try await git("add -A && git -c user.name=Tester -c user.email=t@example.com commit -q --allow-empty -m '\(message)'")
    }

    /// Runs `git ARGS` in the repository; returns its output.
    @discardableResult
    func git(_ arguments: String) async throws -> String {
        let result = try await GaaraBinary.runShell("cd '\(url.path)' && git \(arguments)")
        guard result.status == 0 else { throw ServerTestError("git \(arguments): \(result.stdout)\(result.stderr)") }
        return result.stdout + result.stderr
    }

    /// The sha of HEAD.
    func head() async throws -> String {
        try await git("rev-parse HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
