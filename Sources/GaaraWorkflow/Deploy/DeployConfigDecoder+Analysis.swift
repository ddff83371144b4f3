import GaaraDeployCore

/// The decoding of a canary's `analysis`: the judge's settings and Argo-style metrics.
extension DeployConfigDecoder {
    static let analysisKeys = [
        "error-rate-limit", "min-requests", "initial-delay", "on-fail", "judge", "metrics", "traffic", "critical", "weights", "pass-score",
        "marginal-score", "latency-allowance", "latency-allowance-ratio",
    ]
    /// What the judge compares (the names `critical` and `weights` take).
    static let judgedMetrics = ["error-rate", "latency"]
    static let metricKeys =
        [
            "name", "interval", "count", "initial-delay", "success-condition", "failure-condition", "failure-limit", "consecutive-failure-limit",
            "consecutive-error-limit", "inconclusive-limit", "dry-run", "timeout",
        ] + providers
    static let providers = ["router", "http", "command", "prometheus"]

    /// `analysis: true`, or `{error-rate-limit: 5%, min-requests: 50, initial-delay: 5s, on-fail:
    /// rollback|pause, judge: true, metrics: [...]}`.
    mutating func decodeAnalysis(_ node: YAMLNode) -> CanaryAnalysisSettings? {
        if case .bool(let on) = node.scalarType { return on ? CanaryAnalysisSettings() : nil }
        guard let fields = session.mapping(node, "'analysis'", allowNull: true) else { return nil }
        var settings = CanaryAnalysisSettings()
        for field in fields {
            guard let key = session.keyText(field, in: "'analysis'") else { continue }
            switch key {
            case "error-rate-limit":
                if let rate = percentage(field.value, "'error-rate-limit'") { settings.errorRateLimit = rate }
            case "min-requests": settings.minimumRequests = integer(field.value, "'min-requests'", in: 1...1_000_000) ?? settings.minimumRequests
            case "initial-delay": settings.initialDelay = duration(field.value, "'initial-delay'") ?? settings.initialDelay
            case "judge": settings.judge = session.bool(field.value, "'judge'") ?? settings.judge
            case "metrics": settings.metrics = decodeMetrics(field.value)
            case "traffic": settings.traffic = decodeTraffic(field.value)
            case "critical":
                var critical = Set<String>()
                for (name, location) in session.stringList(field.value, "'critical'") ?? [] {
                    if Self.judgedMetrics.contains(name) {
                        critical.insert(name)
                    } else {
                        session.error("'\(name)' is not a metric the judge compares (\(Self.judgedMetrics.joined(separator: ", ")))", at: location)
                    }
                }
                settings.critical = critical
            case "weights":
                for entry in session.mapping(field.value, "'weights'") ?? [] {
                    guard let name = session.keyText(entry, in: "'weights'") else { continue }
                    guard Self.judgedMetrics.contains(name) else {
                        session.error(
                            "'\(name)' is not a metric the judge compares (\(Self.judgedMetrics.joined(separator: ", ")))", at: entry.key.location)
                        continue
                    }
                    if let weight = number(entry.value, "'weights.\(name)'", in: 0...1000) { settings.weights[name] = weight }
                }
            case "pass-score": settings.passScore = number(field.value, "'pass-score'", in: 0...100) ?? settings.passScore
            case "marginal-score": settings.marginalScore = number(field.value, "'marginal-score'", in: 0...100) ?? settings.marginalScore
            case "latency-allowance":
                if let seconds = duration(field.value, "'latency-allowance'") { settings.latencyAllowanceMs = seconds * 1000 }
            case "latency-allowance-ratio":
                if let ratio = percentage(field.value, "'latency-allowance-ratio'") { settings.latencyAllowanceRatio = ratio }
            case "on-fail":
                if let text = session.string(field.value, "'on-fail'") {
                    if let onFail = CanaryAnalysisSettings.OnFail(rawValue: text) {
                        settings.onFail = onFail
                    } else {
                        session.error("'on-fail' must be rollback or pause, not '\(text)'", at: field.value.location)
                    }
                }
            default: session.unknownKey(field.key, allowed: Self.analysisKeys, in: "'analysis'")
            }
        }
        if settings.marginalScore > settings.passScore {
            session.error("'marginal-score' (\(settings.marginalScore)) must not be above 'pass-score' (\(settings.passScore))", at: node.location)
        }
        if !settings.judge, settings.metrics.isEmpty {
            session.error("'analysis' with 'judge: false' needs 'metrics' (else it would judge nothing)", at: node.location)
        }
        return settings
    }

    /// `notify: {slack: SLACK_WEBHOOK, pagerduty: PD_KEY or {routing-key, url}, webhook: URL or {url, secret}, email: {...}}`:
    /// each channel names the secret that holds its address or key.
    mutating func decodeNotify(_ node: YAMLNode) -> NotifySettings {
        var settings = NotifySettings()
        func variable(_ node: YAMLNode, _ what: String) -> String? {
            guard let name = session.string(node, what) else { return nil }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.first!.isNumber else {
                session.error("\(what) names the secret that holds it (SLACK_WEBHOOK), not '\(name.prefix(40))'", at: node.location)
                return nil
            }
            return name
        }
        for field in session.mapping(node, "'notify'") ?? [] {
            guard let key = session.keyText(field, in: "'notify'") else { continue }
            switch key {
            case "slack": settings.slack = variable(field.value, "'notify.slack'")
            case "pagerduty":
                if field.value.pairs == nil {
                    settings.pagerDuty = variable(field.value, "'notify.pagerduty'")
                    continue
                }
                for entry in session.mapping(field.value, "'notify.pagerduty'") ?? [] {
                    guard let name = session.keyText(entry, in: "'notify.pagerduty'") else { continue }
                    switch name {
                    case "routing-key": settings.pagerDuty = variable(entry.value, "'notify.pagerduty.routing-key'")
                    case "url": settings.pagerDutyURL = session.string(entry.value, "'notify.pagerduty.url'") ?? settings.pagerDutyURL
                    default: session.unknownKey(entry.key, allowed: ["routing-key", "url"], in: "'notify.pagerduty'")
                    }
                }
            case "webhook":
                if field.value.pairs == nil {
                    settings.webhook = session.string(field.value, "'notify.webhook'")
                } else {
                    for entry in session.mapping(field.value, "'notify.webhook'") ?? [] {
                        guard let name = session.keyText(entry, in: "'notify.webhook'") else { continue }
                        switch name {
                        case "url": settings.webhook = session.string(entry.value, "'notify.webhook.url'")
                        case "secret": settings.webhookSecret = variable(entry.value, "'notify.webhook.secret'")
                        default: session.unknownKey(entry.key, allowed: ["url", "secret"], in: "'notify.webhook'")
                        }
                    }
                }
                if let url = settings.webhook, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    session.error("'notify.webhook' must be a URL (https://…)", at: field.value.location)
                }
            case "email": settings.email = decodeEmail(field.value)
            default: session.unknownKey(field.key, allowed: ["slack", "pagerduty", "webhook", "email"], in: "'notify'")
            }
        }
        return settings
    }

    /// `traffic: {path: /, rate: 20}` (or `traffic: true`): requests the rollout sends itself.
    mutating func decodeTraffic(_ node: YAMLNode) -> CanaryAnalysisSettings.SyntheticTraffic? {
        if case .bool(let on) = node.scalarType { return on ? CanaryAnalysisSettings.SyntheticTraffic() : nil }
        var traffic = CanaryAnalysisSettings.SyntheticTraffic()
        for field in session.mapping(node, "'traffic'") ?? [] {
            guard let key = session.keyText(field, in: "'traffic'") else { continue }
            switch key {
            case "path":
                if let path = session.string(field.value, "'traffic.path'") {
                    if path.hasPrefix("/") {
                        traffic.path = path
                    } else {
                        session.error("'traffic.path' must start with '/'", at: field.value.location)
                    }
                }
            case "rate":
                if let rate = number(field.value, "'traffic.rate' (requests per second)", in: 0...1000) {
                    if rate > 0 { traffic.rate = rate } else { session.error("'traffic.rate' must be above 0", at: field.value.location) }
                }
            default: session.unknownKey(field.key, allowed: ["path", "rate"], in: "'traffic'")
            }
        }
        return traffic
    }

    /// The `metrics` sequence: names unique, one provider each, conditions that parse.
    mutating func decodeMetrics(_ node: YAMLNode) -> [AnalysisMetric] {
        guard let items = node.items else {
            session.error("'metrics' must be a sequence of metrics, found \(node.kindDescription)", at: node.location)
            return []
        }
        var metrics: [AnalysisMetric] = []
        for item in items {
            guard let metric = decodeMetric(item) else { continue }
            if metrics.contains(where: { $0.name == metric.name }) {
                session.error("metric '\(metric.name)' is named twice", at: item.location)
                continue
            }
            metrics.append(metric)
        }
        return metrics
    }

    mutating func decodeMetric(_ node: YAMLNode) -> AnalysisMetric? {
        guard let fields = session.mapping(node, "a metric") else { return nil }
        guard let nameField = fields.first(where: { $0.key.scalarText == "name" }), let name = session.string(nameField.value, "'name'") else {
            session.error("a metric needs 'name'", at: node.location)
            return nil
        }
        guard checkName(name, at: nameField.value.location, what: "metric") else { return nil }
        let owner = "metric '\(name)'"
        var metric = AnalysisMetric(name: name)
        var providerFields: [YAMLNode.Pair] = []
        var timeout: Double?
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "name": break
            case "interval": metric.interval = positiveDuration(field.value, "'interval'")
            case "count": metric.count = integer(field.value, "'count'", in: 1...100_000)
            case "initial-delay": metric.initialDelay = duration(field.value, "'initial-delay'") ?? 0
            case "success-condition": metric.successCondition = condition(field.value, "'success-condition'")
            case "failure-condition": metric.failureCondition = condition(field.value, "'failure-condition'")
            case "failure-limit": metric.failureLimit = integer(field.value, "'failure-limit'", in: -1...100_000) ?? metric.failureLimit
            case "consecutive-failure-limit": metric.consecutiveFailureLimit = integer(field.value, "'consecutive-failure-limit'", in: 1...100_000)
            case "consecutive-error-limit":
                metric.consecutiveErrorLimit = integer(field.value, "'consecutive-error-limit'", in: 0...100_000) ?? metric.consecutiveErrorLimit
            case "inconclusive-limit":
                metric.inconclusiveLimit = integer(field.value, "'inconclusive-limit'", in: 0...100_000) ?? metric.inconclusiveLimit
            case "dry-run": metric.dryRun = session.bool(field.value, "'dry-run'") ?? false
            case "timeout": timeout = positiveDuration(field.value, "'timeout'")
            case _ where Self.providers.contains(key): providerFields.append(field)
            default: session.unknownKey(field.key, allowed: Self.metricKeys, in: owner)
            }
        }
        if providerFields.count > 1 {
            session.error(
                "\(owner) names \(providerFields.count) providers (\(providerFields.compactMap(\.key.scalarText).joined(separator: ", "))); give one",
                at: providerFields[1].key.location)
            return nil
        }
        if let field = providerFields.first {
            guard let provider = decodeProvider(field, timeout: timeout, owner: owner) else { return nil }
            metric.provider = provider
        }
        if let count = metric.count, count > 1, metric.interval == nil {
            session.error("\(owner) takes \(count) measurements: it needs 'interval' (the time between them)", at: node.location)
            return nil
        }
        if metric.provider == .router, metric.interval == nil {
            session.error("\(owner) reads the router: it needs 'interval' (the window each measurement covers)", at: node.location)
            return nil
        }
        return metric
    }

    /// `router: {}`, `http: URL` or `{url, method, headers, body}`, `command: TEXT`, `prometheus: {address, query}`.
    mutating func decodeProvider(_ field: YAMLNode.Pair, timeout: Double?, owner: String) -> AnalysisMetric.Provider? {
        switch field.key.scalarText {
        case "router":
            if case .bool(true) = field.value.scalarType { return .router }
            if field.value.scalarText == nil || field.value.pairs?.isEmpty == true { return .router }
            session.error("'router' takes no settings (write 'router: {}')", at: field.value.location)
            return nil
        case "command":
            guard let command = session.string(field.value, "'command'") else { return nil }
            return .command(command, timeout: timeout ?? 60)
        case "http":
            if let url = field.value.scalarText, field.value.pairs == nil {
                return .http(AnalysisMetric.HTTPCheck(url: url, timeout: timeout ?? 10))
            }
            var check = AnalysisMetric.HTTPCheck(url: "", timeout: timeout ?? 10)
            for entry in session.mapping(field.value, "'http'") ?? [] {
                guard let key = session.keyText(entry, in: "'http'") else { continue }
                switch key {
                case "url": check.url = session.string(entry.value, "'http.url'") ?? ""
                case "method": check.method = session.string(entry.value, "'http.method'")?.uppercased() ?? check.method
                case "body": check.body = session.string(entry.value, "'http.body'")
                case "headers":
                    for header in session.mapping(entry.value, "'http.headers'") ?? [] {
                        guard let name = session.keyText(header, in: "'http.headers'"), let value = session.string(header.value, "'\(name)'") else {
                            continue
                        }
                        check.headers[name] = value
                    }
                default: session.unknownKey(entry.key, allowed: ["url", "method", "headers", "body"], in: "'http'")
                }
            }
            guard check.url.hasPrefix("http://") || check.url.hasPrefix("https://") || check.url.hasPrefix("$GAARA_") else {
                session.error("\(owner): 'http' needs a 'url' (http://…, or $GAARA_RELEASE_URL/…)", at: field.value.location)
                return nil
            }
            return .http(check)
        case "prometheus":
            var address = "http://127.0.0.1:9090"
            var query: String?
            for entry in session.mapping(field.value, "'prometheus'") ?? [] {
                guard let key = session.keyText(entry, in: "'prometheus'") else { continue }
                switch key {
                case "address": address = session.string(entry.value, "'prometheus.address'") ?? address
                case "query": query = session.string(entry.value, "'prometheus.query'")
                default: session.unknownKey(entry.key, allowed: ["address", "query"], in: "'prometheus'")
                }
            }
            guard let query, !query.isEmpty else {
                session.error("\(owner): 'prometheus' needs a 'query' (PromQL)", at: field.value.location)
                return nil
            }
            guard address.hasPrefix("http://") || address.hasPrefix("https://") else {
                session.error("'prometheus.address' must be a URL (http://127.0.0.1:9090)", at: field.value.location)
                return nil
            }
            return .prometheus(address: address, query: query, timeout: timeout ?? 10)
        default:
            return nil
        }
    }

    /// A condition that parses as a Gaara expression; its errors are reported where it is written.
    mutating func condition(_ node: YAMLNode, _ what: String) -> String? {
        guard let text = session.string(node, what) else { return nil }
        do {
            try MeasurementClassifier.check(text)
        } catch {
            session.error("\(what) is not a valid expression: \(error.message)", at: node.location)
            return nil
        }
        return text
    }

    /// A number (whole or not) within `range`.
    mutating func number(_ node: YAMLNode, _ what: String, in range: ClosedRange<Double>) -> Double? {
        let value: Double? =
            switch node.scalarType {
            case .int(let value): Double(value)
            case .float(let value): value
            default: nil
            }
        guard let value, range.contains(value) else {
            session.error("\(what) must be a number from \(Int(range.lowerBound)) to \(Int(range.upperBound))", at: node.location)
            return nil
        }
        return value
    }

    /// `5%` or `0.05`: a share from 0 to 1 (exclusive of 0).
    mutating func percentage(_ node: YAMLNode, _ what: String) -> Double? {
        var value: Double?
        switch node.scalarType {
        case .float(let number): value = number
        case .int(let number): value = Double(number)
        case .string(let text) where text.hasSuffix("%"): value = Double(text.dropLast()).map { $0 / 100 }
        default: break
        }
        guard let value, value > 0, value < 1 else {
            session.error("\(what) must be a share like 5% or 0.05 (above 0, below 100%)", at: node.location)
            return nil
        }
        return value
    }
}
