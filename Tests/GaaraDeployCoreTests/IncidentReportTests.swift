import Foundation
import Testing

@testable import GaaraDeployCore

/// An incident report's figures and its Markdown.
struct IncidentReportTests {
    static func release(_ number: Int, commit: String?) -> Release {
        Release(
            number: number, service: "web", environment: "production", artifact: "registry/web@sha256:\(number)", commit: commit, creator: "ada",
            created: Date(timeIntervalSince1970: 1_800_000_000), state: number == 2 ? .failed : .live, events: [])
    }

    @Test func theReportSaysWhatTrippedWhenAndWhatServesAgain() {
        let start = Date(timeIntervalSince1970: 1_800_000_100)
        let report = IncidentReport(
            number: 3, environment: "production", service: "web", trigger: "analysis for up to 5m failed: canary error rate 9.88% is higher",
            failedRelease: Self.release(2, commit: "0123456789abcdef0123"), restoredRelease: Self.release(1, commit: nil),
            findings: ["analysis failed: canary error rate 9.88% is higher than the stable version's 0.00%"], logTail: "GET /\nGET /\n",
            timeline: [
                .init(time: start, text: "start on local"), .init(time: start.addingTimeInterval(2), text: "route 5%"),
                .init(time: start.addingTimeInterval(9.5), text: "analysis failed: …"),
            ],
            deployStarted: start, detected: start.addingTimeInterval(9.5), restored: start.addingTimeInterval(10))
        #expect(report.timeToDetect == 9.5 && report.timeToRestore == 0.5)
        let markdown = report.markdown
        for part in [
            "# Incident 3: web in production rolled back\n", "**Trigger**: analysis for up to 5m failed",
            "- Failed release: `web-2` — `registry/web@sha256:2`, commit `0123456789ab`, deployed by ada",
            "- Restored release: `web-1` — `registry/web@sha256:1`, deployed by ada", "- Time to detect: 9.5 s", "- Time to restore: 0.5 s",
            "Z route 5%\n", "## Analysis\n\n- analysis failed", "## Last log lines of web-2\n\n```\nGET /\nGET /\n```\n",
        ] {
            #expect(markdown.contains(part), "\(part)\n---\n\(markdown)")
        }
        let first = IncidentReport(
            number: 1, environment: "production", service: "web", trigger: "health", failedRelease: Self.release(1, commit: nil),
            restoredRelease: nil,
            findings: [], logTail: "", timeline: [], deployStarted: start, detected: start, restored: start)
        #expect(first.markdown.contains("- Restored release: none") && !first.markdown.contains("## Analysis") && !first.markdown.contains("```"))
    }

    @Test func theChangesBetweenTheVersionsAndTheResolutionAreShown() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_100)
        var report = IncidentReport(
            number: 2, environment: "production", service: "web", trigger: "health", failedRelease: Self.release(2, commit: "bbb"),
            restoredRelease: Self.release(1, commit: "aaa"), findings: [], logTail: "", timeline: [], deployStarted: start, detected: start,
            restored: start)
        #expect(report.markdown.contains("- Status: open (a later healthy release, or `gaara incidents production 2 --resolve`, closes it)"))
        #expect(!report.markdown.contains("## Changes"), "unknown commits are not shown as none")
        report.commits = ["1a2b3c4 Fix the checkout", "5d6e7f8 Cache notes"]
        report.resolution = .init(time: start.addingTimeInterval(600), by: "web-3", note: "a later release went live healthy")
        let markdown = report.markdown
        #expect(markdown.contains("## Changes\n\n- `1a2b3c4` Fix the checkout\n- `5d6e7f8` Cache notes\n"), "\(markdown)")
        #expect(markdown.contains("- Status: resolved 2027-01-15T08:11:40.000Z by web-3: a later release went live healthy"), "\(markdown)")
        // Reports written before these fields existed still read.
        let old = try JSONEncoder().encode(report)
        var object = try JSONSerialization.jsonObject(with: old) as! [String: Any]
        object["commits"] = nil
        object["resolution"] = nil
        let decoded = try JSONDecoder().decode(IncidentReport.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded.commits == nil && decoded.resolution == nil)
    }
}
