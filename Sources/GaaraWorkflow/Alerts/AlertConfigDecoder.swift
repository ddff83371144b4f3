import GaaraAlertCore

/// The decoding of one `.gaara/alerts.yml`: the top level and the rules. Routing, receivers and
/// inhibition are in `AlertConfigDecoder+Routing.swift`.
struct AlertConfigDecoder {
    /// The file and the diagnostics so far.
    var session: DecodingSession
    /// Every receiver a route names, with where, checked once all receivers are known.
    var receiverReferences: [(name: String, location: SourceLocation)] = []
    /// The `email` keys of receivers (an email receiver needs `smtp`).
    var emailKeys: [YAMLNode] = []

    /// The configuration from the document's root: defaults merged, receiver names checked.
    mutating func decode(_ root: YAMLNode) -> AlertConfig {
        guard let pairs = session.mapping(root, "an alerts configuration") else { return AlertConfig() }
        var useDefaults = true
        var rules: [AlertRule] = []
        var route: AlertRoute?
        var receivers: [AlertReceiver] = []
        var receiversKey: YAMLNode?
        var inhibitRules: [InhibitRule] = []
        var smtp: AlertSMTP?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "the alerts configuration") else { continue }
            switch key {
            case "defaults": useDefaults = session.bool(pair.value, "'defaults'") ?? useDefaults
            case "rules": rules = decodeRules(pair.value)
            case "route": route = decodeRoute(pair.value, isRoot: true)
            case "receivers":
                receiversKey = pair.key
                receivers = decodeReceivers(pair.value)
            case "inhibit-rules": inhibitRules = decodeInhibitRules(pair.value)
            case "smtp":
                smtp = session.emailChannel(pair.value, "smtp", recipients: false).map {
                    AlertSMTP(server: $0.server, tls: $0.tls, username: $0.username, password: $0.password, from: $0.from, caFile: $0.caFile)
                }
            default: session.unknownKey(pair.key, allowed: AlertConfigLoader.topKeys, in: "the alerts configuration")
            }
        }
        let names = receivers.map(\.name)
        for reference in receiverReferences where !names.contains(reference.name) {
            let known = names.isEmpty ? "none is defined under 'receivers'" : "define it under 'receivers'"
            session.error(
                "no receiver is named '\(reference.name)'\(Suggestion.hint(for: reference.name, in: names)); \(known)", at: reference.location)
        }
        if route == nil, receivers.count > 1, let receiversKey {
            session.error("with \(receivers.count) receivers, 'route' must say which one gets the alerts", at: receiversKey.location)
        }
        if smtp == nil, let email = emailKeys.first {
            session.error("an email receiver needs the server to send through: add 'smtp: {server: …, from: …}'", at: email.location)
        }
        let ownNames = Set(rules.map(\.name))
        var config = AlertConfig(
            rules: (useDefaults ? AlertRule.defaults.filter { !ownNames.contains($0.name) } : []) + rules,
            route: route ?? AlertRoute(receiver: receivers.first?.name ?? "default"), receivers: receivers,
            inhibitRules: (useDefaults ? [InhibitRule.rollbackInProgress] : []) + inhibitRules)
        config.smtp = smtp
        return config
    }

    /// The `rules` sequence.
    mutating func decodeRules(_ node: YAMLNode) -> [AlertRule] {
        guard let items = node.items else {
            session.error("'rules' must be a sequence of rules, found \(node.kindDescription)", at: node.location)
            return []
        }
        return items.compactMap { decodeRule($0) }
    }

    /// One rule; nil when its name or `expr` is missing or wrong (other mistakes are reported and skipped).
    mutating func decodeRule(_ node: YAMLNode) -> AlertRule? {
        guard let fields = session.mapping(node, "a rule") else { return nil }
        let owner = node["alert"]?.scalarText.map { "rule '\($0)'" } ?? "a rule"
        var name: String?
        var condition: AlertCondition?
        var rule = AlertRule(name: "", condition: AlertCondition(metric: "", .greaterThan, 0))
        var valid = true
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "alert":
                guard let text = session.string(field.value, "'alert'") else {
                    valid = false
                    continue
                }
                if LabelText.isValidName(text) {
                    name = text
                } else {
                    session.error(
                        "alert name '\(text)' must be letters, digits and '_', not starting with a digit (HighErrorRate)", at: field.value.location)
                    valid = false
                }
            case "expr":
                condition = decodeCondition(field.value)
                if condition == nil { valid = false }
            case "for": rule.for = duration(field.value, "'for'") ?? rule.for
            case "keep-firing-for": rule.keepFiringFor = duration(field.value, "'keep-firing-for'")
            case "severity":
                guard let text = session.string(field.value, "'severity'") else { continue }
                if let severity = AlertSeverity(rawValue: text) {
                    rule.severity = severity
                } else {
                    let names = AlertSeverity.allCases.map(\.rawValue)
                    session.error(
                        "'severity' must be critical, warning or info, not '\(text)'\(Suggestion.hint(for: text, in: names))",
                        at: field.value.location)
                }
            case "labels": rule.labels = decodeLabels(field.value, "'labels'")
            case "annotations": rule.annotations = decodeAnnotations(field.value)
            default: session.unknownKey(field.key, allowed: AlertConfigLoader.ruleKeys, in: owner)
            }
        }
        if !fields.contains(where: { $0.key.scalarText == "alert" }) {
            session.error("a rule needs 'alert' (its name, like HighErrorRate)", at: node.location)
        }
        if !fields.contains(where: { $0.key.scalarText == "expr" }) {
            session.error("\(owner) needs 'expr' (metric OP threshold, like error_rate > 1%)", at: node.location)
        }
        guard valid, let name, let condition else { return nil }
        rule.name = name
        rule.condition = condition
        return rule
    }

    /// `metric OP threshold`, each mistake at its column.
    mutating func decodeCondition(_ node: YAMLNode) -> AlertCondition? {
        guard let text = node.scalarText, let style = node.scalarStyle else {
            session.error("'expr' must be a string like 'error_rate > 1%', found \(node.kindDescription)", at: node.location)
            return nil
        }
        do {
            let condition = try AlertCondition.parse(text)
            let known = AlertConfigLoader.knownMetrics
            if !known.contains(condition.metric), let close = Suggestion.closest(to: condition.metric, in: known) {
                session.warning(
                    "metric '\(condition.metric)' is not one Gaara measures (did you mean '\(close)'?); the rule would never fire", at: node.location)
            }
            return condition
        } catch {
            session.error(error.message, at: session.file.location(ofOffset: error.offset, inValue: text, startingAt: node.location, style: style))
            return nil
        }
    }

    /// A mapping of label names to values.
    mutating func decodeLabels(_ node: YAMLNode, _ what: String) -> AlertLabels {
        var labels: AlertLabels = [:]
        for entry in session.mapping(node, what, allowNull: true) ?? [] {
            guard let name = session.keyText(entry, in: what), let value = session.string(entry.value, "'\(name)' in \(what)") else { continue }
            if !LabelText.isValidName(name) {
                session.error("label name '\(name)' must be letters, digits and '_', not starting with a digit", at: entry.key.location)
            } else if name == "alertname" || name == "severity" {
                session.error(
                    "'\(name)' is set by the rule's \(name == "alertname" ? "'alert'" : "'severity'"), not by its labels", at: entry.key.location)
            } else {
                labels[name] = value
            }
        }
        return labels
    }

    /// Annotation templates, each checked (an unknown `{{ }}` at its column).
    mutating func decodeAnnotations(_ node: YAMLNode) -> [String: String] {
        var annotations: [String: String] = [:]
        for entry in session.mapping(node, "'annotations'", allowNull: true) ?? [] {
            guard let name = session.keyText(entry, in: "'annotations'"), let text = session.string(entry.value, "annotation '\(name)'") else {
                continue
            }
            do {
                _ = try AlertTemplate.parse(text)
                annotations[name] = text
            } catch {
                let style = entry.value.scalarStyle ?? .plain
                let location = session.file.location(ofOffset: error.offset, inValue: text, startingAt: entry.value.location, style: style)
                session.error(error.message, at: location)
            }
        }
        return annotations
    }

    /// Seconds from `30s`, `5m`, `4h`, `1h30m` or a number.
    mutating func duration(_ node: YAMLNode, _ what: String) -> Double? { session.duration(node, what) }

    /// A duration above 0.
    mutating func positiveDuration(_ node: YAMLNode, _ what: String) -> Double? { session.positiveDuration(node, what) }
}
