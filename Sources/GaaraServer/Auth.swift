import Crypto
import Foundation
import GaaraDeployCore
import GaaraStore

/// Who may call a route.
enum Access: Sendable, Equatable {
    /// Anyone (health, the OpenAPI document, the login page).
    case anyone
    /// A token with at least this role.
    case role(Role)
    /// A webhook signature (checked by the handler before it reads the body).
    case signature
}

/// Issues and checks access tokens; only their SHA-256 hashes are stored.
struct TokenAuthority: Sendable {
    let store: Store

    /// A new random token (`gaara_` and 40 hex digits).
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return "gaara_" + (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Creates a token and returns it (shown once) with its record.
    func create(name: String, role: Role) async throws -> (token: String, record: TokenRecord) {
        let token = Self.newToken()
        let record = try await store.addToken(name: name, hash: Self.hash(token), role: role.rawValue)
        return (token, record)
    }

    /// The role of a presented token, nil when unknown. The lookup is by hash, so timing reveals
    /// nothing about stored tokens.
    func role(of token: String) async -> Role? {
        guard token.count <= 200, let record = try? await store.token(hash: Self.hash(token)) else { return nil }
        return Role(rawValue: record.role)
    }
}
