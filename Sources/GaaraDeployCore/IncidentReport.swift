import Foundation

/// What an automatic rollback leaves behind (the guide's "create an incident report"): which
/// release failed and which took the traffic back, what tripped and on what figures, the rollout's
/// timeline with times, and how long detection and restoring took. Written as JSON and Markdown in
/// the environment's folder (`gaara incidents ENV`); later the source of DORA's change failure rate
/// and time to restore.
public struct IncidentReport: Sendable, Equatable, Codable {
    /// One moment of the rollout: when, and what happened.
    public typealias Moment = Release.Event

    /// Its number within the environment (1, 2, …).
    public var number: Int
    /// The environment.
    public var environment: String
    /// The service.
    public var service: String
    /// What tripped the rollback, in the controller's words (a failed check with its output, the
    /// judge's finding with its figures).
    public var trigger: String
    /// The release that failed, and what it ran.
    public var failedRelease: Release
    /// The release that serves the traffic again (nil: a first release; nothing served before).
    public var restoredRelease: Release?
    /// The analysis steps' findings, in order.
    public var findings: [String]
    /// The failing release's last log lines.
    public var logTail: String
    /// The rollout, moment by moment.
    public var timeline: [Moment]
    /// When the rollout began.
    public var deployStarted: Date
    /// When the failure was detected (the moment the rollback began).
    public var detected: Date
    /// When the traffic was back on the restored release (the rollout's end).
    public var restored: Date
    /// The commits between the restored and the failed release (`abc1234 subject`, newest first;
    /// nil when unknown: no commits recorded, or no git history at hand).
    public var commits: [String]? = nil
    /// How the incident was closed (nil: open).
    public var resolution: Resolution? = nil

    /// How an incident was closed: by a later release that went live healthy, or by a person.
    public struct Resolution: Sendable, Equatable, Codable {
        /// When.
        public var time: Date
        /// The release that went live (`web-5`) or the person.
        public var by: String
        /// Why, in words.
        public var note: String

        /// Creates a resolution.
        public init(time: Date, by: String, note: String) {
            self.time = time
            self.by = by
            self.note = note
        }
    }

    /// Creates a report.
    public init(
        number: Int, environment: String, service: String, trigger: String, failedRelease: Release, restoredRelease: Release?, findings: [String],
        logTail: String, timeline: [Moment], deployStarted: Date, detected: Date, restored: Date
    ) {
        self.number = number
        self.environment = environment
        self.service = service
        self.trigger = trigger
        self.failedRelease = failedRelease
        self.restoredRelease = restoredRelease
        self.findings = findings
        self.logTail = logTail
        self.timeline = timeline
        self.deployStarted = deployStarted
        self.detected = detected
        self.restored = restored
    }

    /// Seconds from the rollout's start to the detection.
    public var timeToDetect: Double { detected.timeIntervalSince(deployStarted) }
    /// Seconds from the detection until the traffic was back.
    public var timeToRestore: Double { restored.timeIntervalSince(detected) }

    /// The report in Markdown, for a person (and a notification).
    public var markdown: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func version(_ release: Release) -> String {
            "`\(release.id)` — `\(release.artifact)`" + (release.commit.map { ", commit `\($0.prefix(12))`" } ?? "")
                + ", deployed by \(release.creator)"
        }
        var lines = [
            "# Incident \(number): \(service) in \(environment) rolled back", "",
            "**Trigger**: \(trigger)", "",
            "- Failed release: \(version(failedRelease))",
            "- Restored release: " + (restoredRelease.map(version) ?? "none (the environment's first release: nothing served before)"),
            "- Time to detect: \(String(format: "%.1f", timeToDetect)) s after the rollout began",
            "- Time to restore: \(String(format: "%.1f", timeToRestore)) s after detection",
            "- Status: "
                + (resolution.map { "resolved \(formatter.string(from: $0.time)) by \($0.by): \($0.note)" }
                    ?? "open (a later healthy release, or `gaara incidents \(environment) \(number) --resolve`, closes it)"),
            "",
        ]
        if let commits {
            lines += ["## Changes", ""]
            lines += commits.isEmpty ? ["- none between the two commits"] : commits.map { "- `\($0.prefix(7))`\($0.dropFirst(7))" }
            lines.append("")
        }
        lines += ["## Timeline", ""]
        lines += timeline.map { "- \(formatter.string(from: $0.time)) \($0.text)" }
        if !findings.isEmpty {
            lines += ["", "## Analysis", ""] + findings.map { "- \($0)" }
        }
        if !logTail.isEmpty {
            lines += ["", "## Last log lines of \(failedRelease.id)", "", "```", logTail.trimmingCharacters(in: .newlines), "```"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
