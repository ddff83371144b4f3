import Foundation
import GaaraEvents
import GaaraProcess
import GaaraRouter
import GaaraRouterCore
import Testing

/// Passive health on the event stream: a target answering 502s is ejected by the router after five
/// errors in a row, and that ejection is published as a target health change, like the active
/// checks' changes (alerts and the dashboard see both).
@Suite struct EjectionEventTests {
    @Test func aTargetEjectedForUpstreamErrorsIsPublished() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-eject-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // An upstream that answers every request with 502, on a port the kernel picks (it prints it).
        let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(502); self.send_header("Content-Length", "0"); self.end_headers()
                def log_message(self, *a): pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let (printed, announcePort) = AsyncStream<Int>.makeStream()
        let upstream = Task {
            _ = try? await ChildProcess.run(ChildProcess.Command("python3", ["-c", script], environment: ProcessInfo.processInfo.environment)) {
                chunk in
                if let port = Int(String(decoding: chunk, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) { announcePort.yield(port) }
            }
            announcePort.finish()  // it ended (or never started): the wait below ends too
        }
        defer { upstream.cancel() }
        var upstreamPort = 0
        for await port in printed {
            upstreamPort = port
            break
        }
        try #require(upstreamPort > 0, "the upstream did not start")

        let sink = RecordingSink()
        var service = try RouterService(
            stateFile: root.appendingPathComponent("router.json"), host: "127.0.0.1", port: 0, threads: 1,
            admin: .unixSocket(root.appendingPathComponent("admin.sock").path))
        service.events = sink
        let (listening, announce) = AsyncStream<String>.makeStream()
        let router = Task { [service] in try await service.run(handleSignals: false) { announce.yield($0) } }
        defer { router.cancel() }
        var endpoint: String?
        for await value in listening {
            endpoint = value
            break
        }
        let admin = AdminClient(endpoint: try #require(endpoint), token: nil)
        let config = ServiceConfig(
            name: "web", groups: [TargetGroup(name: "web-1", targets: [try #require(TargetAddress("127.0.0.1:\(upstreamPort)"))], weight: 100)])
        let (status, body) = try await admin.send(.PUT, "/services/web", body: try AdminCoding.makeEncoder().encode(config))
        try #require(status == 200, "\(String(decoding: body, as: UTF8.self))")
        let proxyPort = service.proxy.port

        var ejected = false
        for _ in 0..<100 where !ejected {
            _ = try? await ChildProcess.capture(
                ChildProcess.Command(
                    "curl", ["-s", "-o", "/dev/null", "--max-time", "2", "http://127.0.0.1:\(proxyPort)/"],
                    environment: ProcessInfo.processInfo.environment),
                timeout: 5)
            ejected = sink.events.contains { event in
                if case .targetHealth(let change) = event.kind { return change.to == "ejected" }
                return false
            }
            if !ejected { try await Task.sleep(for: .milliseconds(50)) }
        }
        let changes = sink.events.compactMap { event -> TargetHealthChange? in
            if case .targetHealth(let change) = event.kind { return change }
            return nil
        }
        #expect(changes.contains(TargetHealthChange(target: "127.0.0.1:\(upstreamPort)", from: "healthy", to: "ejected")), "\(changes)")
    }
}
