import Foundation
import Testing

@testable import GaaraDeployCore

/// DORA's four keys on a seeded history, against values worked out by hand.
struct DORAMetricsTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(days: Double, seconds: Double = 0) -> Date { t0.addingTimeInterval(days * 86400 + seconds) }

    static func release(_ number: Int, created: Date, deployed: Date? = nil, failed: Date? = nil, rolledBackTo: [Date]? = nil) -> Release {
        var release = Release(
            number: number, service: "web", environment: "production", artifact: "dir:sha256:\(number)", commit: "c\(number)", creator: "ada",
            created: created, state: failed == nil ? .kept : .failed, events: [])
        release.deployedAt = deployed
        release.failedAt = failed
        release.rolledBackTo = rolledBackTo
        return release
    }

    static func incident(_ failed: Release, detected: Date, resolved: Date?) -> IncidentReport {
        var report = IncidentReport(
            number: 1, environment: "production", service: "web", trigger: "health", failedRelease: failed, restoredRelease: nil, findings: [],
            logTail: "", timeline: [], deployStarted: failed.created, detected: detected, restored: detected)
        report.resolution = resolved.map { .init(time: $0, by: "web-4", note: "") }
        return report
    }

    @Test func aFourWeekHistoryWorkedOutByHand() {
        let web3 = Self.release(3, created: Self.at(days: 3), failed: Self.at(days: 3, seconds: 120))
        let releases = [
            Self.release(0, created: Self.at(days: -1), deployed: Self.at(days: -1, seconds: 60)),  // before the window
            Self.release(1, created: Self.at(days: 1), deployed: Self.at(days: 1, seconds: 600)),
            Self.release(2, created: Self.at(days: 2), deployed: Self.at(days: 2, seconds: 300)),
            web3,
            Self.release(4, created: Self.at(days: 4, seconds: -600), deployed: Self.at(days: 4), rolledBackTo: [Self.at(days: 11)]),
            Self.release(5, created: Self.at(days: 10), deployed: Self.at(days: 10, seconds: 60)),
        ]
        let commits = [
            "web-0": [Self.at(days: -2)],
            "web-1": [Self.at(days: 1, seconds: -3600)],
            "web-2": [Self.at(days: 2, seconds: -7200), Self.at(days: 2, seconds: -600)],
            "web-4": [Self.at(days: 4, seconds: -1800)],
        ]
        let metrics = DORAMetrics.compute(
            releases: releases, incidents: [Self.incident(web3, detected: Self.at(days: 3, seconds: 100), resolved: Self.at(days: 4))],
            commitTimes: commits, from: Self.t0, to: Self.at(days: 28))
        #expect(metrics.deployments == 4 && metrics.attempts == 5)
        #expect(abs(metrics.deploymentsPerDay - 4.0 / 28) < 1e-12)
        // Weeks: 3 days with deployments, then 1, 0, 0 — median 0.5 days, half the weeks deployed:
        // neither daily nor weekly; the one 30-day month has 4: monthly.
        #expect(metrics.frequency == "monthly")
        // Lead times 4200, 7500, 900, 1800 s: the median of four is (1800 + 4200) / 2.
        #expect(metrics.leadTime == 3000 && metrics.changes == 4)
        #expect(metrics.changeFailureRate == 0.2, "1 incident of 5 attempts")
        #expect(metrics.timeToRestore == 86300, "resolved a day after the rollout began, detected 100 s in")
        #expect(metrics.incidents == 1 && metrics.openIncidents == 0)
        #expect(metrics.successRate == 0.8)
        #expect(metrics.duration == 300, "durations 600, 300, 120 (failed), 600, 60")
        #expect(metrics.rollbacks == 2, "one automatic, one by hand")
        #expect(metrics.text.contains("change failure rate: 20% (1 incidents of 5 attempts)"), "\(metrics.text)")
    }

    @Test func threeDaysAWeekIsDailyOneDayAWeekIsWeekly() {
        func releases(_ days: [Double]) -> [Release] {
            days.enumerated().map {
                Self.release($0.offset + 1, created: Self.at(days: $0.element), deployed: Self.at(days: $0.element, seconds: 60))
            }
        }
        func frequency(_ days: [Double]) -> String {
            DORAMetrics.compute(releases: releases(days), incidents: [], commitTimes: [:], from: Self.t0, to: Self.at(days: 14)).frequency
        }
        #expect(frequency([0, 1, 2, 7, 9, 11]) == "daily")
        #expect(frequency([0, 2, 7, 9]) == "weekly", "2 days in each week")
        #expect(frequency([0, 3.5]) == "monthly", "both in the first week")
    }

    @Test func anEmptyWindowHasNoRatesRatherThanZeros() {
        let metrics = DORAMetrics.compute(releases: [], incidents: [], commitTimes: [:], from: Self.t0, to: Self.at(days: 90))
        #expect(metrics.frequency == "none" && metrics.deployments == 0)
        #expect(metrics.leadTime == nil && metrics.changeFailureRate == nil && metrics.timeToRestore == nil && metrics.successRate == nil)
        #expect(metrics.text.contains("lead time for changes: — (median of 0 commits)"))
    }

    @Test func theHistoryRecordsDeploymentsFailuresAndRollbacks() throws {
        var history = ReleaseHistory(environment: "production")
        let first = try history.begin(service: "web", artifact: "a1", directory: nil, commit: nil, creator: "ada", now: Self.t0)
        _ = history.succeeded("web", number: first.number, keep: 3, now: Self.at(days: 0, seconds: 30), note: "rolled out")
        let second = try history.begin(service: "web", artifact: "a2", directory: nil, commit: nil, creator: "ada", now: Self.at(days: 1))
        _ = history.succeeded("web", number: second.number, keep: 3, now: Self.at(days: 1, seconds: 30), note: "rolled out")
        history.beginRollback("web", from: second.number, to: first.number, creator: "ada", now: Self.at(days: 2))
        _ = history.succeeded("web", number: first.number, keep: 3, now: Self.at(days: 2, seconds: 1), note: "rolled back")
        let third = try history.begin(service: "web", artifact: "a3", directory: nil, commit: nil, creator: "ada", now: Self.at(days: 3))
        history.failed("web", number: third.number, reason: "health", now: Self.at(days: 3, seconds: 9))
        let releases = history.history("web")
        #expect(releases.first { $0.number == 1 }?.deployedAt == Self.at(days: 0, seconds: 30), "a rollback to it is not a second deployment")
        #expect(releases.first { $0.number == 1 }?.rolledBackTo == [Self.at(days: 2, seconds: 1)])
        #expect(releases.first { $0.number == 3 }?.failedAt == Self.at(days: 3, seconds: 9))
    }
}
