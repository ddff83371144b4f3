import Foundation

/// DORA's four keys and the guide's deployment metrics over one environment's records, with Four
/// Keys' definitions: computed from first-class releases and incidents, never from log lines.
///
/// - Deployment frequency: successful deployments (a release's own rollout made it live) per day,
///   and Four Keys' bucket by the median rule: daily when the median week has deployments on 3 or
///   more days, weekly when the median week has one, monthly when the median 30-day month has
///   one, yearly otherwise.
/// - Lead time for changes: the median of (deployment − commit time) over the commits each
///   successful deployment brought (those after the previous deployment's commit).
/// - Change failure rate: deployments that caused an incident (an automatic rollback) ÷ deployments
///   attempted (made live, or aborted by a check).
/// - Time to restore: the median of (resolved − detected) over the incidents resolved in the window.
/// - Also the success rate of attempts, the median rollout duration, and the rollbacks (automatic
///   ones, the incidents, and to a kept release by hand).
public struct DORAMetrics: Sendable, Equatable, Codable {
    /// The window's start.
    public var from: Date
    /// Its end.
    public var to: Date
    /// Successful deployments.
    public var deployments: Int
    /// Deployments attempted (successful or failed).
    public var attempts: Int
    /// Successful deployments per day.
    public var deploymentsPerDay: Double
    /// `daily`, `weekly`, `monthly`, `yearly`, or `none` without deployments.
    public var frequency: String
    /// The median lead time for changes, seconds (nil: no commit known).
    public var leadTime: Double?
    /// Changes whose lead time was measured.
    public var changes: Int
    /// Failed changes ÷ attempts (nil: no attempt).
    public var changeFailureRate: Double?
    /// The median time to restore, seconds (nil: no incident resolved).
    public var timeToRestore: Double?
    /// Incidents detected in the window.
    public var incidents: Int
    /// Of those, still open.
    public var openIncidents: Int
    /// Successful ÷ attempted deployments (nil: no attempt).
    public var successRate: Double?
    /// The median seconds from a deployment's start to its end (live or aborted).
    public var duration: Double?
    /// Rollbacks: automatic (incidents) and to a kept release by hand.
    public var rollbacks: Int

    /// The metrics of `releases` and `incidents` between `from` and `to`. `commitTimes` gives, by
    /// release id, the times of the commits that release brought (unknown ones are left out).
    public static func compute(
        releases: [Release], incidents: [IncidentReport], commitTimes: [String: [Date]], from: Date, to: Date
    ) -> DORAMetrics {
        func inWindow(_ date: Date) -> Bool { date >= from && date < to }
        let deployed = releases.compactMap { release in release.deployedAt.flatMap { inWindow($0) ? (release, $0) : nil } }
        let failed = releases.filter { $0.failedAt.map(inWindow) ?? false }
        let attempts = deployed.count + failed.count
        let days = max(to.timeIntervalSince(from) / 86400, 1e-9)
        let leadTimes = deployed.flatMap { release, at in
            (commitTimes[release.id] ?? []).map { at.timeIntervalSince($0) }.filter { $0 >= 0 }
        }
        let windowIncidents = incidents.filter { inWindow($0.detected) }
        let failedChanges = Set(windowIncidents.map(\.failedRelease.id))
        let restores = incidents.compactMap { incident in
            incident.resolution.flatMap { inWindow($0.time) ? $0.time.timeIntervalSince(incident.detected) : nil }
        }
        let durations =
            deployed.map { release, at in at.timeIntervalSince(release.created) }
            + failed.compactMap { release in release.failedAt.map { $0.timeIntervalSince(release.created) } }
        let manualRollbacks = releases.flatMap { $0.rolledBackTo ?? [] }.filter(inWindow).count
        return DORAMetrics(
            from: from, to: to, deployments: deployed.count, attempts: attempts, deploymentsPerDay: Double(deployed.count) / days,
            frequency: bucket(deployed.map(\.1), from: from, to: to), leadTime: median(leadTimes), changes: leadTimes.count,
            changeFailureRate: attempts > 0 ? Double(failedChanges.count) / Double(attempts) : nil, timeToRestore: median(restores),
            incidents: windowIncidents.count, openIncidents: windowIncidents.filter { $0.resolution == nil }.count,
            successRate: attempts > 0 ? Double(deployed.count) / Double(attempts) : nil, duration: median(durations),
            rollbacks: windowIncidents.count + manualRollbacks)
    }

    /// Four Keys' bucket of deployment `times` in the window: whole weeks and 30-day months counted
    /// from `from` (a partial last period counts as one).
    static func bucket(_ times: [Date], from: Date, to: Date) -> String {
        guard !times.isEmpty else { return "none" }
        func periods(_ length: Double) -> Int { max(1, Int((to.timeIntervalSince(from) / length).rounded(.up))) }
        func index(_ time: Date, _ length: Double) -> Int { Int(time.timeIntervalSince(from) / length) }
        let week = 7 * 86400.0
        var daysPerWeek = [Set<Int>](repeating: [], count: periods(week))
        for time in times { daysPerWeek[min(index(time, week), daysPerWeek.count - 1)].insert(index(time, 86400)) }
        if median(daysPerWeek.map { Double($0.count) })! >= 3 { return "daily" }
        if median(daysPerWeek.map { $0.isEmpty ? 0 : 1 })! >= 1 { return "weekly" }
        let month = 30 * 86400.0
        var perMonth = [Double](repeating: 0, count: periods(month))
        for time in times { perMonth[min(index(time, month), perMonth.count - 1)] += 1 }
        return median(perMonth)! >= 1 ? "monthly" : "yearly"
    }

    /// The median (the mean of the middle two for an even count); nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// For people: one line per metric.
    public var text: String {
        func duration(_ seconds: Double?) -> String {
            guard let seconds else { return "—" }
            if seconds < 120 { return String(format: "%.0f s", seconds) }
            if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
            if seconds < 172_800 { return String(format: "%.1f h", seconds / 3600) }
            return String(format: "%.1f days", seconds / 86400)
        }
        func percent(_ share: Double?) -> String { share.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
        let formatter = ISO8601DateFormatter()
        return [
            "window: \(formatter.string(from: from)) to \(formatter.string(from: to))",
            "deployment frequency: \(frequency) (\(deployments) deployments, \(String(format: "%.2f", deploymentsPerDay)) a day)",
            "lead time for changes: \(duration(leadTime)) (median of \(changes) commits)",
            "change failure rate: \(percent(changeFailureRate)) (\(incidents) incidents of \(attempts) attempts)",
            "time to restore: \(duration(timeToRestore)) (median; \(openIncidents) incidents open)",
            "deployment success rate: \(percent(successRate)); median duration \(duration(self.duration)); rollbacks \(rollbacks)",
        ].joined(separator: "\n")
    }
}
