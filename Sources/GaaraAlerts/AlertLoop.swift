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
    /// The samples of the latest cycle.
    public private(set) var samples: [MetricSample] = []

    /// What a loop must keep across a restart: its evaluator (how long each alert has held) and its
    /// dispatcher (groups, what each last sent, silences), and the time they were saved.
    public struct Snapshot: Sendable, Codable {
        /// The rules' state.
        public var evaluator: RuleEvaluator
        /// The groups' and silences' state.
        public var dispatcher: AlertDispatcher
        /// When it was saved (seconds since the epoch).
        public var time: Double
    }

    /// A loop for `config`'s rules and route, fed by `sources`, delivering through `delivery`; it
    /// goes on from `restoring` when that was saved with the same rules (and route and inhibition
    /// rules: else those parts start afresh).
    public init(config: AlertConfig, sources: [any MetricSource], delivery: any AlertDelivery, restoring: Snapshot? = nil) {
        let fresh = config.makeDispatcher()
        if let saved = restoring?.evaluator, saved.rules == config.rules {
            evaluator = saved
        } else {
            evaluator = config.makeEvaluator()
        }
        if let saved = restoring?.dispatcher, saved.route == fresh.route, saved.inhibitRules == fresh.inhibitRules {
            dispatcher = saved
        } else {
            dispatcher = fresh
        }
        alerts = evaluator.alerts
        self.sources = sources
        self.delivery = delivery
    }

    /// The state to save.
    public func snapshot(at now: Double) -> Snapshot { Snapshot(evaluator: evaluator, dispatcher: dispatcher, time: now) }

    /// Makes the dispatcher's silences those of `silences` (added, or replaced by id: the file
    /// people edit through `gaara alerts silence` is the truth); an invalid one is skipped.
    public func sync(silences: [Silence]) {
        for silence in silences where dispatcher.silences.first(where: { $0.id == silence.id }) != silence {
            try? dispatcher.addSilence(silence)
        }
    }

    /// One cycle at `now` (seconds since the epoch): samples, evaluation, dispatch, delivery (the
    /// notifications are delivered before it returns). Returns what was delivered.
    @discardableResult
    public func cycle(at now: Double, extra: [Alert] = []) async -> [AlertNotification] {
        var samples: [MetricSample] = []
        for source in sources { samples += await source.samples() }
        self.samples = samples
        alerts = evaluator.evaluate(samples, at: now)
        dispatcher.receive(alerts + extra, at: now)
        let due = dispatcher.tick(at: now)
        for notification in due { await delivery.deliver(notification, at: Date(timeIntervalSince1970: now)) }
        return due
    }

    /// The latest cycle in Prometheus' text format (for `/metrics`).
    public var exposition: String { PrometheusExposition.render(samples: samples, alerts: alerts) }

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
