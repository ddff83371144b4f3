import Crypto
import Foundation
import GaaraDeployCore
import GaaraWorkflow
import Synchronization

/// Deploys and rolls back an environment's services from this machine, in the foreground: what
/// `gaara deploy`, `gaara rollback` and `gaara rollout` do without a server. Releases run on local
/// process targets under the environment's folder; traffic moves through Gaara's router.
///
/// A replaced release is left running for the environment's `scale-down-delay` (the quick rollback
/// the guide asks for) and stopped by the first deploy or rollback after that time: nothing stays
/// behind in the foreground for ten minutes.
public struct LocalDeployer: Sendable {
    /// The deploy configuration.
    public let config: DeployConfig
    /// The environment deployed to.
    public let environment: DeployEnvironment
    /// The repository (smoke tests run here; release directories are relative to it).
    public let repository: URL
    /// The environment's data.
    public let folder: EnvironmentFolder
    /// Moves traffic (the router).
    public let traffic: @Sendable (DeployService) -> any TrafficControl
    /// Progress lines.
    public let log: @Sendable (String) -> Void
    /// The command that supervises a release after this process ends (`[gaara, supervise]`).
    public let supervisor: [String]?
    /// The private key SSH hosts are reached with (the environment's ``keyVariable`` secret).
    public var sshKey: String?
    /// Masks secrets in what is kept beyond the run: incident reports and signed evidence (the
    /// server masks the environment's secret values, as in the rollout's log).
    public var redact: @Sendable (String) -> String = { $0 }
    /// Tells the team about each deploy's start and end, rollbacks and incidents (nil: nobody).
    public var notifier: (any DeployNotifier)?
    /// The git repository commits are read from (a work tree or a bare repository; the server's
    /// checkouts have no history): an incident lists the commits between its two releases.
    public var gitDirectory: URL?
    /// Where clients reach the environment's router (`127.0.0.1:8001`): the analysis's synthetic
    /// requests go there.
    public var routerAddress: String?

    /// Creates a deployer. `traffic` gives the traffic control of a service (its router settings).
    public init(
        config: DeployConfig, environment: DeployEnvironment, repository: URL, folder: EnvironmentFolder,
        traffic: @escaping @Sendable (DeployService) -> any TrafficControl, supervisor: [String]?, log: @escaping @Sendable (String) -> Void
    ) {
        self.supervisor = supervisor
        self.config = config
        self.environment = environment
        self.repository = repository
        self.gitDirectory = repository
        self.folder = folder
        self.traffic = traffic
        self.log = log
    }

    /// The health settings of a service.
    public static func health(_ service: DeployService) -> HealthSettings {
        HealthSettings(
            path: service.health.path, interval: service.health.interval, timeout: service.health.timeout,
            healthyThreshold: service.health.healthyThreshold, deadline: service.health.deadline)
    }

    /// Rolls a new release of `service` out with the environment's strategy. `directory` overrides
    /// the service's release directory, `image` its image reference (a tag or a digest; pinned to a
    /// digest before the release is recorded); `variables` supplies the service's secrets.
    public func deploy(
        _ service: DeployService, directory override: URL? = nil, image: String? = nil, commit: String?, creator: String,
        variables: [String: String]
    ) async throws -> Release {
        let targets = try self.targets(for: service)
        let environmentVariables = try self.variables(service, from: variables)
        let (artifact, directory) = try await self.artifact(service, directory: override, image: image)
        return try await locked {
            var history = try folder.history()
            try await recoverInterrupted(service, history: &history, targets: targets, variables: environmentVariables)
            try await scaleDown(&history)
            let stable = history.live(service.name)
            let release = try history.begin(
                service: service.name, artifact: artifact, directory: directory?.path, commit: commit, creator: creator, now: Date())
            try folder.save(history)
            log("\(release.id): \(artifact)\(directory.map { " from \($0.path)" } ?? "")")
            // Told while the rollout runs: a slow channel must not hold the deploy up.
            let announced = Task { await notify(.started, release, previous: stable, detail: "\(strategyName) rollout") }
            let steps = try RolloutPlan.steps(
                environment.strategy, hosts: environment.hosts, hasOldRelease: stable != nil, smokeTests: environment.smokeTests != nil,
                analysis: environment.analysis != nil, bake: environment.bake)
            let rollout = try await run(
                service, candidate: spec(service, release, variables: environmentVariables),
                stable: stable.map { spec(service, $0, variables: environmentVariables) }, steps: foreground(steps), targets: targets)
            sign(rollout, of: release, against: stable, requested: "deploy of \(release.artifact) requested by \(creator)", by: creator)
            await announced.value  // the start is told before the end
            return try await record(
                rollout.outcome, of: release, replacing: stable, service: service, history: &history, targets: targets, rollout: rollout)
        }
    }

    /// What a new release of `service` runs: a directory's content hash (and the directory), or an
    /// image pinned by digest.
    private func artifact(_ service: DeployService, directory override: URL?, image: String?) async throws -> (String, URL?) {
        switch service.artifact {
        case .image(let repository):
            guard override == nil else {
                throw DeployTargetError("service '\(service.name)' runs an image; --release-dir is for command services (use --image)")
            }
            let reference = image ?? repository
            let remoteOnly = !environment.hosts.contains("local")
            // A digest names the same image on every host: hosts that are all SSH pull it themselves.
            if remoteOnly, reference.contains("@sha256:") {
                try LocalContainerTarget.check(reference)
                return (reference, nil)
            }
            let pinned = try await containerTarget.pin(reference)
            if environment.hosts.contains(where: { $0 != "local" }), !pinned.contains("@sha256:") {
                throw DeployTargetError(
                    "\(reference) is an image of this machine's engine only (\(pinned.prefix(19))…, no registry digest), and SSH hosts pull from a registry: push it (docker push) and deploy the pushed reference"
                )
            }
            return (pinned, nil)
        case .command(_, let configured):
            guard image == nil else {
                throw DeployTargetError("service '\(service.name)' runs a command; --image is for image services (use --release-dir)")
            }
            let directory = try releaseDirectory(service, configured, override: override)
            return ("dir:sha256:" + (try Self.hash(directory)), directory)
        }
    }

    /// Sends `service`'s traffic back to a kept release (`to`, or the newest kept one): a router switch
    /// when it still runs, else it is started and checked first. The steps of the rollout are not run again.
    public func rollback(_ service: DeployService, to number: Int?, creator: String, variables: [String: String]) async throws -> Release {
        let targets = try self.targets(for: service)
        let environmentVariables = try self.variables(service, from: variables)
        return try await locked {
            var history = try folder.history()
            try await recoverInterrupted(service, history: &history, targets: targets, variables: environmentVariables)
            let destination = try history.rollbackTarget(service.name, to: number)
            let live = history.live(service.name)!
            let running = try await targets.runningEverywhere(service: service.name).contains(destination.id)
            history.beginRollback(service.name, from: live.number, to: destination.number, creator: creator, now: Date())
            try folder.save(history)
            log(
                "rolling \(service.name) in \(environment.name) back from \(live.id) to \(destination.id) (\(running ? "still running: a router switch" : "not running: started first"))"
            )
            let steps = RolloutPlan.rollback(hosts: environment.hosts, stillRunning: running)
            let rollout = try await run(
                service, candidate: spec(service, destination, variables: environmentVariables),
                stable: spec(service, live, variables: environmentVariables), steps: foreground(steps), targets: targets)
            sign(rollout, of: destination, against: live, requested: "rollback from \(live.id) requested by \(creator)", by: creator)
            return try await record(rollout.outcome, of: destination, replacing: live, service: service, history: &history, targets: targets)
        }
    }

    /// Records how the rollout of `release` ended (a new release, or the target of a rollback from
    /// `replaced`): live with the replaced release kept (running through the scale-down delay) and
    /// those beyond `keep` retired and stopped; or failed, which is thrown.
    private func record(
        _ outcome: RolloutAction.Outcome, of release: Release, replacing replaced: Release?, service: DeployService, history: inout ReleaseHistory,
        targets: HostTargets, rollout: RolloutRecord? = nil
    ) async throws -> Release {
        let rollback = history.release(service.name, number: release.number)?.rollbackFrom != nil
        switch outcome {
        case .succeeded(let warnings):
            for warning in warnings { log("warning: \(warning)") }
            let note = rollback ? "rolled back to from \(replaced?.id ?? "?")" : "rolled out (\(strategyName))"
            let retired = history.succeeded(service.name, number: release.number, keep: environment.keep, now: Date(), note: note)
            if let replaced, scaleDownDelay > 0, history.release(service.name, number: replaced.number)?.state == .kept {
                history.keepRunning(service.name, number: replaced.number, until: Date().addingTimeInterval(scaleDownDelay))
                log("\(replaced.id) stays running for \(Int(scaleDownDelay)) s for a quick rollback")
            }
            for old in retired {
                let retiredSpec = spec(service, old, variables: [:])
                try? await targets.stop(retiredSpec)
                do {
                    try await targets.remove(retiredSpec)
                } catch {
                    log("warning: \(old.id) was retired but its files stay: \(error)")
                }
            }
            try folder.save(history)
            if rollback {
                await notify(.rolledBack, release, previous: replaced, detail: "a router switch back to a kept release")
            } else {
                await notify(.succeeded, release, previous: replaced, detail: "rolled out (\(strategyName))")
                let resolved = folder.resolveIncidents(service: service.name, release: release.id)
                let reports = resolved.isEmpty ? [] : ((try? folder.incidents()) ?? [])
                for number in resolved {
                    log("incident \(number) resolved: \(release.id) went live healthy")
                    await notify(
                        .incidentResolved, release, previous: nil, detail: "a later release went live healthy",
                        incident: reports.first { $0.number == number })
                }
            }
            return history.release(service.name, number: release.number)!
        case .aborted(let reason):
            history.failed(service.name, number: release.number, reason: reason, now: Date())
            try folder.save(history)
            var incident: IncidentReport?
            if !rollback, let rollout, !reason.hasPrefix(EnvironmentFolder.operatorAbort) {
                incident = await reportIncident(
                    reason, failed: history.release(service.name, number: release.number) ?? release, restored: replaced, service: service,
                    targets: targets, rollout: rollout)
            }
            await notify(rollback ? .rollbackFailed : .failed, release, previous: replaced, detail: redact(reason), incident: incident)
            throw DeployTargetError(
                rollback
                    ? "the rollback of \(service.name) in \(environment.name) to \(release.id) failed: \(reason)"
                    : "\(release.id) was not deployed to \(environment.name): \(reason)")
        }
    }

    /// A rollout whose `gaara deploy` or `gaara rollback` was killed leaves its release `deploying`
    /// while nobody holds the lock. Its saved controller is resumed: the new release's health is
    /// checked again before it is trusted with traffic, and a step that cannot be resumed safely
    /// aborts to the stable release. The outcome is recorded before anything new starts.
    private func recoverInterrupted(
        _ service: DeployService, history: inout ReleaseHistory, targets: HostTargets, variables: [String: String]
    ) async throws {
        guard let interrupted = history.deploying(service.name) else { return }
        let live = history.live(service.name)
        log("\(interrupted.id): its rollout was interrupted; resuming it from its saved state")
        let candidate = spec(service, interrupted, variables: variables)
        let outcome: RolloutAction.Outcome
        var rollout: RolloutRecord?
        if folder.rollout(service.name) != nil {
            let resumed = try await run(
                service, candidate: candidate, stable: live.map { spec(service, $0, variables: variables) }, steps: [], targets: targets, resume: true
            )
            rollout = resumed
            outcome = resumed.outcome
        } else {
            // Killed before the controller's first decision was saved: nothing was routed to it.
            try? await targets.stop(candidate)
            outcome = .aborted(reason: "interrupted before its first step")
        }
        do {
            let release = try await record(
                outcome, of: interrupted, replacing: live, service: service, history: &history, targets: targets, rollout: rollout)
            log("\(release.id): the interrupted rollout completed; it is live")
        } catch let error as DeployTargetError {
            log("\(interrupted.id): the interrupted rollout was aborted: \(error.message)")
        }
    }

    /// Finishes a rollout of `service` that a killed deploy, rollback or server left behind (see
    /// `recoverInterrupted`): resumed from the controller's saved state, or aborted to the stable
    /// release. Returns whether there was one.
    public func recover(_ service: DeployService, variables: [String: String]) async throws -> Bool {
        let targets = try self.targets(for: service)
        let environmentVariables = try self.variables(service, from: variables)
        return try await locked {
            var history = try folder.history()
            guard history.deploying(service.name) != nil else { return false }
            try await recoverInterrupted(service, history: &history, targets: targets, variables: environmentVariables)
            return true
        }
    }

    /// Stops every release of the environment's services (the history stays): `gaara undeploy`.
    public func stopAll() async throws -> [String] {
        return try await locked {
            let history = try folder.history()
            var stopped: [String] = []
            for service in config.services {
                let targets = try self.targets(for: service)
                for name in try await targets.runningAnywhere(service: service.name) {
                    guard let release = history.history(service.name).first(where: { $0.id == name }) else { continue }
                    try await targets.stop(spec(service, release, variables: [:]))
                    stopped.append(name)
                }
            }
            return stopped
        }
    }

    /// Stops the kept releases whose scale-down time has come.
    func scaleDown(_ history: inout ReleaseHistory) async throws {
        for release in history.dueForScaleDown(now: Date()) {
            guard let service = config.service(release.service) else { continue }
            log("stopping \(release.id) (its scale-down delay passed)")
            try? await targets(for: service).stop(spec(service, release, variables: [:]))
        }
    }

    private func run(
        _ service: DeployService, candidate: ReleaseSpec, stable: ReleaseSpec?, steps: [RolloutStep], targets: HostTargets,
        resume: Bool = false
    ) async throws -> RolloutRecord {
        let started = Date()
        let timeline = Mutex<[IncidentReport.Moment]>([])
        _ = folder.takeInputs()  // inputs meant for an earlier rollout
        let log = self.log
        var smoke: (@Sendable (TargetEndpoint) async throws -> Void)?
        if let command = environment.smokeTests {
            let repository = self.repository
            smoke = { endpoint in try await Self.smokeTest(command, endpoint: endpoint, repository: repository, log: log) }
        }
        var preRollback: (@Sendable (String, MeasurementScope) async throws -> Void)?
        if let command = environment.preRollback {
            preRollback = { reason, scope in try await Self.preRollback(command, reason: reason, scope: scope, log: log) }
        }
        let runner = RolloutRunner(
            service: service.name, candidate: candidate, stable: stable, steps: steps,
            targets: targets.byHost, traffic: traffic(service),
            health: Self.health(service), smokeTest: smoke, stateFile: folder.rolloutFile(service.name),
            analysis: environment.analysis ?? CanaryAnalysisSettings(), repository: repository,
            entrance: routerAddress.map { RouterEntrance(address: $0, host: service.proxyHosts.first) },
            preRollback: preRollback,
            onHold: { [notifier, environment] why in
                let artifact: String =
                    switch candidate.artifact {
                    case .image(let reference, _): reference
                    case .command(_, let directory): directory
                    }
                await notifier?.notify(
                    DeployNotification(
                        kind: .held, environment: environment.name, service: candidate.service, release: candidate.release, artifact: artifact,
                        commit: nil, actor: "gaara", previous: stable?.release, detail: why, time: Date()))
            },
            observe: { line in
                timeline.withLock { $0.append(IncidentReport.Moment(time: Date(), text: line)) }
                log("  \(candidate.release): \(line)")
            })
        let inbox = Task { [folder] in
            while !Task.isCancelled {
                for line in folder.takeInputs() {
                    log("  \(candidate.release): operator input \(line.input)\(line.by.map { " from \($0)" } ?? "")")
                    await runner.send(line.input, by: line.by, comment: line.comment)
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { inbox.cancel() }
        if resume { try await runner.resume() }
        let outcome = try await runner.run()
        return RolloutRecord(
            outcome: outcome, started: started, ended: Date(), timeline: timeline.withLock { $0 }, findings: await runner.analysisFindings,
            decisions: await runner.decisions)
    }

    /// Runs the environment's pre-rollback command in the repository with the releases' variables and
    /// `$GAARA_ROLLBACK_REASON`; a failure carries its exit status and last lines.
    static func preRollback(_ command: String, reason: String, scope: MeasurementScope, log: @Sendable (String) -> Void) async throws {
        var variables = scope.variables
        variables["GAARA_ROLLBACK_REASON"] = reason
        try await RepositoryCommand.hook(command, what: "the pre-rollback command", variables: variables, in: scope.repository)
        log("  pre-rollback command passed")
    }

    /// Runs the smoke tests against the new release; a failure carries their exit status and last lines.
    static func smokeTest(_ command: String, endpoint: TargetEndpoint, repository: URL, log: @Sendable (String) -> Void) async throws {
        try await RepositoryCommand.hook(command, what: "smoke tests", variables: ["GAARA_RELEASE_URL": "http://\(endpoint)"], in: repository)
        log("  smoke tests passed against http://\(endpoint)")
    }

    /// The steps as the foreground runs them: with a scale-down delay the replaced release is not
    /// stopped by the rollout but left running until its time (see the type's note); without one the
    /// rollout stops it, after its requests drained.
    private func foreground(_ steps: [RolloutStep]) -> [RolloutStep] {
        guard scaleDownDelay > 0 else { return steps }
        return steps.filter { if case .stopOld = $0 { false } else { true } }
    }

    private var scaleDownDelay: Double {
        switch environment.strategy {
        case .blueGreen(let delay), .canary(_, let delay): delay
        default: 0
        }
    }

    private var strategyName: String {
        switch environment.strategy {
        case .recreate: "recreate"
        case .rolling: "rolling"
        case .blueGreen: "blue-green"
        case .canary: "canary"
        }
    }

    /// Where releases of `service` run, by host: on this machine a supervised process for a command
    /// or a container for an image; on an SSH host the agent's, with the host's own engine for an image.
    private func targets(for service: DeployService) throws -> HostTargets {
        var byHost: [String: any DeployTarget] = [:]
        for host in environment.hosts {
            if host == "local" {
                switch service.artifact {
                case .command: byHost[host] = LocalProcessTarget(root: folder.targets, supervisor: supervisor)
                case .image: byHost[host] = containerTarget
                }
                continue
            }
            guard let destination = SSHDestination(host) else {
                throw DeployTargetError("environment '\(environment.name)': '\(host)' is not a host ([user@]host[:port] or local)")
            }
            guard let binary = ProcessInfo.processInfo.environment["GAARA_AGENT_BINARY"] ?? supervisor?.first else {
                throw DeployTargetError("cannot find the gaara binary to copy to \(destination) (set GAARA_AGENT_BINARY)")
            }
            byHost[host] = SSHTarget(
                destination: destination,
                session: sshSession(keyFile: try writeKeyFile()),
                scope: LocalContainerTarget.scope(of: folder.targets.appendingPathComponent(host)), binary: binary)
        }
        return HostTargets(hosts: environment.hosts, byHost: byHost)
    }

    /// The variable holding the environment's SSH deploy key (`STAGING_SSH_KEY`).
    public var keyVariable: String { environment.name.uppercased().replacingOccurrences(of: "-", with: "_") + "_SSH_KEY" }

    /// The key file written from ``sshKey`` for the SSH client (private to this user; removed when the
    /// command ends), or nil without a key (the client's own keys and agent are used).
    func writeKeyFile() throws -> String? {
        guard let sshKey else { return nil }
        let file = folder.url.appendingPathComponent("ssh-key")
        let text = sshKey.hasSuffix("\n") ? sshKey : sshKey + "\n"
        // Written once per command: an SSH client may be reading it.
        if FileManager.default.contents(atPath: file.path) == Data(text.utf8) { return file.path }
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: file)
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DeployTargetError("cannot write the SSH key to \(file.path)")
        }
        return file.path
    }

    /// Runs `body` holding the environment's lock; then closes the shared SSH connections and removes
    /// the key file, however `body` ended.
    private func locked<T>(_ body: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await folder.locked(body))
        } catch {
            result = .failure(error)
        }
        let session = sshSession(keyFile: nil)
        for host in environment.hosts where host != "local" {
            if let destination = SSHDestination(host) { await session.close(destination) }
        }
        removeKeyFile()
        return try result.get()
    }

    /// How SSH hosts are reached: the environment's pinned host keys, shared connections.
    func sshSession(keyFile: String?) -> SSHSession {
        let scope = LocalContainerTarget.scope(of: folder.url)
        return SSHSession(
            keyFile: keyFile, knownHosts: folder.url.appendingPathComponent("known_hosts").path,
            controlDirectory: "/tmp/gaara-ssh-\(getuid())-\(scope)")
    }

    func removeKeyFile() {
        try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("ssh-key"))
    }

    /// The environment's containers on the local engine.
    var containerTarget: LocalContainerTarget { LocalContainerTarget(scope: LocalContainerTarget.scope(of: folder.targets)) }

    /// The directory a new release of `service` is copied from (`override`, or its `release-dir`).
    private func releaseDirectory(_ service: DeployService, _ directory: String, override: URL?) throws -> URL {
        // Relative to the repository as a directory, whether or not its URL ends in a slash.
        let base = URL(fileURLWithPath: repository.path, isDirectory: true)
        let url = override ?? URL(fileURLWithPath: directory, relativeTo: base).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DeployTargetError("service '\(service.name)': the release directory \(url.path) does not exist")
        }
        return url
    }

    private func variables(_ service: DeployService, from supplied: [String: String]) throws -> [String: String] {
        var result = service.env
        for name in service.secrets {
            guard let value = supplied[name] else {
                throw DeployTargetError("service '\(service.name)' needs the secret \(name) (set it in the environment or with --secret \(name)=…)")
            }
            result[name] = value
        }
        return result
    }

    /// How a target runs (or stops) `release`: the service's command in the release's own copy.
    func spec(_ service: DeployService, _ release: Release, variables: [String: String]) -> ReleaseSpec {
        let artifact: ReleaseSpec.Artifact =
            switch service.artifact {
            case .command(let command, _): .command(command, directory: release.directory ?? repository.path)
            case .image: .image(release.artifact, port: service.port)
            }
        return ReleaseSpec(service: service.name, release: release.id, artifact: artifact, environment: variables, stopGrace: service.stopGrace)
    }

    /// SHA-256 over the directory's files in path order (path, size, content): the same tree hashes the same.
    static func hash(_ directory: URL) throws -> String {
        var hasher = SHA256()
        let base = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { throw DeployTargetError("cannot read \(base)") }
        var paths: [String] = []
        while let path = walker.nextObject() as? String { paths.append(path) }
        for path in paths.sorted() {
            let full = base + "/" + path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: full))
            hasher.update(data: Data("\(path)\0\(data.count)\0".utf8))
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A service's targets, one per host of the environment, in the environment's host order.
struct HostTargets: Sendable {
    /// The hosts.
    let hosts: [String]
    /// Each host's target.
    let byHost: [String: any DeployTarget]

    /// Stops `release` on every host (where it does not run, that succeeds).
    func stop(_ release: ReleaseSpec) async throws {
        for host in hosts { try await byHost[host]?.stop(release) }
    }

    /// Deletes what is left of the stopped `release` on every host.
    func remove(_ release: ReleaseSpec) async throws {
        for host in hosts { try await byHost[host]?.remove(release) }
    }

    /// The releases of `service` running on every host.
    func runningEverywhere(service: String) async throws -> [String] {
        var result: Set<String>?
        for host in hosts {
            let here = Set(try await byHost[host]?.running(service: service) ?? [])
            result = result.map { $0.intersection(here) } ?? here
        }
        return (result ?? []).sorted()
    }

    /// The releases of `service` running on any host.
    func runningAnywhere(service: String) async throws -> [String] {
        var result = Set<String>()
        for host in hosts { result.formUnion(try await byHost[host]?.running(service: service) ?? []) }
        return result.sorted()
    }
}

/// How a rollout went: its outcome, its moments as the runner told them, the analysis' findings.
struct RolloutRecord: Sendable {
    let outcome: RolloutAction.Outcome
    let started: Date
    let ended: Date
    let timeline: [IncidentReport.Moment]
    let findings: [String]
    /// The decisions with what they were made on (the release's evidence).
    var decisions: [DecisionEvidence.Decision] = []
}
