import Foundation
import GaaraDeployCore
import GaaraWorkflow

/// What a rollout leaves for people and audits: its signed evidence, the incident report of an
/// automatic rollback, the team's notifications, and the git history they cite.
extension LocalDeployer {
    /// Signs the decisions of `release`'s rollout and adds them to its evidence; evidence that cannot
    /// be written is a warning (the rollout happened).
    func sign(_ rollout: RolloutRecord, of release: Release, against stable: Release?, requested: String, by creator: String) {
        let outcome: String
        switch rollout.outcome {
        case .succeeded: outcome = "succeeded"
        case .aborted(let reason): outcome = "aborted: \(reason)"
        }
        var decisions =
            [DecisionEvidence.Decision(time: rollout.started, step: "request", outcome: "requested", by: creator, detail: requested)]
            + rollout.decisions
        // Masked before it is signed: the signature covers what is kept.
        for index in decisions.indices {
            decisions[index].detail = redact(decisions[index].detail)
            for metric in decisions[index].metrics.indices { decisions[index].metrics[metric].redact(redact) }
        }
        let evidence = DecisionEvidence(
            environment: environment.name, service: release.service, release: release.id, artifact: release.artifact, stableRelease: stable?.id,
            outcome: redact(outcome), decisions: decisions)
        do {
            try folder.appendEvidence(try EvidenceSigner.load(folder.signingKey).sign(evidence), release: release.id)
        } catch {
            log("warning: the evidence of \(release.id) could not be signed and stored: \(error)")
        }
    }

    /// Writes the incident report of an automatic rollback (a failed check, smoke test or analysis).
    /// A report that cannot be written is a warning: the rollback itself happened.
    @discardableResult
    func reportIncident(
        _ reason: String, failed: Release, restored: Release?, service: DeployService, targets: HostTargets, rollout: RolloutRecord
    ) async -> IncidentReport? {
        let failing = spec(service, failed, variables: [:])
        var tail = ""
        for host in targets.hosts {
            let lines = await targets.byHost[host]?.logTail(failing, lines: 20) ?? ""
            if !lines.isEmpty { tail += (targets.hosts.count > 1 ? "[\(host)]\n" : "") + lines + "\n" }
        }
        let detected =
            rollout.timeline.first { line in ["failed:", "analysis failed", "bake failed"].contains { line.text.hasPrefix($0) } }?.time
            ?? rollout.ended
        var commits: [String]?
        if let gitDirectory, let from = restored?.commit, let to = failed.commit {
            commits = await Self.commits(in: gitDirectory, from: from, to: to)
        }
        do {
            var report = IncidentReport(
                number: folder.nextIncidentNumber(), environment: environment.name, service: service.name, trigger: redact(reason),
                failedRelease: failed, restoredRelease: restored, findings: rollout.findings.map(redact), logTail: redact(tail),
                timeline: rollout.timeline.map { IncidentReport.Moment(time: $0.time, text: redact($0.text)) },
                deployStarted: rollout.started, detected: detected, restored: rollout.ended)
            report.commits = commits.map { $0.map(redact) }
            let file = try folder.writeIncident(report)
            log(
                "incident \(report.number): \(file.path) (detected \(String(format: "%.1f", report.timeToDetect)) s after the rollout began, traffic back \(String(format: "%.1f", report.timeToRestore)) s later)"
            )
            return report
        } catch {
            log("warning: the incident report could not be written: \(error)")
            return nil
        }
    }

    /// Tells the notifier, if there is one.
    func notify(
        _ kind: DeployNotification.Kind, _ release: Release, previous: Release?, detail: String, incident: IncidentReport? = nil
    ) async {
        guard let notifier else { return }
        await notifier.notify(
            DeployNotification(
                kind: kind, environment: environment.name, service: release.service, release: release.id, artifact: release.artifact,
                commit: release.commit, actor: release.creator, previous: previous?.id, detail: detail, incident: incident, time: Date()))
    }

    /// `git log` of the commits after `from` up to `to` (`abc1234 subject`, newest first, at most
    /// 50); nil when git cannot tell (a commit it does not have, no repository).
    static func commits(in directory: URL, from: String, to: String) async -> [String]? {
        guard from != to else { return [] }
        return await RepositoryCommand.git(["log", "--max-count=50", "--format=%h %s", "\(from)..\(to)", "--"], in: directory)
    }

    /// The commit times of what each successful deployment among `releases` brought: the commits
    /// after the previous deployment's commit up to its own (its own alone for the first), by
    /// release id; releases without a commit, or commits git does not have, are left out.
    public static func commitTimes(of releases: [Release], in directory: URL) async -> [String: [Date]] {
        var result: [String: [Date]] = [:]
        var previous: [String: String] = [:]
        for release in releases.filter({ $0.deployedAt != nil }).sorted(by: { $0.deployedAt! < $1.deployedAt! }) {
            guard let commit = release.commit else { continue }
            let range = previous[release.service].map { "\($0)..\(commit)" } ?? commit
            previous[release.service] = commit
            let arguments = range.contains("..") ? ["log", "--format=%ct", range, "--"] : ["log", "--max-count=1", "--format=%ct", range, "--"]
            guard let lines = await RepositoryCommand.git(arguments, in: directory) else { continue }
            result[release.id] = lines.compactMap { Double($0).map(Date.init(timeIntervalSince1970:)) }
        }
        return result
    }
}
