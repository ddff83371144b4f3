import GaaraAlerts
import Hummingbird
import Logging

/// `GET /metrics` of `gaara alerts watch --listen`: the latest cycle's samples and alerts in
/// Prometheus' text format, for a team's Prometheus to scrape.
enum MetricsEndpoint {
    /// Serves until cancelled.
    static func serve(_ loop: AlertLoop, host: String, port: Int) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await loop.exposition)))
        }
        var logger = Logger(label: "gaara.alerts.metrics")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "gaara-alerts"), logger: logger)
        try await app.run()
    }
}
