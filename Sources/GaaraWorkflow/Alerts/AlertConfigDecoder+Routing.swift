import GaaraAlertCore

/// The decoding of `route`, `receivers` and `inhibit-rules`: Alertmanager's configuration in
/// Gaara's kebab-case.
extension AlertConfigDecoder {
    /// A route and its children; the root takes every alert, so it has no `matchers` or `continue`.
    mutating func decodeRoute(_ node: YAMLNode, isRoot: Bool) -> AlertRoute? {
        let owner = isRoot ? "'route'" : "a child route"
        guard let fields = session.mapping(node, owner) else { return nil }
        var route = AlertRoute()
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "receiver":
                guard let name = session.string(field.value, "'receiver'") else { continue }
                route.receiver = name
                receiverReferences.append((name, field.value.location))
            case "matchers":
                if isRoot {
                    session.error("the root route takes every alert; 'matchers' go on its child 'routes'", at: field.key.location)
                } else {
                    route.matchers = decodeMatchers(field.value, "'matchers'")
                }
            case "continue":
                if isRoot {
                    session.error("the root route has no siblings to continue to; 'continue' goes on child 'routes'", at: field.key.location)
                } else {
                    route.continue = session.bool(field.value, "'continue'") ?? false
                }
            case "group-by": route.groupBy = decodeGroupBy(field.value)
            case "group-wait": route.groupWait = duration(field.value, "'group-wait'")
            case "group-interval": route.groupInterval = positiveDuration(field.value, "'group-interval'")
            case "repeat-interval": route.repeatInterval = positiveDuration(field.value, "'repeat-interval'")
            case "routes":
                guard let items = field.value.items else {
                    session.error("'routes' must be a sequence of routes, found \(field.value.kindDescription)", at: field.value.location)
                    continue
                }
                route.routes = items.compactMap { decodeRoute($0, isRoot: false) }
            default: session.unknownKey(field.key, allowed: AlertConfigLoader.routeKeys, in: owner)
            }
        }
        if isRoot, route.receiver == nil {
            session.error("the root route needs 'receiver': where alerts no child route takes go", at: node.location)
        }
        return route
    }

    /// `[alertname, environment]`, or `[...]` for every label.
    mutating func decodeGroupBy(_ node: YAMLNode) -> GroupBy? {
        guard let names = session.stringList(node, "'group-by'") else { return nil }
        if names.contains(where: { $0.0 == "..." }) {
            if names.count > 1 {
                session.error("'...' groups by every label, so it stands alone in 'group-by'", at: node.location)
                return nil
            }
            return .all
        }
        return .labels(labelNames(names, "'group-by'"))
    }

    /// Label names, each checked.
    mutating func labelNames(_ names: [(String, SourceLocation)], _ what: String) -> [String] {
        var valid: [String] = []
        for (name, location) in names {
            if LabelText.isValidName(name) {
                valid.append(name)
            } else {
                session.error("'\(name)' in \(what) is not a label name (letters, digits and '_', not starting with a digit)", at: location)
            }
        }
        return valid
    }

    /// Matchers as strings (`severity="critical"`, `severity=critical`, `service=~"api|web"`), each
    /// mistake at its column.
    mutating func decodeMatchers(_ node: YAMLNode, _ what: String) -> [LabelMatcher] {
        let items = node.items ?? [node]
        var matchers: [LabelMatcher] = []
        for item in items {
            guard let text = item.scalarText, let style = item.scalarStyle else {
                session.error("each of \(what) must be a string like 'severity=\"critical\"', found \(item.kindDescription)", at: item.location)
                continue
            }
            do {
                matchers.append(try LabelMatcher.parse(text))
            } catch {
                let location = session.file.location(ofOffset: error.offset, inValue: text, startingAt: item.location, style: style)
                session.error("bad matcher: \(error.message)", at: location)
            }
        }
        return matchers
    }

    /// The `receivers` sequence; a name given twice is reported at the second.
    mutating func decodeReceivers(_ node: YAMLNode) -> [AlertReceiver] {
        guard let items = node.items else {
            session.error("'receivers' must be a sequence of receivers, found \(node.kindDescription)", at: node.location)
            return []
        }
        var receivers: [AlertReceiver] = []
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard let receiver = decodeReceiver(item), let nameNode = item["name"] else { continue }
            if let first = seen[receiver.name] {
                session.error("receiver '\(receiver.name)' is defined twice (first at \(first))", at: nameNode.location)
                continue
            }
            seen[receiver.name] = nameNode.location
            receivers.append(receiver)
        }
        return receivers
    }

    /// One receiver: its name and channels, each naming a secret or an address.
    mutating func decodeReceiver(_ node: YAMLNode) -> AlertReceiver? {
        guard let fields = session.mapping(node, "a receiver") else { return nil }
        let owner = node["name"]?.scalarText.map { "receiver '\($0)'" } ?? "a receiver"
        var receiver = AlertReceiver(name: "")
        var named = false
        for field in fields {
            guard let key = session.keyText(field, in: owner) else { continue }
            switch key {
            case "name":
                guard let name = session.string(field.value, "'name'") else { continue }
                if name.isEmpty {
                    session.error("a receiver's 'name' must not be empty", at: field.value.location)
                } else {
                    receiver.name = name
                    named = true
                }
            case "slack": receiver.slack = secretName(field.value, "'slack'")
            case "pagerduty": decodePagerDuty(field.value, into: &receiver)
            case "email":
                emailKeys.append(field.key)
                receiver.email = decodeEmail(field.value)
            case "webhook": receiver.webhook = decodeWebhook(field.value)
            default: session.unknownKey(field.key, allowed: AlertConfigLoader.receiverKeys, in: owner)
            }
        }
        if !fields.contains(where: { $0.key.scalarText == "name" }) {
            session.error("a receiver needs 'name' (what routes call it)", at: node.location)
        }
        return named ? receiver : nil
    }

    /// `{to: [ops@example.com]}`, or the addresses alone.
    mutating func decodeEmail(_ node: YAMLNode) -> AlertReceiver.EmailTarget? {
        var addresses: [(String, SourceLocation)] = []
        if let fields = node.pairs {
            for field in fields {
                guard let key = session.keyText(field, in: "'email'") else { continue }
                if key == "to" {
                    addresses = session.stringList(field.value, "'email.to'") ?? []
                } else {
                    session.unknownKey(field.key, allowed: ["to"], in: "'email'")
                }
            }
        } else {
            addresses = session.stringList(node, "'email'") ?? []
        }
        guard !addresses.isEmpty else {
            session.error("'email' needs 'to' (the addresses to send to)", at: node.location)
            return nil
        }
        var valid = true
        for (address, location) in addresses {
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts.contains(where: \.isEmpty) || address.contains(where: \.isWhitespace) {
                session.error("'\(address)' is not an email address", at: location)
                valid = false
            }
        }
        return valid ? AlertReceiver.EmailTarget(to: addresses.map(\.0)) : nil
    }

    /// `PD_ROUTING_KEY` (the secret's name), or `{routing-key: PD_ROUTING_KEY, url: https://...}`
    /// for an Events API other than PagerDuty's own.
    mutating func decodePagerDuty(_ node: YAMLNode, into receiver: inout AlertReceiver) {
        guard let fields = node.pairs else {
            receiver.pagerDuty = secretName(node, "'pagerduty'")
            return
        }
        for field in fields {
            guard let key = session.keyText(field, in: "'pagerduty'") else { continue }
            switch key {
            case "routing-key": receiver.pagerDuty = secretName(field.value, "'pagerduty.routing-key'")
            case "url":
                guard let url = session.string(field.value, "'pagerduty.url'") else { continue }
                if url.hasPrefix("https://") || url.hasPrefix("http://") {
                    receiver.pagerDutyURL = url
                } else {
                    session.error("the PagerDuty URL must start with https:// or http://, not '\(url)'", at: field.value.location)
                }
            default: session.unknownKey(field.key, allowed: ["routing-key", "url"], in: "'pagerduty'")
            }
        }
        if receiver.pagerDuty == nil, !fields.contains(where: { $0.key.scalarText == "routing-key" }) {
            session.error("'pagerduty' needs 'routing-key' (the name of the secret holding it)", at: node.location)
        }
    }

    /// `https://...`, or `{url: https://..., secret: HOOK_SECRET}`.
    mutating func decodeWebhook(_ node: YAMLNode) -> AlertReceiver.WebhookTarget? {
        var url: (String, SourceLocation)?
        var secret: String?
        if let fields = node.pairs {
            for field in fields {
                guard let key = session.keyText(field, in: "'webhook'") else { continue }
                switch key {
                case "url": url = session.string(field.value, "'webhook.url'").map { ($0, field.value.location) }
                case "secret": secret = secretName(field.value, "'webhook.secret'")
                default: session.unknownKey(field.key, allowed: ["url", "secret"], in: "'webhook'")
                }
            }
        } else {
            url = session.string(node, "'webhook'").map { ($0, node.location) }
        }
        guard let (address, location) = url else {
            session.error("'webhook' needs 'url'", at: node.location)
            return nil
        }
        guard address.hasPrefix("https://") || address.hasPrefix("http://") else {
            session.error("the webhook URL must start with https:// or http://, not '\(address)'", at: location)
            return nil
        }
        return AlertReceiver.WebhookTarget(url: address, secret: secret)
    }

    /// The name of a secret (`SLACK_WEBHOOK`): the file names secrets and never holds them.
    mutating func secretName(_ node: YAMLNode, _ what: String) -> String? {
        guard let name = session.string(node, what) else { return nil }
        guard let first = name.first, !first.isNumber,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            session.error("\(what) names the secret that holds it (SLACK_WEBHOOK), not '\(name.prefix(40))'", at: node.location)
            return nil
        }
        return name
    }

    /// The `inhibit-rules` sequence; each rule needs both sides.
    mutating func decodeInhibitRules(_ node: YAMLNode) -> [InhibitRule] {
        guard let items = node.items else {
            session.error("'inhibit-rules' must be a sequence of rules, found \(node.kindDescription)", at: node.location)
            return []
        }
        var rules: [InhibitRule] = []
        for item in items {
            guard let fields = session.mapping(item, "an inhibit rule") else { continue }
            var rule = InhibitRule(sourceMatchers: [], targetMatchers: [])
            for field in fields {
                guard let key = session.keyText(field, in: "an inhibit rule") else { continue }
                switch key {
                case "source-matchers": rule.sourceMatchers = decodeMatchers(field.value, "'source-matchers'")
                case "target-matchers": rule.targetMatchers = decodeMatchers(field.value, "'target-matchers'")
                case "equal": rule.equal = labelNames(session.stringList(field.value, "'equal'") ?? [], "'equal'")
                default: session.unknownKey(field.key, allowed: AlertConfigLoader.inhibitKeys, in: "an inhibit rule")
                }
            }
            let keys = Set(fields.compactMap(\.key.scalarText))
            if !keys.contains("source-matchers") || !keys.contains("target-matchers") {
                session.error("an inhibit rule needs 'source-matchers' (what mutes) and 'target-matchers' (what is muted)", at: item.location)
                continue
            }
            rules.append(rule)
        }
        return rules
    }
}
