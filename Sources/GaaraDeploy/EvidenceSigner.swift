import Crypto
import Foundation
import GaaraDeployCore

/// A release's evidence as stored: its canonical JSON exactly as signed, the Ed25519 signature and
/// the signing key's public half.
public struct SignedEvidence: Sendable, Equatable, Codable {
    /// The evidence's canonical JSON (``DecisionEvidence/canonicalJSON()``), as text.
    public var evidence: String
    /// The Ed25519 signature of `evidence`'s UTF-8 bytes, base64.
    public var signature: String
    /// The raw Ed25519 public key that made it, base64.
    public var publicKey: String

    /// What a verification found.
    public enum Verification: Sendable, Equatable {
        /// The signature holds, by the trusted key (`trusted`: the key of this machine or server).
        case valid(trusted: Bool)
        /// The signature does not hold: the evidence or the signature was changed.
        case invalid(String)
    }

    /// Checks the signature against the embedded key, and whether that key is `trustedKey` (base64).
    public func verify(trustedKey: String?) -> Verification {
        guard let keyData = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData) else {
            return .invalid("the public key is not an Ed25519 key")
        }
        guard let signatureData = Data(base64Encoded: signature) else { return .invalid("the signature is not base64") }
        guard key.isValidSignature(signatureData, for: Data(evidence.utf8)) else {
            return .invalid("the signature does not match the evidence: it was changed after it was signed")
        }
        return .valid(trusted: trustedKey == publicKey)
    }

    /// The evidence itself.
    public func decoded() throws -> DecisionEvidence {
        try DecisionEvidence.decode(canonical: Data(evidence.utf8))
    }

    /// A short fingerprint of the key: `SHA256:` and the first 16 hex digits of its hash.
    public static func fingerprint(_ publicKey: String) -> String {
        "SHA256:" + SHA256.hash(data: Data(publicKey.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// Signs evidence with an Ed25519 key kept in a file (`.gaara/deploy/evidence-signing.key`, or the
/// server's data directory): made on first use, readable by its owner only.
public struct EvidenceSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    /// The public key, base64.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// The signer of the key in `file`, made there when it does not exist yet.
    public static func load(_ file: URL) throws -> EvidenceSigner {
        if let data = FileManager.default.contents(atPath: file.path) {
            do {
                return EvidenceSigner(key: try Curve25519.Signing.PrivateKey(rawRepresentation: data))
            } catch {
                throw DeployTargetError("\(file.path) is not an Ed25519 signing key: \(error)")
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Written under a temporary name with its permissions set, then moved: never readable by others.
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw DeployTargetError("cannot write the signing key \(file.path)")
        }
        try key.rawRepresentation.write(to: temporary)
        do {
            try FileManager.default.moveItem(at: temporary, to: file)
        } catch {
            // Another process made it first: use theirs.
            try? FileManager.default.removeItem(at: temporary)
            return try load(file)
        }
        return EvidenceSigner(key: key)
    }

    /// The public key in `file` (nil when there is no key).
    public static func publicKey(in file: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data)
        else { return nil }
        return key.publicKey.rawRepresentation.base64EncodedString()
    }

    /// Signs `evidence`.
    public func sign(_ evidence: DecisionEvidence) throws -> SignedEvidence {
        let canonical = try evidence.canonicalJSON()
        let signature = try key.signature(for: canonical)
        return SignedEvidence(
            evidence: String(decoding: canonical, as: UTF8.self), signature: signature.base64EncodedString(), publicKey: publicKey)
    }
}
