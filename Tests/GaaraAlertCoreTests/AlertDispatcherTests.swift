import Testing

@testable import GaaraAlertCore

/// Alertmanager's timing on a fake clock: group wait, group interval, repeat interval, resolution.
struct AlertDispatcherTests {
    /// One receiver, a group per alert name.
    static let route = AlertRoute(receiver: "team", groupBy: .labels(["alertname"]))

    @Test func groupWaitBatchesAlertsThatStartTenSecondsApart() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighLatency", ["service": "api"])], at: 0)
        #expect(clock.dispatcher.nextDue(after: 0) == 30)
        clock.receive([alert("HighLatency", ["service": "web"], at: 10)], at: 10)
        clock.run(until: 29)
        #expect(clock.log.isEmpty)
        clock.run(until: 1000)
        #expect(clock.log == ["30 team: firing HighLatency/api, HighLatency/web"], "one notification; nothing changes after")
    }

    @Test func aNewAlertInAnExistingGroupWaitsForTheNextInterval() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighLatency", ["service": "api"])], at: 0)
        clock.receive([alert("HighLatency", ["service": "web"], at: 100)], at: 100)
        #expect(clock.dispatcher.nextDue(after: 100) == 330)
        clock.run(until: 700)
        #expect(clock.log == ["30 team: firing HighLatency/api", "330 team: firing HighLatency/api, HighLatency/web"])
    }

    @Test func anUnchangedGroupIsRepeatedAfterTheRepeatIntervalNotBefore() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighCPU")], at: 0)
        clock.run(until: 14_429)
        #expect(clock.log == ["30 team: firing HighCPU"])
        clock.run(until: 14_430)
        #expect(clock.log == ["30 team: firing HighCPU", "14430 team: firing HighCPU"])
        clock.run(until: 28_829)
        #expect(clock.log.count == 2)
        clock.run(until: 28_830)
        #expect(clock.log.count == 3)
    }

    @Test func aResolvedAlertIsSentOnceThenTheGroupIsGone() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighCPU", ["service": "api"])], at: 0)
        clock.receive([alert("HighCPU", ["service": "api"], .resolved, at: 50)], at: 50)
        clock.run(until: 1000)
        #expect(clock.log == ["30 team: firing HighCPU/api", "330 team: resolved HighCPU/api"])
        #expect(clock.dispatcher.groups.isEmpty && clock.dispatcher.nextDue(after: 1000) == nil)
    }

    @Test func oneResolvingOfTwoIsAChangeAndTheRestStaysFiring() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("HighCPU", ["service": "api"]), alert("HighCPU", ["service": "web"])], at: 0)
        clock.receive([alert("HighCPU", ["service": "web"], .resolved, at: 40)], at: 40)
        clock.run(until: 1000)
        #expect(clock.log == ["30 team: firing HighCPU/api, HighCPU/web", "330 team: firing HighCPU/api; resolved HighCPU/web"])
        #expect(clock.dispatcher.groups.values.map { Array($0.alerts.keys) } == [[alert("HighCPU", ["service": "api"]).fingerprint]])
    }

    @Test func anAlertThatFiresAndResolvesWithinTheGroupWaitIsNeverSent() {
        var clock = DispatchClock(Self.route)
        clock.receive([alert("DeploymentFailed")], at: 0)
        clock.receive([alert("DeploymentFailed", .resolved, at: 20)], at: 20)
        clock.run(until: 1000)
        #expect(clock.log.isEmpty && clock.dispatcher.groups.isEmpty)
    }

    @Test func pendingAlertsAndResolutionsOfUnknownAlertsAreIgnored() {
        var dispatcher = AlertDispatcher(route: Self.route)
        dispatcher.receive([alert("A", .pending), alert("B", .resolved)], at: 0)
        #expect(dispatcher.groups.isEmpty && dispatcher.nextDue(after: 0) == nil)
    }

    @Test func anAlertOlderThanTheGroupWaitIsSentAtOnceByANewGroup() {
        var dispatcher = AlertDispatcher(route: Self.route)
        dispatcher.receive([alert("HighCPU", at: 0)], at: 100)
        #expect(dispatcher.nextDue(after: 100) == 100, "after a restart, old news is not held back")
        #expect(dispatcher.tick(at: 100).map(\.summary) == ["team: firing HighCPU"])
    }

    @Test func groupsSplitByTheirLabelsAndCarryThemInTheNotification() {
        var dispatcher = AlertDispatcher(route: AlertRoute(receiver: "team", groupBy: .labels(["environment"])))
        dispatcher.receive(
            [alert("A", ["environment": "production"]), alert("B", ["environment": "staging"]), alert("C", ["environment": "production"])], at: 0)
        let notifications = dispatcher.tick(at: 30)
        #expect(notifications.map(\.summary) == ["team: firing A, C", "team: firing B"])
        #expect(notifications.map(\.groupKey) == [#"{}:{environment="production"}"#, #"{}:{environment="staging"}"#])
        #expect(notifications[0].groupLabels == ["environment": "production"])
    }

    @Test func routesWithContinueNotifyEachReceiverWithItsOwnTiming() {
        let route = AlertRoute(
            receiver: "team", groupBy: .labels(["alertname"]),
            routes: [
                AlertRoute(receiver: "oncall", matchers: [matcher("severity=critical")], groupWait: 5, continue: true),
                AlertRoute(receiver: "web", matchers: [matcher(#"service=~"api|web""#)]),
            ])
        var clock = DispatchClock(route)
        clock.receive([alert("HighErrorRate", ["service": "api", "severity": "critical"]), alert("HighCPU", ["service": "db"])], at: 0)
        clock.run(until: 100)
        #expect(
            clock.log == ["5 oncall: firing HighErrorRate/api", "30 web: firing HighErrorRate/api", "30 team: firing HighCPU/db"],
            "due groups flush in key order")
    }
}
