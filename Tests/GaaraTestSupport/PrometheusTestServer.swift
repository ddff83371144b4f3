import Foundation
import GaaraHTTP

/// A real Prometheus (Debian's `prometheus`) on loopback with a data directory of its own,
/// scraping one target every second (with a bearer token when given).
public final class PrometheusTestServer: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let address: String
    let process: Process

    init(address: String, process: Process) {
        self.address = address
        self.process = process
    }

    /// Starts one in `root` scraping `target` (`http://127.0.0.1:9464` or `127.0.0.1:9464`).
    public static func start(in root: URL, scraping target: String, token: String? = nil, job: String = "gaara") async throws
        -> PrometheusTestServer
    {
        let hostPort = target.replacingOccurrences(of: "http://", with: "")
        let config = root.appendingPathComponent("prometheus.yml")
        let authorization = token.map { "\n    authorization: {credentials: \($0)}" } ?? ""
        try """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        scrape_configs:
          - job_name: \(job)\(authorization)
            static_configs: [{targets: ["\(hostPort)"]}]
        """.write(to: config, atomically: true, encoding: .utf8)
        var lastLog = ""
        for attempt in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let log = root.appendingPathComponent("prometheus-\(attempt).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            process.arguments = [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(root.appendingPathComponent("tsdb-\(attempt)").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let address = "http://127.0.0.1:\(port)"
            for _ in 0..<100 where process.isRunning {
                if let answer = try? await OutboundHTTP.shared.send(OutboundRequest(url: address + "/-/ready", timeout: 1)), answer.isSuccess {
                    return PrometheusTestServer(address: address, process: process)
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw SMTPTestServer.TestFailure("Prometheus did not start (is Debian's prometheus installed?):\n\(lastLog.suffix(2000))")
    }

    /// The first value of an instant query's vector (nil: no data or an error).
    public func query(_ promql: String) async -> Double? {
        var components = URLComponents(string: address + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promql)]
        guard let url = components.url?.absoluteString,
            let answer = try? await OutboundHTTP.shared.send(OutboundRequest(url: url, timeout: 5)), answer.isSuccess,
            let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
            let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]],
            let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String
        else { return nil }
        return Double(text)
    }

    /// Stops it.
    public func stop() {
        // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
