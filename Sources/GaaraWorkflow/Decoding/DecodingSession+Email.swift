import GaaraDeployCore

/// An SMTP server and sender (and recipients), as deploy.yml's `notify.email` and alerts.yml's
/// `smtp` both write them.
extension DecodingSession {
    /// The keys of an email channel.
    static func emailKeys(recipients: Bool) -> [String] {
        ["server", "tls", "username", "password", "from"] + (recipients ? ["to"] : []) + ["ca-file"]
    }

    /// The channel at `node` (`name` names it in messages: `notify.email`); `to` is allowed and
    /// required only with `recipients`.
    mutating func emailChannel(_ node: YAMLNode, _ name: String, recipients: Bool) -> EmailChannel? {
        guard let fields = mapping(node, "'\(name)'") else { return nil }
        var server: String?
        var channel = EmailChannel(server: "", from: "", to: [])
        for field in fields {
            guard let key = keyText(field, in: "'\(name)'") else { continue }
            let what = "'\(name).\(key)'"
            switch key {
            case "server":
                server = string(field.value, what)
                if let text = server,
                    text.isEmpty || text.contains("/") || text.contains(" ")
                        || (text.split(separator: ":").count == 2 && Int(text.split(separator: ":")[1]) == nil)
                {
                    error("\(what) must be host or host:port (smtp.example.com:587), not '\(text)'", at: field.value.location)
                }
            case "tls":
                if let text = string(field.value, what) {
                    if ["starttls", "tls", "none"].contains(text) {
                        channel.tls = text
                    } else {
                        error("\(what) must be starttls, tls or none, not '\(text)'", at: field.value.location)
                    }
                }
            case "username": channel.username = string(field.value, what)
            case "password":
                if let secret = string(field.value, what) {
                    if !secret.isEmpty, secret.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !secret.first!.isNumber {
                        channel.password = secret
                    } else {
                        error("\(what) names the secret that holds it (SMTP_PASSWORD), not the password", at: field.value.location)
                    }
                }
            case "from":
                if let from = string(field.value, what) {
                    channel.from = from
                    if !DecodingSession.looksLikeMailbox(from) { error("\(what) must be an email address, not '\(from)'", at: field.value.location) }
                }
            case "to" where recipients:
                for (address, location) in stringList(field.value, what) ?? [] {
                    if DecodingSession.looksLikeMailbox(address) {
                        channel.to.append(address)
                    } else {
                        error("\(what) must list email addresses, not '\(address)'", at: location)
                    }
                }
            case "ca-file": channel.caFile = string(field.value, what)
            default: unknownKey(field.key, allowed: Self.emailKeys(recipients: recipients), in: "'\(name)'")
            }
        }
        for (key, missing) in [("server", server == nil), ("from", channel.from.isEmpty), ("to", recipients && channel.to.isEmpty)] where missing {
            error("'\(name)' needs '\(key)'", at: node.location)
        }
        if channel.username != nil, channel.password == nil {
            error("'\(name)' has a 'username' but no 'password' (the name of the secret that holds it)", at: node.location)
        }
        if channel.username != nil, channel.tls == "none" {
            error("'\(name)' with 'tls: none' would send the password in the clear", at: node.location)
        }
        guard let server else { return nil }
        channel.server = server
        return channel
    }

    /// `ops@example.com` or `Ops <ops@example.com>`: one `@`, no line break.
    static func looksLikeMailbox(_ text: String) -> Bool {
        let address = text.split(separator: "<").last.map { $0.split(separator: ">").first ?? "" } ?? ""
        return address.split(separator: "@", omittingEmptySubsequences: false).count == 2 && !address.hasPrefix("@") && !address.hasSuffix("@")
            && !text.contains(where: \.isNewline) && !address.contains(" ")
    }
}
