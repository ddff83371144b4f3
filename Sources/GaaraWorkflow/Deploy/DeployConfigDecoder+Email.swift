import GaaraDeployCore

/// The decoding of `notify.email`.
extension DeployConfigDecoder {
    static let emailKeys = ["server", "tls", "username", "password", "from", "to", "ca-file"]

    /// `email: {server: smtp.example.com:587, tls: starttls|tls|none, username: deploy, password:
    /// SMTP_PASSWORD, from: "Gaara <deploy@example.com>", to: [ops@example.com], ca-file: certs/ca.pem}`.
    mutating func decodeEmail(_ node: YAMLNode) -> EmailChannel? {
        guard let fields = session.mapping(node, "'notify.email'") else { return nil }
        var server: String?
        var channel = EmailChannel(server: "", from: "", to: [])
        for field in fields {
            guard let key = session.keyText(field, in: "'notify.email'") else { continue }
            let what = "'notify.email.\(key)'"
            switch key {
            case "server":
                server = session.string(field.value, what)
                if let text = server,
                    text.isEmpty || text.contains("/") || text.contains(" ")
                        || (text.split(separator: ":").count == 2 && Int(text.split(separator: ":")[1]) == nil)
                {
                    session.error("\(what) must be host or host:port (smtp.example.com:587), not '\(text)'", at: field.value.location)
                }
            case "tls":
                if let text = session.string(field.value, what) {
                    if ["starttls", "tls", "none"].contains(text) {
                        channel.tls = text
                    } else {
                        session.error("\(what) must be starttls, tls or none, not '\(text)'", at: field.value.location)
                    }
                }
            case "username": channel.username = session.string(field.value, what)
            case "password":
                if let name = session.string(field.value, what) {
                    if !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.first!.isNumber {
                        channel.password = name
                    } else {
                        session.error("\(what) names the secret that holds it (SMTP_PASSWORD), not the password", at: field.value.location)
                    }
                }
            case "from":
                if let from = session.string(field.value, what) {
                    channel.from = from
                    if !Self.looksLikeMailbox(from) { session.error("\(what) must be an email address, not '\(from)'", at: field.value.location) }
                }
            case "to":
                for (address, location) in session.stringList(field.value, what) ?? [] {
                    if Self.looksLikeMailbox(address) {
                        channel.to.append(address)
                    } else {
                        session.error("\(what) must list email addresses, not '\(address)'", at: location)
                    }
                }
            case "ca-file": channel.caFile = session.string(field.value, what)
            default: session.unknownKey(field.key, allowed: Self.emailKeys, in: "'notify.email'")
            }
        }
        for (key, missing) in [("server", server == nil), ("from", channel.from.isEmpty), ("to", channel.to.isEmpty)] where missing {
            session.error("'notify.email' needs '\(key)'", at: node.location)
        }
        if channel.username != nil, channel.password == nil {
            session.error("'notify.email' has a 'username' but no 'password' (the name of the secret that holds it)", at: node.location)
        }
        if channel.username != nil, channel.tls == "none" {
            session.error("'notify.email' with 'tls: none' would send the password in the clear", at: node.location)
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
