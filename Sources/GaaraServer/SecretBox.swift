import Crypto
import Foundation
import GaaraStore

/// Seals secrets with AES-256-GCM under a key kept in the data directory (`secrets.key`, mode 0600),
/// so the database alone reveals no secret value.
struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// Loads the key at `path`, creating it on first use.
    init(keyFile path: URL) throws {
        if let data = FileManager.default.contents(atPath: path.path), data.count == 32 {
            key = SymmetricKey(data: data)
            return
        }
        let fresh = SymmetricKey(size: .bits256)
        let data = fresh.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
        }
        key = fresh
    }

    /// Seals a value (nonce, ciphertext and tag in one blob).
    func seal(_ value: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(value.utf8), using: key).combined else {
            throw CocoaError(.coderInvalidValue)
        }
        return combined
    }

    /// Opens a sealed value.
    func open(_ sealed: Data) throws -> String {
        String(decoding: try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: key), as: UTF8.self)
    }

    /// Seals a value for a text column: `sealed:` and the base64 of ``seal(_:)``.
    func sealText(_ value: String) throws -> String {
        "sealed:" + (try seal(value)).base64EncodedString()
    }

    /// Opens a value of ``sealText(_:)``; a value stored before sealing (no `sealed:`) comes back as it is.
    func openText(_ text: String) throws -> String {
        guard text.hasPrefix("sealed:") else { return text }
        guard let data = Data(base64Encoded: String(text.dropFirst(7))) else { throw CocoaError(.coderInvalidValue) }
        return try open(data)
    }

    /// The secrets a run of `repositoryID` gets: global ones overridden by the repository's own
    /// (environment-scoped secrets are kept for deployments and not given to CI runs).
    func values(for repositoryID: Int64, store: Store) async throws -> [String: String] {
        var result: [String: String] = [:]
        let records = try await store.secrets(repositoryID: repositoryID).filter { $0.environment.isEmpty }
        for record in records.sorted(by: { ($0.repositoryID == nil ? 0 : 1) < ($1.repositoryID == nil ? 0 : 1) }) {
            result[record.name] = try open(record.sealed)
        }
        return result
    }
}
