import Crypto
import Foundation

/// How Gaara signs the webhooks it sends, like GitHub's: `X-Gaara-Signature-256: sha256=HEX`, the
/// HMAC-SHA256 of the body under the receiver's shared secret.
public enum WebhookSignature {
    /// The header's name.
    public static let header = "X-Gaara-Signature-256"

    /// `sha256=` and the hex HMAC of `body` under `secret`.
    public static func value(_ body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
