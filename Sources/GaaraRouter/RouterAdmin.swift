import Foundation
import GaaraRouterCore
import Hummingbird
import Logging
import NIOCore

/// The router's admin API (Hummingbird, over a Unix socket or loopback TCP with a token): services
/// and targets, weights, switches that wait for draining, pause/resume, state and metrics.
public enum RouterAdmin {
    /// Where the admin API listens.
    public enum Listen: Sendable {
        /// A Unix socket (access is the file's permissions).
        case unixSocket(String)
        /// Loopback TCP; every request needs `Authorization: Bearer TOKEN`.
        case tcp(host: String, port: Int, token: String)
    }

    /// Builds the admin application.
    public static func application(table: RoutingTable, listen: Listen, onListening: @escaping @Sendable (String) -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router(context: BasicRequestContext.self)
        if case .tcp(_, _, let token) = listen { router.add(middleware: TokenMiddleware(token: token)) }
        register(router, table: table)
        let address: BindAddress =
            switch listen {
            case .unixSocket(let path): .unixDomainSocket(path: path)
            case .tcp(let host, let port, _): .hostname(host, port: port)
            }
        var logger = Logger(label: "gaara.router.admin")
        logger.logLevel = .warning
        return Application(
            router: router, configuration: .init(address: address, serverName: "gaara-router"),
            onServerRunning: { channel in
                switch listen {
                case .unixSocket(let path): onListening("unix:" + path)
                case .tcp(let host, _, _): onListening("http://\(host):\(channel.localAddress?.port ?? 0)")
                }
            }, logger: logger)
    }

    static func register(_ router: Router<BasicRequestContext>, table: RoutingTable) {
        router.get("/services") { _, _ in try json(table.snapshotState) }
        router.get("/targets") { _, _ in
            let now = ProxyHandler.monotonicSeconds()
            return try json(table.allTargets.map { TargetStatus($0, now: now) })
        }
        router.get("/services/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let service = table.snapshotState.services.first(where: { $0.name == name }) else {
                throw HTTPError(.notFound, message: "no service '\(name)'")
            }
            return try json(ServiceStatus(service, table: table))
        }
        router.put("/services/{name}") { request, context in
            let name = context.parameters.get("name") ?? ""
            var config = try await decode(ServiceConfig.self, request)
            config.name = name
            try change(table) { state in
                state.services.removeAll { $0.name == name }
                state.services.append(config)
            }
            return try json(config)
        }
        router.delete("/services/{name}") { _, context in
            let name = context.parameters.get("name") ?? ""
            try change(table) { state throws(RoutingError) in
                guard state.services.contains(where: { $0.name == name }) else { throw RoutingError(status: 404, message: "no service '\(name)'") }
                state.services.removeAll { $0.name == name }
            }
            return Response(status: .noContent)
        }
        router.post("/services/{name}/weights") { request, context in
            let name = context.parameters.get("name") ?? ""
            let body = try await decode(WeightsBody.self, request)
            try change(table) { state throws(RoutingError) in
                guard let index = state.services.firstIndex(where: { $0.name == name }) else {
                    throw RoutingError(status: 404, message: "no service '\(name)'")
                }
                let carried = state.services[index].carriesTraffic
                for (group, weight) in body.weights {
                    guard let slot = state.services[index].groups.firstIndex(where: { $0.name == group }) else {
                        throw RoutingError(status: 404, message: "\(name) has no group '\(group)'")
                    }
                    state.services[index].groups[slot].weight = weight
                }
                // One call at a time takes a service's traffic away from every group: each request
                // would get a 503 until the next call. Weights that move together go in one body.
                if carried, !state.services[index].carriesTraffic {
                    throw RoutingError(
                        status: 409,
                        message:
                            "that leaves every group of \(name) at weight 0, so every request would get a 503; set the weights together (e.g. {\"weights\": {\"blue\": 100, \"green\": 0}}) or pause the service"
                    )
                }
            }
            return try json(table.snapshotState.services.first { $0.name == name })
        }
        router.post("/services/{name}/switch") { request, context in
            let name = context.parameters.get("name") ?? ""
            let body = try await decode(SwitchBody.self, request)
            try change(table) { state throws(RoutingError) in
                guard let index = state.services.firstIndex(where: { $0.name == name }) else {
                    throw RoutingError(status: 404, message: "no service '\(name)'")
                }
                guard state.services[index].groups.contains(where: { $0.name == body.group }) else {
                    throw RoutingError(status: 404, message: "\(name) has no group '\(body.group)'")
                }
                for slot in state.services[index].groups.indices {
                    state.services[index].groups[slot].weight = state.services[index].groups[slot].name == body.group ? 100 : 0
                }
            }
            // New requests already go to the new side; wait for the old side's requests to finish.
            let service = table.snapshot.services.first { $0.config.name == name }
            let others = service?.groups.map(\.name).filter { $0 != body.group } ?? []
            let start = Date()
            let limit = service?.config.drainTimeout ?? 30
            while let service, others.contains(where: { service.inFlight(group: $0) > 0 }), Date().timeIntervalSince(start) < limit {
                try await Task.sleep(for: .milliseconds(5))
            }
            let left = service.map { service in others.reduce(0) { $0 + service.inFlight(group: $1) } } ?? 0
            return try json(
                SwitchResult(
                    active: body.group, drained: left == 0, waitedMilliseconds: Int(Date().timeIntervalSince(start) * 1000), stillInFlight: left))
        }
        for (path, paused) in [("pause", true), ("resume", false)] {
            router.post(RouterPath("/services/{name}/\(path)")) { _, context in
                let name = context.parameters.get("name") ?? ""
                try change(table) { state throws(RoutingError) in
                    guard let index = state.services.firstIndex(where: { $0.name == name }) else {
                        throw RoutingError(status: 404, message: "no service '\(name)'")
                    }
                    state.services[index].paused = paused
                }
                return try json(ServiceStatus(table.snapshotState.services.first { $0.name == name }!, table: table))
            }
        }
        router.get("/services/{name}/metrics") { request, context in
            let name = context.parameters.get("name") ?? ""
            guard let metrics = table.allMetrics.first(where: { $0.service == name }) else {
                throw HTTPError(.notFound, message: "no service '\(name)'")
            }
            // `window=all`: every answer since the router started (what the canary judge takes differences of).
            if request.uri.queryParameters.get("window") == "all" {
                let now = Date().timeIntervalSince1970
                return try json(MetricsWindow(service: name, seconds: 0, groups: metrics.totals(), activeClients: metrics.activeClients(now: now)))
            }
            // No window: 10 s; a window that is no number is an error, not the default.
            let given = request.uri.queryParameters.get("window")
            let seconds = given == nil ? 10 : given.flatMap { Int($0) }
            guard let seconds, (1...ServiceMetrics.windowSeconds).contains(seconds) else {
                throw HTTPError(.badRequest, message: "window must be 1 to \(ServiceMetrics.windowSeconds) seconds, or all")
            }
            let now = Date().timeIntervalSince1970
            return try json(
                MetricsWindow(
                    service: name, seconds: seconds, groups: metrics.window(seconds: seconds, now: now),
                    activeClients: metrics.activeClients(now: now)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: PrometheusText.render(table))))
        }
    }

    static func change(_ table: RoutingTable, _ body: (inout RouterState) throws(RoutingError) -> Void) throws {
        do {
            try table.apply(body)
        } catch {
            throw HTTPError(.init(code: error.status), message: error.message)
        }
    }

    static func json(_ value: some Encodable) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try AdminCoding.makeEncoder().encode(value))))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        do {
            return try AdminCoding.makeDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPError(.badRequest, message: "invalid JSON body: \(error)")
        }
    }
}

/// Renders the metrics in the Prometheus text exposition format.
enum PrometheusText {
    static func render(_ table: RoutingTable) -> String {
        var out = """
            # HELP gaara_router_requests_total Requests by service, group and status class.
            # TYPE gaara_router_requests_total counter

            """
        var latency = """
            # HELP gaara_router_request_duration_seconds Request latency quantiles (log-linear histogram, 1.6% precision).
            # TYPE gaara_router_request_duration_seconds summary

            """
        var bytes = "# HELP gaara_router_bytes_total Body bytes by direction.\n# TYPE gaara_router_bytes_total counter\n"
        var inflight = "# HELP gaara_router_in_flight Requests in flight by service and group.\n# TYPE gaara_router_in_flight gauge\n"
        var active = "# HELP gaara_router_active_clients Distinct sticky clients seen in the last 5 minutes.\n"
        active += "# TYPE gaara_router_active_clients gauge\n"
        let now = Date().timeIntervalSince1970
        let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "error"]
        for metrics in table.allMetrics {
            let service = table.snapshot.services.first { $0.config.name == metrics.service }
            for (group, counts) in metrics.totals() {
                let labels = "service=\"\(metrics.service)\",group=\"\(group)\""
                for (index, name) in classes.enumerated() {
                    out += "gaara_router_requests_total{\(labels),class=\"\(name)\"} \(counts.byClass[index])\n"
                }
                for quantile in [0.5, 0.95, 0.99] {
                    let value = Double(counts.latency.percentile(quantile * 100)) / 1_000_000
                    latency += "gaara_router_request_duration_seconds{\(labels),quantile=\"\(quantile)\"} \(value)\n"
                }
                latency += "gaara_router_request_duration_seconds_sum{\(labels)} \(Double(counts.latency.sum) / 1_000_000)\n"
                latency += "gaara_router_request_duration_seconds_count{\(labels)} \(counts.latency.count)\n"
                bytes += "gaara_router_bytes_total{\(labels),direction=\"in\"} \(counts.bytesIn)\n"
                bytes += "gaara_router_bytes_total{\(labels),direction=\"out\"} \(counts.bytesOut)\n"
            }
            for group in service?.groups ?? [] {
                inflight += "gaara_router_in_flight{service=\"\(metrics.service)\",group=\"\(group.name)\"} \(service!.inFlight(group: group.name))\n"
            }
            active += "gaara_router_active_clients{service=\"\(metrics.service)\"} \(metrics.activeClients(now: now))\n"
        }
        var unrouted = "# HELP gaara_router_unrouted_total Requests answered before any service took them, by status.\n"
        unrouted += "# TYPE gaara_router_unrouted_total counter\n"
        let counts = table.unroutedCounts
        for status in [400, 404, 408] { unrouted += "gaara_router_unrouted_total{status=\"\(status)\"} \(counts[status] ?? 0)\n" }
        return out + latency + bytes + inflight + active + unrouted
    }
}

/// Requires `Authorization: Bearer TOKEN` on every admin request over TCP.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let presented = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : "" } ?? ""
        var difference: UInt8 = presented.utf8.count == token.utf8.count ? 0 : 1
        for (a, b) in zip(presented.utf8, token.utf8) { difference |= a ^ b }
        guard difference == 0 else { throw HTTPError(.unauthorized, message: "the admin API needs Authorization: Bearer <token>") }
        return try await next(request, context)
    }
}
