import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// The `/metrics` text: names, help and type lines, escaped and sorted labels, the ALERTS series.
struct PrometheusExpositionTests {
    @Test func samplesAndAlertsInTheTextFormat() {
        let samples = [
            MetricSample(metric: "error_rate", labels: ["service": "web", "environment": "production"], value: 0.0731),
            MetricSample(metric: "error_rate", labels: ["service": "api", "environment": "production"], value: 0),
            MetricSample(metric: "cpu", labels: ["host": "vm \"1\""], value: 0.5),
        ]
        let alerts = [
            Alert(labels: ["alertname": "HighErrorRate", "service": "web"], state: .firing, activeAt: 0),
            Alert(labels: ["alertname": "HighCPU", "host": "vm"], state: .pending, activeAt: 0),
            Alert(labels: ["alertname": "Gone"], state: .resolved, activeAt: 0),
        ]
        #expect(
            PrometheusExposition.render(samples: samples, alerts: alerts) == """
                # HELP gaara_cpu Share of CPU time busy since the previous reading.
                # TYPE gaara_cpu gauge
                gaara_cpu{host="vm \\"1\\""} 0.5
                # HELP gaara_error_rate Share of requests answered with a 5xx or an upstream error over the window, per service.
                # TYPE gaara_error_rate gauge
                gaara_error_rate{environment="production",service="api"} 0
                gaara_error_rate{environment="production",service="web"} 0.0731
                # HELP ALERTS Pending and firing alerts (1 each), as Prometheus exposes its own.
                # TYPE ALERTS gauge
                ALERTS{alertname="HighCPU",alertstate="pending",host="vm"} 1
                ALERTS{alertname="HighErrorRate",alertstate="firing",service="web"} 1

                """)
        #expect(PrometheusExposition.value(.nan) == "NaN" && PrometheusExposition.value(.infinity) == "+Inf")
        #expect(PrometheusExposition.render(samples: [], alerts: []) == "")
    }
}
