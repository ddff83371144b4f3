import Crypto
import Foundation
import GaaraStore
import Synchronization

/// Seals secrets with AES-256-GCM under a key kept in the data directory (`secrets.key`, mode 0600),
/// so the database alone reveals no secret value.
///
/// The key can be rotated while the server runs (``rotate(store:)``): the new key is written next
/// to the old one (`secrets.key.next`) first, then every sealed value is re-sealed in one database
/// transaction, then the new key replaces the old file. Until then both keys open values, so runs
/// in flight (a job waiting for approval opens its environment's secrets later) never fail; a
/// crash in between is finished on the next start (``finishRotation(store:)``).
final class SecretBox: Sendable {
    /// The sealing key first; every key opens.
    private let keys: Mutex<[SymmetricKey]>
    private let keyFile: URL
    /// One rotation at a time.
    private let rotating = Mutex(false)

    private var nextFile: URL { keyFile.appendingPathExtension("next") }

    /// Loads the key at `path`, creating it on first use; a `.next` key a rotation left seals.
    init(keyFile path: URL) throws {
        keyFile = path
        var loaded: [SymmetricKey] = []
        let next = path.appendingPathExtension("next")
        if let data = FileManager.default.contents(atPath: next.path), data.count == 32 { loaded.append(SymmetricKey(data: data)) }
        if let data = FileManager.default.contents(atPath: path.path), data.count == 32 {
            loaded.append(SymmetricKey(data: data))
        } else if loaded.isEmpty {
            let fresh = SymmetricKey(size: .bits256)
            try Self.write(fresh, to: path)
            loaded.append(fresh)
        }
        keys = Mutex(loaded)
    }

    private static func write(_ key: SymmetricKey, to path: URL) throws {
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.path])
        }
    }

    /// Seals a value (nonce, ciphertext and tag in one blob).
    func seal(_ value: String) throws -> Data {
        let key = keys.withLock { $0[0] }
        guard let combined = try AES.GCM.seal(Data(value.utf8), using: key).combined else {
            throw CocoaError(.coderInvalidValue)
        }
        return combined
    }

    /// Opens a sealed value (under the current key, or the one a rotation is replacing).
    func open(_ sealed: Data) throws -> String {
        let box = try AES.GCM.SealedBox(combined: sealed)
        var lastError: (any Error)?
        for key in keys.withLock({ $0 }) {
            do {
                return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? CocoaError(.coderInvalidValue)
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

    /// Rotates the key: see the type's documentation. Returns how many values were re-sealed.
    func rotate(store: Store) async throws -> Int {
        let started = rotating.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard started else { throw RotationInProgress() }
        defer { rotating.withLock { $0 = false } }
        let fresh = SymmetricKey(size: .bits256)
        try Self.write(fresh, to: nextFile)
        keys.withLock { $0.insert(fresh, at: 0) }
        return try await finish(store: store)
    }

    /// Completes a rotation a crash interrupted (a `.next` key on disk); nil when none was.
    func finishRotation(store: Store) async throws -> Int? {
        guard FileManager.default.fileExists(atPath: nextFile.path) else { return nil }
        return try await finish(store: store)
    }

    private func finish(store: Store) async throws -> Int {
        let count = try await store.resealAll({ try self.seal(try self.open($0)) }, text: { try self.sealText(try self.openText($0)) })
        // The database holds only values under the new key now: it replaces the old file.
        guard rename(nextFile.path, keyFile.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: keyFile.path]) }
        // Retired keys stay in memory (they open, never seal): a value read just before the
        // transaction committed still opens. Only the newest three are kept.
        keys.withLock { $0 = Array($0.prefix(3)) }
        return count
    }

    /// The secrets a run of `repositoryID` gets: global ones overridden by the repository's own
    /// (environment-scoped secrets are released to a job only once its environment's rules pass).
    func values(for repositoryID: Int64, store: Store) async throws -> [String: String] {
        var result: [String: String] = [:]
        let records = try await store.secrets(repositoryID: repositoryID).filter { $0.environment.isEmpty }
        for record in records.sorted(by: { ($0.repositoryID == nil ? 0 : 1) < ($1.repositoryID == nil ? 0 : 1) }) {
            result[record.name] = try open(record.sealed)
        }
        return result
    }
}

/// A second rotation asked for while one runs.
struct RotationInProgress: Error, CustomStringConvertible {
    var description: String { "a key rotation is already running" }
}
