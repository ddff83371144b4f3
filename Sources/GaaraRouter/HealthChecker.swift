import Foundation
import GaaraEvents
import GaaraHTTP
import GaaraRouterCore
import Synchronization

/// Runs the active health checks: each target of a service with a ``HealthCheck`` gets a `GET` of
/// the check's path every interval; the answers move it through adding → healthy ⇄ unhealthy by the
/// thresholds. Also retires targets no service lists any more once their last request finished, and
/// publishes passive ejections (a target taken out for upstream errors, and back after its time)
/// as health changes `healthy → ejected → healthy`, found here rather than on the forwarding path.
public struct HealthChecker: Sendable {
    let table: RoutingTable
    /// Where health changes are published (nil: nowhere).
    let events: (any EventSink)?

    /// A checker for `table`'s targets; each change of a target's health goes to `events`.
    public init(table: RoutingTable, events: (any EventSink)? = nil) {
        self.table = table
        self.events = events
    }

    /// Checks until the task is cancelled.
    public func run() async {
        var due: [TargetAddress: Double] = [:]
        var ejected: Set<TargetAddress> = []
        let busy = Busy()
        await withDiscardingTaskGroup { tasks in
            while !Task.isCancelled {
                let now = ProxyHandler.monotonicSeconds()
                table.sweep()
                ejected = publishEjections(since: ejected, now: now)
                var wanted: [TargetAddress: HealthCheck] = [:]
                for service in table.snapshot.services {
                    guard let check = service.config.healthCheck else { continue }
                    for group in service.groups { for target in group.targets { wanted[target.address] = check } }
                }
                due = due.filter { wanted[$0.key] != nil }
                for (address, check) in wanted where due[address].map({ now >= $0 }) ?? true {
                    guard let target = table.target(address), busy.set.withLock({ $0.insert(address).inserted }) else { continue }
                    due[address] = now + max(0.05, check.interval)
                    tasks.addTask {
                        let ok = await probe(address, path: check.path, timeout: check.timeout)
                        let (before, after) = target.updateHealth { health in
                            let before = health.state
                            _ = health.checked(ok: ok, settings: check.settings)
                            return (before, health.state)
                        }
                        if before != after {
                            events?.publish(
                                LifecycleEvent(
                                    .targetHealth(TargetHealthChange(target: address.description, from: before.rawValue, to: after.rawValue))))
                        }
                        _ = busy.set.withLock { $0.remove(address) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            tasks.cancelAll()
        }
    }

    /// Publishes the targets ejected since the last look, and those back from an ejection; returns
    /// the ones ejected now.
    func publishEjections(since before: Set<TargetAddress>, now: Double) -> Set<TargetAddress> {
        guard let events else { return [] }  // `gaara router` alone: nobody to tell, nothing to look at
        var current: Set<TargetAddress> = []
        for target in table.allTargets {
            let health = target.healthState
            if health.state == .healthy, let until = health.ejectedUntil, now < until { current.insert(target.address) }
        }
        guard current != before else { return current }
        for address in current.subtracting(before).sorted(by: { $0.description < $1.description }) {
            events.publish(LifecycleEvent(.targetHealth(TargetHealthChange(target: address.description, from: "healthy", to: "ejected"))))
        }
        for address in before.subtracting(current).sorted(by: { $0.description < $1.description }) {
            events.publish(LifecycleEvent(.targetHealth(TargetHealthChange(target: address.description, from: "ejected", to: "healthy"))))
        }
        return current
    }

    /// `GET path` through the one ``OutboundHTTP`` client: true for a 2xx or 3xx answer within
    /// `timeout` seconds (redirects are not followed: a 3xx is an answer).
    func probe(_ address: TargetAddress, path: String, timeout: Double) async -> Bool {
        let request = OutboundRequest(
            url: "http://\(address)\(path.hasPrefix("/") ? path : "/" + path)",
            headers: [("User-Agent", "gaara-router-health"), ("Connection", "close")], timeout: timeout, maxResponseBytes: 1 << 20)
        guard let response = try? await OutboundHTTP.shared.send(request) else { return false }
        return (200..<400).contains(response.status)
    }
}

/// The targets being checked now.
private final class Busy: Sendable {
    let set = Mutex<Set<TargetAddress>>([])
}
