import GaaraAlertCore

/// The samples and alerts of a cycle in Prometheus' text exposition format (0.0.4), so a team's
/// Prometheus can scrape what Gaara measures: each metric as `gaara_NAME` with its labels, and
/// each pending or firing alert as `ALERTS{alertname, alertstate, …} 1` the way Prometheus itself
/// exposes its alerts. Names and labels are stable; series are sorted, so equal input is equal text.
public enum PrometheusExposition {
    /// What each metric is (its `# HELP`).
    static let help: [String: String] = [
        "error_rate": "Share of requests answered with a 5xx or an upstream error over the window, per service.",
        "latency_p50_ms": "Median response time in milliseconds over the window (the slowest release), per service.",
        "latency_p95_ms": "95th percentile response time in milliseconds over the window (the slowest release), per service.",
        "latency_p99_ms": "99th percentile response time in milliseconds over the window (the slowest release), per service.",
        "request_rate": "Requests per second over the window, per service.",
        "release_error_rate": "Share of a release's requests answered with a 5xx or an upstream error over the window.",
        "release_request_rate": "A release's requests per second over the window.",
        "release_latency_p50_ms": "A release's median response time in milliseconds over the window.",
        "release_latency_p95_ms": "A release's 95th percentile response time in milliseconds over the window.",
        "release_latency_p99_ms": "A release's 99th percentile response time in milliseconds over the window.",
        "active_users": "Distinct sticky clients seen by the router in the last 5 minutes, per service.",
        "deployment_failed": "1 while the service's latest release failed.",
        "smoke_failed": "1 while the service's latest release failed its smoke tests.",
        "rollback_in_progress": "1 while a rollout sends the service's traffic back to its previous release.",
        "host_up": "1 when the environment's host answered this cycle, 0 when it did not.",
        "container_cpu": "CPU cores a container used since the previous reading.",
        "container_memory_bytes": "Memory a container uses, in bytes.",
        "container_memory": "Share of its memory limit a container uses (containers with a limit).",
        "container_network_receive_bytes_per_second": "Bytes a container received per second.",
        "container_network_transmit_bytes_per_second": "Bytes a container sent per second.",
        "cpu": "Share of CPU time busy since the previous reading.",
        "memory": "Share of memory not available.",
        "disk": "Share of the file system used.",
        "network_receive_bytes_per_second": "Bytes received per second by every interface but loopback.",
        "network_transmit_bytes_per_second": "Bytes sent per second by every interface but loopback.",
    ]

    /// The text for several sources' samples and alerts, each series labelled with its source
    /// (`repository="shop"` on the server).
    public static func render(labelled sources: [(labels: AlertLabels, samples: [MetricSample], alerts: [Alert])]) -> String {
        var samples: [MetricSample] = []
        var alerts: [(labels: AlertLabels, state: Alert.State)] = []
        for source in sources {
            samples += source.samples.map { MetricSample(metric: $0.metric, labels: $0.labels.merging(source.labels) { $1 }, value: $0.value) }
            alerts += source.alerts.map { ($0.labels.merging(source.labels) { $1 }, $0.state) }
        }
        return render(samples: samples, alertStates: alerts)
    }

    /// The text for `samples` and `alerts`.
    public static func render(samples: [MetricSample], alerts: [Alert]) -> String {
        render(samples: samples, alertStates: alerts.map { ($0.labels, $0.state) })
    }

    static func render(samples: [MetricSample], alertStates alerts: [(labels: AlertLabels, state: Alert.State)]) -> String {
        var text = ""
        let byMetric = Dictionary(grouping: samples, by: \.metric)
        for metric in byMetric.keys.sorted() {
            let name = "gaara_" + String(metric.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
            text += "# HELP \(name) \(help[metric] ?? "Measured by Gaara.")\n# TYPE \(name) gauge\n"
            let lines = byMetric[metric]!.map { "\(name)\(labels($0.labels)) \(value($0.value))" }
            text += lines.sorted().joined(separator: "\n") + "\n"
        }
        let active = alerts.filter { $0.state != .resolved }
        if !active.isEmpty {
            text += "# HELP ALERTS Pending and firing alerts (1 each), as Prometheus exposes its own.\n# TYPE ALERTS gauge\n"
            let lines = active.map { alert in "ALERTS\(labels(alert.labels.merging(["alertstate": alert.state.rawValue]) { $1 })) 1" }
            text += lines.sorted().joined(separator: "\n") + "\n"
        }
        return text
    }

    /// `{a="1",b="x\"y"}` sorted by name; empty for no labels.
    static func labels(_ labels: AlertLabels) -> String {
        guard !labels.isEmpty else { return "" }
        let pairs = labels.keys.sorted().map { key in
            let value = labels[key]!.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(value)\""
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// `0.0731`, `+Inf`, `NaN`.
    static func value(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
