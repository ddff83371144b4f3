import Foundation
import GaaraDeployCore
import GaaraHTTP

/// Where clients reach a service through the router: what the analysis's synthetic requests use.
public struct RouterEntrance: Sendable, Equatable {
    /// The router's listening address (`127.0.0.1:8001`).
    public var address: String
    /// The `Host` the service is routed by (its first `proxy.host`), nil for any.
    public var host: String?

    /// Creates an entrance.
    public init(address: String, host: String? = nil) {
        self.address = address
        self.host = host
    }
}

extension RolloutRunner {
    /// Starts the analysis's synthetic requests (`analysis.traffic`) through the router, if asked
    /// for; they run until the returned task is cancelled, at the end of the analysis or bake.
    /// Workers send one request at a time each, so a slow release slows them instead of piling up
    /// requests; without a sticky key the router splits them by weight like any client.
    func startSyntheticTraffic() -> Task<Void, Never>? {
        guard let settings = analysis.traffic, let entrance else { return nil }
        let url = "http://\(entrance.address)\(settings.path)"
        let headers = entrance.host.map { [("Host", $0)] } ?? []
        let workers = max(1, min(16, Int(settings.rate / 10) + 1))
        let spacing = Double(workers) / settings.rate
        return Task.detached {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        // Staggered, so the workers' requests spread over each interval.
                        try? await Task.sleep(for: .milliseconds(Int(spacing * 1000 * Double(worker) / Double(workers))))
                        while !Task.isCancelled {
                            let started = ContinuousClock.now
                            _ = try? await OutboundHTTP.shared.send(
                                OutboundRequest(url: url, headers: headers, timeout: 5, maxResponseBytes: 1024 * 1024))
                            let rest = Duration.milliseconds(Int(spacing * 1000)) - (ContinuousClock.now - started)
                            if rest > .zero { try? await Task.sleep(for: rest) }
                        }
                    }
                }
            }
        }
    }
}
