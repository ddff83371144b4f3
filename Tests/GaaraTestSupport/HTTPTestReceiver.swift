import Foundation

/// `http-receiver.py`: a local stand-in for Slack, PagerDuty and webhook receivers that records
/// every request (and answers the first one to a path ending in `/flaky` with 429 `Retry-After: 1`).
public final class HTTPTestReceiver: Sendable {
    /// One recorded request.
    public struct Request: Sendable {
        /// Its path.
        public let path: String
        /// Its headers.
        public let headers: [String: String]
        /// Its body.
        public let body: String
        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// Where it records.
    public let directory: URL
    /// Its port on 127.0.0.1.
    public let port: Int
    let process: Process

    init(directory: URL, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    /// Starts one on a free loopback port.
    public static func start() async throws -> HTTPTestReceiver {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-receiver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("http-receiver.py").path
        process.arguments = ["python3", script, directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if let text = try? String(contentsOf: directory.appendingPathComponent("port"), encoding: .utf8), let port = Int(text) {
                return HTTPTestReceiver(directory: directory, port: port, process: process)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw SMTPTestServer.TestFailure("the HTTP receiver did not start")
    }

    /// The requests so far, in order.
    public func requests() throws -> [Request] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("requests.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(
                path: object["path"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:], body: object["body"] as? String ?? "")
        }
    }

    /// Stops it and removes its directory.
    public func stop() {
        // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
