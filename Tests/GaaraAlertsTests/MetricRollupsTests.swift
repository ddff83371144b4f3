import Foundation
import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// The one-minute history on disk, and the charts drawn from it.
struct MetricRollupsTests {
    static func rollups() -> MetricRollups {
        MetricRollups(root: FileManager.default.temporaryDirectory.appendingPathComponent("gaara-rollups-\(UUID().uuidString)"), retentionDays: 30)
    }

    @Test func eachMinuteKeepsItsLastAndLargestValue() throws {
        let rollups = Self.rollups()
        defer { try? FileManager.default.removeItem(at: rollups.root) }
        let labels = ["environment": "production", "service": "web"]
        let minute = 1_796_664_000.0  // 2026-12-07 17:20 UTC
        for (offset, value) in [(0.0, 0.01), (15, 0.09), (30, 0.02), (60, 0.03), (125, 0.5)] {
            try rollups.record([MetricSample(metric: "error_rate", labels: labels, value: value)], at: minute + offset)
        }
        let series = try #require(rollups.series(metric: "error_rate").first)
        #expect(series.labels == labels && rollups.series().count == 1)
        let points = rollups.points(series, from: minute, to: minute + 600)
        #expect(points.map(\.time) == [minute, minute + 60, minute + 120])
        #expect(points.map { Float($0.last) } == [0.02, 0.03, 0.5])
        #expect(points.map { Float($0.max) } == [0.09, 0.03, 0.5])
    }

    @Test func thirtyDaysOfTenServicesStayWellUnder100MiB() throws {
        let rollups = Self.rollups()
        defer { try? FileManager.default.removeItem(at: rollups.root) }
        // 10 services × 3 router metrics + a machine's 5, one sample a minute (the last of each day
        // at least, which makes the day's file), for 31 days; the oldest day goes at pruning.
        let start = 1_796_688_000.0  // midnight
        var samples: [MetricSample] = ["cpu", "memory", "disk", "network_receive_bytes_per_second", "network_transmit_bytes_per_second"].map {
            MetricSample(metric: $0, labels: ["host": "vm"], value: 0.5)
        }
        for service in 0..<10 {
            for metric in ["error_rate", "latency_p95_ms", "request_rate"] {
                samples.append(MetricSample(metric: metric, labels: ["environment": "production", "service": "s\(service)"], value: 1))
            }
        }
        for day in 0...30 { try rollups.record(samples, at: start + Double(day) * 86400 + 3600) }
        let kept = rollups.prune(at: start + 30 * 86400 + 7200)
        #expect(kept == 35 * 30 * 1440 * 8, "35 series × 30 days × 11.5 KiB")
        #expect(kept < 100 * 1024 * 1024)
        print("rollups: 30 days of 10 services and a machine (35 series): \(kept / 1024) KiB")
    }

    @Test func theChartDrawsTheLineTheBoundsAndTheMarkers() {
        let svg = SVGChart.render(
            title: "error rate · web", points: [(1000, 0), (1060, 0.1), (1120, 0.05)],
            markers: [SVGChart.Marker(time: 1050, label: "web-42 deployed", kind: "deployed"), SVGChart.Marker(time: 5000, label: "out", kind: "x")],
            from: 1000, to: 1200, format: { String(format: "%.0f%%", $0 * 100) })
        #expect(svg.hasPrefix("<svg class=\"chart\"") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("<title>error rate · web</title>") && svg.contains("role=\"img\""))
        #expect(svg.contains("<polyline points=\"56.0,138.0 228.8,30.7 401.6,84.4\""), "\(svg)")
        #expect(svg.contains(">11%</text>"), "the top of the axis: 110% of the peak")
        #expect(svg.contains("<title>web-42 deployed</title>") && svg.contains("stroke-dasharray"), "\(svg)")
        #expect(!svg.contains(">out<"), "a marker outside the window is not drawn")
        #expect(SVGChart.render(title: "t", points: [], markers: [], from: 0, to: 60, format: { "\($0)" }).contains(">no data</text>"))
    }
}
