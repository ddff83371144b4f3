import Testing

@testable import GaaraAlertCore

/// Silences and inhibition: muted alerts are left out of notifications, and come back when the
/// mute ends if they still fire.
struct MutingTests {
    /// One receiver, a group per alert name and service.
    static let route = AlertRoute(receiver: "team", groupBy: .labels(["alertname", "service"]))

    /// A silence of `matchers` from `start` to `end`.
    static func silence(_ matchers: [String], from start: Double = 0, to end: Double, id: String = "s1") -> Silence {
        Silence(id: id, matchers: matchers.map(matcher), startsAt: start, endsAt: end, createdBy: "ops@example.com", comment: "maintenance")
    }

    @Test func aSilencedAlertIsNotNotifiedUntilTheSilenceEnds() throws {
        var clock = DispatchClock(Self.route)
        try clock.dispatcher.addSilence(Self.silence(["service=api"], to: 1000))
        clock.receive([alert("HighCPU", ["service": "api"]), alert("HighCPU", ["service": "web"])], at: 0)
        clock.run(until: 1229)
        #expect(clock.log == ["30 team: firing HighCPU/web"])
        clock.run(until: 1230)
        #expect(clock.log.last == "1230 team: firing HighCPU/api", "the first flush after the end")
    }

    @Test func expiringASilenceEndsItAtThatTime() throws {
        var clock = DispatchClock(Self.route)
        try clock.dispatcher.addSilence(Self.silence(["service=api"], to: 10_000))
        clock.receive([alert("HighCPU", ["service": "api"])], at: 0)
        clock.run(until: 500)
        let expired = clock.dispatcher.expireSilence(id: "s1", at: 500)
        let again = clock.dispatcher.expireSilence(id: "s1", at: 501)
        let unknown = clock.dispatcher.expireSilence(id: "nope", at: 501)
        #expect(expired && !again && !unknown, "an ended or unknown silence cannot be expired")
        clock.run(until: 1000)
        #expect(clock.log == ["630 team: firing HighCPU/api"])
        #expect(clock.dispatcher.silences[0].endsAt == 500)
    }

    @Test func aSilenceAddedLaterMutesRepeatsAndTheResolution() throws {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighCPU", ["service": "api"])], at: 0)
        clock.run(until: 100)
        try clock.dispatcher.addSilence(Self.silence(["alertname=HighCPU"], from: 100, to: 20_000))
        clock.receive([alert("HighCPU", ["service": "api"], .resolved, at: 15_000)], at: 15_000)
        clock.run(until: 30_000)
        #expect(clock.log == ["30 team: firing HighCPU/api"], "no repeat at 14430, no resolved message")
        #expect(clock.dispatcher.groups.isEmpty)
    }

    @Test func aSilenceMustMatchSomethingAndEndAfterItStarts() {
        var dispatcher = AlertDispatcher(route: Self.route)
        let problems = [
            Self.silence([], to: 10), Self.silence([#"service=~".*""#], to: 10), Self.silence(["service=api"], from: 10, to: 10),
        ]
        for silence in problems {
            do {
                try dispatcher.addSilence(silence)
                Issue.record("added \(silence)")
            } catch {
                #expect(error.message == silence.problem)
            }
        }
        #expect(dispatcher.silences.isEmpty)
    }

    @Test func addingASilenceWithTheSameIdReplacesItAndOldOnesAreForgotten() throws {
        var dispatcher = AlertDispatcher(route: Self.route)
        try dispatcher.addSilence(Self.silence(["service=api"], to: 100))
        try dispatcher.addSilence(Self.silence(["service=web"], to: 200))
        try dispatcher.addSilence(Self.silence(["service=db"], to: 100, id: "s2"))
        #expect(dispatcher.silences.map { $0.matchers[0].value } == ["web", "db"])
        _ = dispatcher.tick(at: 100 + AlertDispatcher.silenceRetention + 1)
        #expect(dispatcher.silences.map(\.id) == ["s1"], "s2 ended more than the retention ago")
    }

    @Test func aRollbackQuietsItsServicesAlertsUntilItResolves() {
        var clock = DispatchClock(Self.route, inhibitRules: [.rollbackInProgress])
        let rollback = alert("RollbackInProgress", ["environment": "production", "service": "api", "severity": "info"])
        let apiErrors = alert("HighErrorRate", ["environment": "production", "service": "api", "severity": "critical"])
        let webErrors = alert("HighErrorRate", ["environment": "production", "service": "web", "severity": "critical"])
        let stagingErrors = alert("HighErrorRate", ["environment": "staging", "service": "api", "severity": "critical"])
        clock.receive([rollback, apiErrors, webErrors], at: 0)
        clock.run(until: 100)
        #expect(clock.log == ["30 team: firing HighErrorRate/web", "30 team: firing RollbackInProgress/api"])
        #expect(clock.dispatcher.isMuted(apiErrors, at: 100))
        #expect(!clock.dispatcher.isMuted(stagingErrors, at: 100), "another environment's rollback is not this one's")
        var ended = rollback
        ended.state = .resolved
        clock.receive([ended], at: 100)
        clock.run(until: 400)
        #expect(
            clock.log.suffix(2) == ["330 team: firing HighErrorRate/api", "330 team: resolved RollbackInProgress/api"],
            "the production api alert is told once the rollback is over")
    }

    @Test func inhibitionNeedsAFiringSourceWithEqualLabelsAndNeverMutesBothSidedAlertsByEachOther() {
        let rule = InhibitRule(
            sourceMatchers: [matcher("severity=critical")], targetMatchers: [matcher(#"severity=~"warning|critical""#)], equal: ["service"])
        let critical = alert("Down", ["service": "api", "severity": "critical"])
        let otherCritical = alert("Errors", ["service": "api", "severity": "critical"])
        let warning = alert("Slow", ["service": "api", "severity": "warning"])
        let elsewhere = alert("Slow", ["service": "web", "severity": "warning"])
        #expect(rule.mutes(warning, sources: [critical]))
        #expect(!rule.mutes(elsewhere, sources: [critical]), "the equal labels differ")
        #expect(!rule.mutes(warning, sources: [alert("Down", ["service": "api", "severity": "critical"], .resolved)]), "only firing sources")
        #expect(!rule.mutes(otherCritical, sources: [critical]), "both sides: no mutual muting")
        #expect(!rule.mutes(critical, sources: [critical]), "never itself")
        #expect(rule.mutes(alert("Slow", ["severity": "warning"]), sources: [alert("Down", ["severity": "critical"])]), "both lack 'service': equal")
    }
}
