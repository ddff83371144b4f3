import Foundation
import GaaraAlertCore
import GaaraHTTP

/// Where the dispatcher's notifications go.
public protocol AlertDelivery: Sendable {
    /// Delivers `notification` (retries are the delivery's own; nothing is thrown).
    func deliver(_ notification: AlertNotification, at time: Date) async
}

extension AlertNotifier: AlertDelivery {
    /// Delivers to the receiver's channels.
    public func deliver(_ notification: AlertNotification, at time: Date) async {
        await send(notification, at: time)
    }
}

/// Fixed samples that a test (or a caller) changes between cycles.
public actor StaticMetricSource: MetricSource {
    /// What ``samples()`` returns.
    public var current: [MetricSample]

    /// A source returning `samples`.
    public init(_ samples: [MetricSample] = []) { current = samples }

    /// Replaces the samples.
    public func set(_ samples: [MetricSample]) { current = samples }

    /// The samples.
    public func samples() async -> [MetricSample] { current }
}

/// Keeps what it was asked to deliver (for tests of the layer above).
public actor RecordingAlertDelivery: AlertDelivery {
    /// The notifications, in order, with when they were sent.
    public private(set) var sent: [(time: Date, notification: AlertNotification)] = []

    /// An empty recorder.
    public init() {}

    /// Keeps `notification`.
    public func deliver(_ notification: AlertNotification, at time: Date) async { sent.append((time, notification)) }
}

/// The alerting loop: every cycle, each source's samples go through the rules (``RuleEvaluator``),
/// the alerts into the dispatcher (``AlertDispatcher``), and what is due out to the delivery. The
/// decisions are the pure cores'; this only carries data between them on a clock.
public actor AlertLoop {
    private var evaluator: RuleEvaluator
    private var dispatcher: AlertDispatcher
    let sources: [any MetricSource]
    let delivery: any AlertDelivery
    /// The alerts of the latest cycle (pending, firing, and resolved once).
    public private(set) var alerts: [Alert] = []

    /// A loop for `config`'s rules and route, fed by `sources`, delivering through `delivery`.
    public init(config: AlertConfig, sources: [any MetricSource], delivery: any AlertDelivery) {
        evaluator = config.makeEvaluator()
        dispatcher = config.makeDispatcher()
        self.sources = sources
        self.delivery = delivery
    }

    /// One cycle at `now` (seconds since the epoch): samples, evaluation, dispatch, delivery (the
    /// notifications are delivered before it returns). Returns what was delivered.
    @discardableResult
    public func cycle(at now: Double, extra: [Alert] = []) async -> [AlertNotification] {
        var samples: [MetricSample] = []
        for source in sources { samples += await source.samples() }
        alerts = evaluator.evaluate(samples, at: now)
        dispatcher.receive(alerts + extra, at: now)
        let due = dispatcher.tick(at: now)
        for notification in due { await delivery.deliver(notification, at: Date(timeIntervalSince1970: now)) }
        return due
    }

    /// Silences alerts matching `silence` (Alertmanager's silences).
    public func silence(_ silence: Silence) throws(SilenceError) { try dispatcher.addSilence(silence) }

    /// The silences, active and recently ended.
    public var silences: [Silence] { dispatcher.silences }

    /// Runs a cycle every `interval` seconds until cancelled.
    public func run(interval: Double = 15) async {
        while !Task.isCancelled {
            await cycle(at: Date().timeIntervalSince1970)
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
