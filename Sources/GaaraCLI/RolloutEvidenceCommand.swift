import ArgumentParser
import Foundation
import GaaraDeploy
import GaaraDeployCore

extension RolloutCommand {
    /// `gaara rollout evidence ENV RELEASE`: what a release's rollout decisions were made on, with
    /// their signatures verified.
    struct Evidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evidence",
            abstract: "Print and verify the signed evidence of a release's rollouts (every promote, hold, abort and rollback with its data).",
            discussion: """
                Evidence is kept in .gaara/deploy/ENV/evidence/RELEASE.json, signed with the Ed25519 key in \
                .gaara/deploy/evidence-signing.key (made on first use). Exit status 1 when a signature does not hold.
                """)

        @OptionGroup var target: EnvironmentArguments

        @Argument(help: "The release (web-7).")
        var release: String

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func run() async throws {
            guard format == "text" || format == "json" else { throw CLIFailure(.invalidInput, "--format must be text or json") }
            let context = try await target.load()
            let entries: [SignedEvidence]
            do {
                entries = try context.folder.evidence(release)
            } catch {
                throw CLIFailure(.failed, "\(error)")
            }
            guard !entries.isEmpty else {
                throw CLIFailure(
                    .invalidInput, "\(release) has no evidence in \(context.environment.name) (see gaara releases \(context.environment.name))")
            }
            let trusted = EvidenceSigner.publicKey(in: context.folder.signingKey)
            var invalid = 0
            var documents: [[String: Any]] = []
            for (index, entry) in entries.enumerated() {
                let verification = entry.verify(trustedKey: trusted)
                let verdict: String
                switch verification {
                case .valid(let isTrusted):
                    verdict =
                        "signature valid (Ed25519, key \(SignedEvidence.fingerprint(entry.publicKey))"
                        + (isTrusted ? ", this data directory's key)" : ", NOT this data directory's key)")
                case .invalid(let why):
                    invalid += 1
                    verdict = "signature INVALID: \(why)"
                }
                if format == "json" {
                    var document: [String: Any] = ["verified": verification == .valid(trusted: true) || verification == .valid(trusted: false)]
                    document["trustedKey"] = verification == .valid(trusted: true)
                    document["verdict"] = verdict
                    document["evidence"] = try? JSONSerialization.jsonObject(with: Data(entry.evidence.utf8))
                    document["signature"] = entry.signature
                    document["publicKey"] = entry.publicKey
                    documents.append(document)
                    continue
                }
                if index > 0 { print("") }
                print("rollout \(index + 1) of \(entries.count): \(verdict)")
                if let evidence = try? entry.decoded() {
                    print(evidence.text)
                } else {
                    print("(the evidence cannot be read)")
                }
            }
            if format == "json" {
                let data = try JSONSerialization.data(withJSONObject: documents, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
            if invalid > 0 {
                throw CLIFailure(
                    .failed, "\(invalid) of \(entries.count) signatures of \(release)'s evidence do not hold: it was changed after it was signed")
            }
        }
    }
}
