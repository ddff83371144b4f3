import Foundation
import Testing

/// Deliveries to the outside through the one HTTP client: a status API that fails for a while is
/// retried (honouring `Retry-After`) until each status arrives exactly once, in order; one that
/// never answers delays no run.
@Suite(.serialized)
struct ServerDeliveryTests {
    /// A status API on loopback: `flaky` answers its first three requests 503, 503, then 429 with
    /// `Retry-After: 1`, and every later one 201; `hung` reads requests and never answers. Each
    /// request is logged with the answer it got.
    static let receiver = """
        import http.server, json, sys, time, threading
        mode, log = sys.argv[1], sys.argv[2]
        answers = [(503, None), (503, None), (429, "1")]
        lock = threading.Lock()
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if mode == "hung":
                    time.sleep(3600)
                with lock:
                    status, retry = answers.pop(0) if answers else (201, None)
                    with open(log, "a") as out:
                        out.write(json.dumps({"status": status, "at": time.time(), "body": body}) + "\\n")
                self.send_response(status)
                if retry:
                    self.send_header("Retry-After", retry)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_port, flush=True)
        server.serve_forever()
        """

    /// Starts the receiver; returns its port and the process (killed by the caller).
    static func startReceiver(_ mode: String, log: URL, in directory: URL) async throws -> (String, Process) {
        let portFile = directory.appendingPathComponent("port-\(mode)")
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        receiver.arguments = ["python3", "-c", Self.receiver, mode, log.path]
        _ = FileManager.default.createFile(atPath: portFile.path, contents: nil)
        receiver.standardOutput = try FileHandle(forWritingTo: portFile)
        receiver.standardInput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        var port = ""
        for _ in 0..<200 where port.isEmpty {
            port = (try? String(contentsOf: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await Task.sleep(for: .milliseconds(50))
        }
        return (port, receiver)
    }

    static let workflow = """
        name: Gated
        on: push
        jobs:
          gate:
            runs-on: ubuntu-latest
            steps:
              - run: printf '<testsuite tests="1" failures="0"><testcase name="t"/></testsuite>' > junit.xml
              - run: gaara gate --junit junit.xml
        """

    /// Starts a server posting statuses to the receiver on `port`, adds a repository with an
    /// upstream and pushes ``workflow`` to it (its run 1 starts).
    static func pushToServerPostingTo(port: String, in directory: URL) async throws -> ServerProcess {
        let server = try await ServerProcess(
            data: directory.appendingPathComponent("data"),
            arguments: ["--status-url", "http://127.0.0.1:\(port)", "--status-token", "forge-token"])
        #expect(try await server.cli(["repo", "add", "app", "--upstream", "octo/app"]).status == 0)
        let source = try await PushSource(at: directory.appendingPathComponent("src"), files: [".github/workflows/gated.yml": Self.workflow])
        try await source.git("push -q '\(server.data.path)/repos/app.git' main")
        return server
    }

    @Test func aFailingReceiverGetsEachStatusOnceInOrder() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("requests.jsonl")
        let (port, receiver) = try await Self.startReceiver("flaky", log: log, in: directory.url)
        // SIGKILL: a child started from a test thread inherits a mask that blocks SIGTERM.
        defer { kill(receiver.processIdentifier, SIGKILL) }
        let server = try await Self.pushToServerPostingTo(port: port, in: directory.url)
        _ = try await server.waitForRun(1)
        // The statuses the server set, in the order it set them (oldest first).
        var delivered: [[String: Any]] = []
        for _ in 0..<400 {
            delivered = try await server.json("/api/deliveries?state=delivered") as? [[String: Any]] ?? []
            // The run's own final status is the last one set.
            if delivered.contains(where: { ($0["summary"] as? String ?? "").hasPrefix("gaara/Gated success") }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let requests = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let answered = requests.map { $0["status"] as? Int ?? 0 }
        let accepted = requests.filter { $0["status"] as? Int == 201 }.map { request -> String in
            let body = request["body"] as? [String: Any] ?? [:]
            return "\(body["context"] as? String ?? "")=\(body["state"] as? String ?? "")"
        }
        // Three failures, then every status exactly once: the first status took four attempts.
        #expect(answered == [503, 503, 429] + Array(repeating: 201, count: accepted.count), "\(requests)")
        // In the order they were set: the run's pending first, the gates' verdicts, the run's end last.
        #expect(accepted.first == "gaara/Gated=pending" && accepted.last == "gaara/Gated=success", "\(accepted)")
        #expect(Set(accepted).count == accepted.count, "a status arrived twice: \(accepted)")
        for gate in ["gaara/tests=success", "gaara/quality-gate=success"] { #expect(accepted.dropFirst().dropLast().contains(gate), "\(accepted)") }
        // Retry-After: 1 was honoured: the fourth attempt came at least a second after the 429.
        if requests.count >= 4, let refused = requests[2]["at"] as? Double, let next = requests[3]["at"] as? Double {
            #expect(next - refused >= 0.95, "\(next - refused)")
        }
        // The delivery log shows the attempts.
        let attempts = delivered.map { $0["attempts"] as? Int ?? 0 }.sorted()
        #expect(attempts == Array(repeating: 1, count: max(accepted.count - 1, 0)) + [4], "\(delivered)")
        await server.stop()
    }

    @Test func aReceiverThatNeverAnswersDelaysNoRun() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.url.appendingPathComponent("requests.jsonl")
        let (port, receiver) = try await Self.startReceiver("hung", log: log, in: directory.url)
        defer { kill(receiver.processIdentifier, SIGKILL) }
        let server = try await Self.pushToServerPostingTo(port: port, in: directory.url)
        let run = try await server.waitForRun(1)
        #expect((run["run"] as? [String: Any])?["conclusion"] as? String == "success", "\(run)")
        // The run is over while its very first status (10 s a try, five tries) is still waiting
        // for an answer: the run did not wait for it.
        let pending = try await server.json("/api/deliveries?state=pending") as? [[String: Any]] ?? []
        #expect(pending.contains { ($0["summary"] as? String ?? "").hasPrefix("gaara/Gated pending") }, "\(pending)")
        let delivered = try await server.json("/api/deliveries?state=delivered") as? [[String: Any]] ?? []
        #expect(delivered.isEmpty, "nothing can have been delivered")
        // Stopping does not wait for the hung receiver either (the deliveries stay pending in the log).
        let clock = ContinuousClock()
        let stopping = clock.now
        await server.stop()
        #expect(clock.now - stopping < .seconds(25))
    }
}
