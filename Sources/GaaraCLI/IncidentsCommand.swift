import ArgumentParser
import Foundation
import GaaraDeploy
import GaaraDeployCore

/// `gaara incidents [list|show] ENV [NUMBER]`: the incident reports automatic rollbacks wrote.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List an environment's incident reports (one per automatic rollback), or show one.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    /// `gaara incidents show ENV NUMBER`: one report (the same as `gaara incidents ENV NUMBER`).
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one incident report.")

        @OptionGroup var target: EnvironmentArguments

        @Argument(help: "The report's number.")
        var number: Int

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func run() async throws {
            let list = try List.parse([target.environment, String(number), "--format", format] + (target.directory.map { ["-C", $0] } ?? []))
            try await list.run()
        }
    }
}

extension IncidentsCommand {
    /// `gaara incidents [list] ENV [NUMBER]`: the reports, newest first, or one; `--resolve` closes one.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List an environment's incident reports, or show one (NUMBER), or close one (--resolve).",
            discussion: """
                Reports are kept in .gaara/deploy/ENV/incidents as N.md (for people) and N.json. An incident stays open until a later \
                release of its service goes live healthy, or `--resolve` closes it by hand.
                """)

        @OptionGroup var target: EnvironmentArguments

        @Argument(help: "The report to show (default: list them all).")
        var number: Int?

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        @Flag(help: "Close the incident NUMBER by hand (it is closed on its own when a later release goes live healthy).")
        var resolve = false

        @Option(help: "Why it is closed (with --resolve).")
        var note: String?

        func run() async throws {
            guard format == "text" || format == "json" else { throw CLIFailure(.invalidInput, "--format must be text or json") }
            let context = try await target.load()
            if resolve {
                guard let number else { throw CLIFailure(.invalidInput, "--resolve needs the incident's NUMBER") }
                guard try context.folder.incidents().contains(where: { $0.number == number }) else {
                    throw CLIFailure(.invalidInput, "\(context.environment.name) has no incident \(number)")
                }
                let report = try context.folder.resolveIncident(number, by: DeployCommand.creator, note: note ?? "resolved by hand")
                print(
                    "incident \(number) of \(context.environment.name) resolved by \(report.resolution?.by ?? "?"): \(report.resolution?.note ?? "")")
                return
            }
            guard note == nil else { throw CLIFailure(.invalidInput, "--note goes with --resolve") }
            let reports: [IncidentReport]
            do {
                reports = try context.folder.incidents()
            } catch {
                throw CLIFailure(.failed, "\(error)")
            }
            if let number {
                guard let report = reports.first(where: { $0.number == number }) else {
                    throw CLIFailure(
                        .invalidInput,
                        "\(context.environment.name) has no incident \(number)"
                            + (reports.isEmpty ? " (it has none)" : " (it has \(reports.map { String($0.number) }.joined(separator: ", ")))"))
                }
                print(
                    format == "json" ? String(decoding: try EnvironmentFolder.encoder.encode(report), as: UTF8.self) : report.markdown,
                    terminator: format == "json" ? "\n" : "")
                return
            }
            if format == "json" {
                print(String(decoding: try EnvironmentFolder.encoder.encode(reports.reversed()), as: UTF8.self))
                return
            }
            guard !reports.isEmpty else {
                print("\(context.environment.name) has no incidents: no rollout of it was rolled back automatically")
                return
            }
            let formatter = ISO8601DateFormatter()
            for report in reports.reversed() {
                print(
                    "\(report.number)  \(report.resolution == nil ? "open    " : "resolved")  \(formatter.string(from: report.detected))  \(report.failedRelease.id) → \(report.restoredRelease?.id ?? "nothing")  detected after \(String(format: "%.1f", report.timeToDetect)) s, restored in \(String(format: "%.1f", report.timeToRestore)) s  \(report.trigger.split(separator: "\n").first ?? "")"
                )
            }
        }
    }
}
