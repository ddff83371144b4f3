import Foundation
import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// The loop on a fake clock: the guide's "error rate > 1% for 5 m" fires once, grouped, after its
/// `for` and the group's wait, and resolves at the next flush after the rate falls.
struct AlertLoopTests {
    static func errorRate(_ value: Double, service: String) -> MetricSample {
        MetricSample(metric: "error_rate", labels: ["environment": "production", "service": service], value: value)
    }

    @Test func anErrorRateAboveOnePercentFiresOnceGroupedAndResolves() async {
        let source = StaticMetricSource()
        let delivery = RecordingAlertDelivery()
        var config = AlertConfig(receivers: [AlertReceiver(name: "default")])
        config.route = AlertRoute(receiver: "default", groupBy: .labels(["alertname", "environment"]))
        let loop = AlertLoop(config: config, sources: [source], delivery: delivery)
        var log: [String] = []
        for time in stride(from: 0.0, through: 1200, by: 15) {
            // web and api at 2% from 0 s to 600 s (api from 15 s); healthy after.
            let broken = time < 600
            await source.set([
                Self.errorRate(broken ? 0.02 : 0.001, service: "web"), Self.errorRate(broken && time >= 15 ? 0.03 : 0, service: "api"),
            ])
            for notification in await loop.cycle(at: time) {
                log.append(
                    "\(Int(time)) \(notification.isResolved ? "resolved" : "firing") "
                        + (notification.firing + notification.resolved).map { $0.labels["service"] ?? "" }.sorted().joined(separator: ","))
            }
        }
        // web fires at 300 and opens the group; api fires at 315, within the group's 30 s wait: one
        // notification for both at 330. Both resolve at 600 and go out at the next flush (330 + 5 m).
        #expect(log == ["330 firing api,web", "630 resolved api,web"], "\(log)")
        let sent = await delivery.sent.map(\.notification)
        #expect(sent.first?.firing.first?.annotations["summary"] == "Error rate 3% on api in production", "\(sent)")
    }

    @Test func aSilenceMutesAndItsEndLetsAStillFiringAlertThrough() async throws {
        let source = StaticMetricSource([Self.errorRate(0.5, service: "web")])
        let delivery = RecordingAlertDelivery()
        let loop = AlertLoop(config: AlertConfig(receivers: [AlertReceiver(name: "default")]), sources: [source], delivery: delivery)
        try await loop.silence(
            Silence(
                id: "maintenance", matchers: [try LabelMatcher.parse("service=web")], startsAt: 0, endsAt: 900, createdBy: "ana", comment: "db move"))
        var times: [Int] = []
        for time in stride(from: 0.0, through: 1500, by: 15) where !(await loop.cycle(at: time)).isEmpty { times.append(Int(time)) }
        // Firing from 300; muted until 900; the group's next flush after that sends it.
        #expect(times.first.map { $0 >= 900 && $0 <= 930 } == true, "\(times)")
        #expect(await loop.silences.map(\.id) == ["maintenance"])
    }
}

/// A watcher restarted from its saved state goes on where it was: no second notification for a
/// group already told, and a `for` that keeps counting; a state saved with other rules is not reused.
struct AlertLoopRestartTests {
    @Test func aRestoredLoopDoesNotNotifyAgain() async throws {
        let source = StaticMetricSource([AlertLoopTests.errorRate(0.5, service: "web")])
        let config = AlertConfig(receivers: [AlertReceiver(name: "default")])
        let first = AlertLoop(config: config, sources: [source], delivery: RecordingAlertDelivery())
        var sentAt: [Int] = []
        for time in stride(from: 0.0, through: 400, by: 15) where !(await first.cycle(at: time)).isEmpty { sentAt.append(Int(time)) }
        #expect(sentAt == [330])
        let folder = AlertStateFolder(root: FileManager.default.temporaryDirectory.appendingPathComponent("gaara-alerts-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: folder.url.deletingLastPathComponent()) }
        try folder.save(await first.snapshot(at: 400))

        let delivery = RecordingAlertDelivery()
        let second = AlertLoop(config: config, sources: [source], delivery: delivery, restoring: folder.state())
        #expect(await second.alerts.map(\.state) == [.firing], "the firing alert is still firing")
        for time in stride(from: 415.0, through: 3600, by: 15) { await second.cycle(at: time) }
        #expect(await delivery.sent.isEmpty, "told once: the next is the 4-hour repeat")

        var changed = config
        changed.rules.removeAll { $0.name == "HighCPU" }
        let third = AlertLoop(config: changed, sources: [source], delivery: RecordingAlertDelivery(), restoring: folder.state())
        #expect(await third.alerts.isEmpty, "other rules: the evaluator starts afresh")
    }

    @Test func silencesAreKeptInTheirFileAndSynced() async throws {
        let folder = AlertStateFolder(root: FileManager.default.temporaryDirectory.appendingPathComponent("gaara-alerts-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: folder.url.deletingLastPathComponent()) }
        let silence = Silence(id: "s1", matchers: [try LabelMatcher.parse("service=web")], startsAt: 0, endsAt: 100, createdBy: "ana", comment: "")
        try folder.updateSilences { $0.append(silence) }
        #expect(folder.silences() == [silence])
        let loop = AlertLoop(config: AlertConfig(), sources: [], delivery: RecordingAlertDelivery())
        await loop.sync(silences: folder.silences())
        #expect(await loop.silences == [silence])
    }
}
