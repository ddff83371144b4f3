import ArgumentParser
import Foundation
import GaaraDeploy
import GaaraDeployCore
import GaaraWorkflow

/// `gaara metrics dora ENV`: DORA's four keys and the deployment metrics of an environment.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Deployment metrics computed from the environment's releases and incidents.",
        subcommands: [Dora.self])

    struct Dora: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dora",
            abstract: "DORA's four keys (Four Keys' definitions) and the deployment success rate, duration and rollbacks.",
            discussion: """
                Deployment frequency (with Four Keys' daily/weekly/monthly/yearly bucket), lead time for changes (commit to \
                production, from the repository's git history), change failure rate (deployments that caused an incident) and \
                time to restore (incidents' detection to resolution), over the releases in .gaara/deploy/ENV.
                """)

        @OptionGroup var target: EnvironmentArguments

        @Option(help: ArgumentHelp("The window: the last DURATION (90d, 4w is 28d, 12h).", valueName: "duration"))
        var since: String = "90d"

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func run() async throws {
            guard format == "text" || format == "json" else { throw CLIFailure(.invalidInput, "--format must be text or json") }
            guard let seconds = DeployConfigLoader.window(since) else {
                throw CLIFailure(.invalidInput, "--since must be a duration like 90d, 4w or 12h, not '\(since)'")
            }
            let context = try await target.load()
            let releases: [Release]
            let incidents: [IncidentReport]
            do {
                releases = try context.folder.history().releases
                incidents = try context.folder.incidents()
            } catch {
                throw CLIFailure(.failed, "\(error)")
            }
            let now = Date()
            let metrics = DORAMetrics.compute(
                releases: releases, incidents: incidents, commitTimes: await LocalDeployer.commitTimes(of: releases, in: context.repository),
                from: now.addingTimeInterval(-seconds), to: now)
            if format == "json" {
                print(String(decoding: try EnvironmentFolder.encoder.encode(metrics), as: UTF8.self))
            } else {
                print("\(context.environment.name): \(metrics.text.replacingOccurrences(of: "\n", with: "\n  "))")
            }
        }
    }
}
