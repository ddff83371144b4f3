import GaaraDeployCore

/// The decoding of `notify.email`.
extension DeployConfigDecoder {
    /// `email: {server: smtp.example.com:587, tls: starttls|tls|none, username: deploy, password:
    /// SMTP_PASSWORD, from: "Gaara <deploy@example.com>", to: [ops@example.com], ca-file: certs/ca.pem}`.
    mutating func decodeEmail(_ node: YAMLNode) -> EmailChannel? {
        session.emailChannel(node, "notify.email", recipients: true)
    }
}
