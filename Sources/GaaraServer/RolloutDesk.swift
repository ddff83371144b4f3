import Foundation
import GaaraDeploy
import GaaraDeployCore
import GaaraEngine
import GaaraStore
import GaaraWorkflow
import Logging
import Synchronization

/// Deploys and rollbacks the server runs (`POST …/environments/{env}/deploys`, `…/rollbacks`, and
/// `gaara deploy` with `GAARA_URL`): the same deploy controller as `gaara deploy` in the
/// foreground (``LocalDeployer``: plan, targets, router, smoke tests, release history), fed from
/// the server's side: `.gaara/deploy.yml` and the release directories of a pushed commit, the
/// environment's secrets from the store, the environments' data under `<data>/deploy/<repo>/`.
///
/// Each rollout is a row in the store (who, what, how it ended) and a progress log, masked with the
/// environment's secret values. The controller persists its state before every action, so a
/// server killed mid-rollout loses nothing: at the next start ``recover(_:)`` resumes the rollout
/// from its saved step or aborts it to the stable release.
struct RolloutDesk: Sendable {
    let store: Store
    let git: GitHost
    /// Releases an environment's secrets and variables, as it does to a job.
    let desk: EnvironmentDesk
    /// `<data>/deploy`.
    let root: URL
    /// The `gaara` binary: the environments' routers and the releases' supervisors run it.
    let executable: String
    let logger: Logger

    /// A refusal with the HTTP status it gets.
    struct Refusal: Error, Sendable {
        let status: Int
        let message: String
    }

    /// What a rollout works with, once checked.
    struct Prepared: Sendable {
        let repository: RepositoryRecord
        let config: DeployConfig
        let environment: DeployEnvironment
        let services: [DeployService]
        let checkout: URL
        let ref: String
        let sha: String
    }

    /// The folder of a repository's environments.
    func environments(of repository: String) -> URL { root.appendingPathComponent(repository).appendingPathComponent("environments") }

    /// The progress log of rollout `id`.
    func logFile(repository: String, id: Int64) -> URL {
        root.appendingPathComponent(repository).appendingPathComponent("rollouts").appendingPathComponent("\(id).log")
    }

    /// The folder of `environment` of `repository`.
    func folder(_ repository: String, _ environment: String) -> EnvironmentFolder {
        EnvironmentFolder(root: environments(of: repository), environment: environment)
    }

    /// Environment names the server keeps data for: a folder name, so no `/`, no leading dot.
    static func isFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100 && !name.hasPrefix(".")
            && name.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
            }
    }

    /// Resolves `ref` (a branch, tag or commit; default: the default branch), reads the commit's
    /// `.gaara/deploy.yml`, and picks `environment` and the services (``export(_:)`` then writes
    /// the commit's files).
    func prepare(_ repository: RepositoryRecord, environment name: String, ref asked: String?, service: String?) async throws(Refusal) -> Prepared {
        guard Self.isFolderName(name) else {
            throw Refusal(status: 400, message: "environment '\(name)' cannot be deployed by the server: use letters, digits, '.', '_' and '-'")
        }
        let bare = URL(fileURLWithPath: repository.path)
        let (ref, sha) = try await resolve(bare, asked ?? repository.defaultBranch)
        let text: String
        do {
            text = try await git.git(["show", "--end-of-options", "\(sha):.gaara/deploy.yml"], in: bare)
        } catch {
            throw Refusal(status: 400, message: "commit \(sha.prefix(12)) has no .gaara/deploy.yml (see README, \"Deploying\")")
        }
        let loaded = DeployConfigLoader.load(text: text, path: ".gaara/deploy.yml")
        guard let config = loaded.config else { throw Refusal(status: 400, message: loaded.rendered) }
        guard let environment = config.environment(name) else {
            let known = config.environments.map(\.name).joined(separator: ", ")
            throw Refusal(status: 404, message: "no environment '\(name)' in .gaara/deploy.yml at \(sha.prefix(12)) (it has: \(known))")
        }
        var services = config.services
        if let service {
            guard let one = config.service(service) else {
                throw Refusal(
                    status: 404, message: "no service '\(service)' in .gaara/deploy.yml (it has: \(services.map(\.name).joined(separator: ", ")))")
            }
            services = [one]
        }
        let checkout = root.appendingPathComponent(repository.name).appendingPathComponent("checkouts").appendingPathComponent(sha)
        return Prepared(
            repository: repository, config: config, environment: environment, services: services, checkout: checkout, ref: ref, sha: sha)
    }

    /// Exports the commit's files for release directories and smoke tests (once per commit; after
    /// the request was allowed, so a refused one writes nothing).
    func export(_ prepared: Prepared) async throws(Refusal) {
        let checkout = prepared.checkout
        guard !FileManager.default.fileExists(atPath: checkout.path) else { return }
        // Exported beside, then renamed: a half-written checkout is never used.
        let partial = checkout.deletingLastPathComponent().appendingPathComponent(".\(prepared.sha).\(UUID().uuidString)")
        do {
            try await git.export(URL(fileURLWithPath: prepared.repository.path), commit: prepared.sha, to: partial)
            try FileManager.default.moveItem(at: partial, to: checkout)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if !FileManager.default.fileExists(atPath: checkout.path) {
                throw Refusal(status: 500, message: "cannot export \(prepared.sha.prefix(12)): \(error)")
            }
        }
    }

    /// `main` → (`refs/heads/main`, its commit); tags and commits likewise.
    private func resolve(_ bare: URL, _ asked: String) async throws(Refusal) -> (String, String) {
        let candidates = asked.hasPrefix("refs/") ? [asked] : ["refs/heads/\(asked)", "refs/tags/\(asked)"]
        for candidate in candidates {
            if let sha = await git.resolve(bare, candidate) { return (candidate, sha) }
        }
        if asked.count >= 7, asked.allSatisfy(\.isHexDigit), let sha = await git.resolve(bare, asked) { return (sha, sha) }
        throw Refusal(status: 404, message: "no branch, tag or commit '\(asked)' in this repository")
    }

    /// The environment's secrets and variables for the services (`STAGING_SSH_KEY`, a service's
    /// `secrets:`): the unscoped ones, then the environment's over them (server-wide before the
    /// repository's).
    func variables(repositoryID: Int64, environment: String) async throws -> [String: String] {
        var result: [String: String] = [:]
        // What the desk releases to a job: the unscoped ones, then the environment's over them.
        for scope in ["", environment] {
            let release = try await desk.release(repositoryID: repositoryID, environment: scope, deployment: 0)
            result.merge(release.variables) { $1 }
            result.merge(release.secrets) { $1 }
        }
        return result
    }

    /// A deployer for `prepared` whose progress goes to `log`.
    func deployer(_ prepared: Prepared, variables: [String: String], log: @escaping @Sendable (String) -> Void) async throws -> LocalDeployer {
        let folder = folder(prepared.repository.name, prepared.environment.name)
        let admin = try await EnvironmentRouter.ensure(
            folder: folder.url.appendingPathComponent("router"), listen: prepared.environment.router ?? EnvironmentRouter.defaultListen,
            environment: prepared.environment.name, executable: executable, log: log)
        return LocalDeployer.routed(
            config: prepared.config, environment: prepared.environment, repository: prepared.checkout, folder: folder, admin: admin,
            executable: executable, variables: variables, log: log)
    }

    /// Runs rollout `row` to its end and records how it ended. `image` and `to` are the request's.
    func run(_ row: RolloutRow, _ prepared: Prepared) async {
        let id = row.id!
        let log = RolloutLog(file: logFile(repository: prepared.repository.name, id: id))
        var made: [String] = []
        var failure: String?
        do {
            let variables = try await variables(repositoryID: prepared.repository.id!, environment: prepared.environment.name)
            for value in variables.values where value.count >= 4 { log.masker.add(value) }
            log.write(
                "\(row.kind) \(prepared.services.map(\.name).joined(separator: ", ")) to \(prepared.environment.name) at \(prepared.sha.prefix(12)) (\(prepared.ref)), asked by \(row.actor)"
            )
            var deployer = try await deployer(prepared, variables: variables) { line in log.write(line) }
            deployer.redact = { log.masker.mask($0) }
            deployer.gitDirectory = URL(fileURLWithPath: prepared.repository.path)
            for service in prepared.services {
                let release: Release
                if row.kind == "rollback" {
                    release = try await deployer.rollback(service, to: row.toRelease, creator: row.actor, variables: variables)
                } else {
                    release = try await deployer.deploy(
                        service, image: row.image, commit: prepared.sha, creator: row.actor, variables: variables)
                }
                made.append(release.id)
                log.write("✓ \(release.id) is live in \(prepared.environment.name)")
            }
        } catch {
            failure = "\(error)"
            log.write("✗ \(failure!)")
        }
        log.close()
        do {
            try await store.finishRollout(
                id, state: failure == nil ? "succeeded" : "failed", releases: made.joined(separator: ", "),
                error: failure.map { log.masker.mask($0) },
                at: Date().timeIntervalSince1970)
        } catch {
            logger.error("cannot record a rollout's end", metadata: ["rollout.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Resumes or aborts the rollouts the last stop interrupted (their rows are already marked
    /// `interrupted`): each environment's services are recovered from the controller's saved
    /// state, so traffic never stays on an unverified release with nobody watching.
    func recover(_ rows: [RolloutRow]) async {
        var seen = Set<String>()
        for row in rows {
            guard seen.insert("\(row.repositoryID)/\(row.environment)").inserted,
                let repository = try? await store.repository(id: row.repositoryID)
            else { continue }
            let log = RolloutLog(file: logFile(repository: repository.name, id: row.id!))
            do {
                let prepared = try await prepare(repository, environment: row.environment, ref: row.sha, service: nil)
                try await export(prepared)
                let variables = try await variables(repositoryID: repository.id!, environment: row.environment)
                for value in variables.values where value.count >= 4 { log.masker.add(value) }
                log.write("the server stopped during this rollout; recovering \(row.environment) from its saved state")
                var deployer = try await deployer(prepared, variables: variables) { line in log.write(line) }
                deployer.redact = { log.masker.mask($0) }
                deployer.gitDirectory = URL(fileURLWithPath: repository.path)
                for service in prepared.services { _ = try await deployer.recover(service, variables: variables) }
                log.write("recovered")
            } catch let refusal as Refusal {
                log.write("✗ cannot recover: \(refusal.message)")
            } catch {
                log.write("✗ cannot recover: \(error)")
                logger.error("cannot recover a rollout", metadata: ["rollout.id": "\(row.id!)", "error": "\(error)"])
            }
            log.close()
        }
    }
}

/// A rollout's progress log: lines appended with their time, masked, to a file readers poll.
final class RolloutLog: Sendable {
    /// The environment's secret values, masked in every line.
    let masker = SecretMasker()
    private let handle: Mutex<FileHandle?>

    /// Opens (creating) `file` for appending.
    init(file: URL) {
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let opened = try? FileHandle(forWritingTo: file)
        _ = try? opened?.seekToEnd()
        handle = Mutex(opened)
    }

    /// Appends one line.
    func write(_ line: String) {
        let data = Data((masker.mask(line) + "\n").utf8)
        handle.withLock { try? $0?.write(contentsOf: data) }
    }

    /// Closes the file.
    func close() {
        handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }
}
