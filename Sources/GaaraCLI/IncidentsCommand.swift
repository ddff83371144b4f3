import ArgumentParser
import Foundation
import GaaraDeploy
import GaaraDeployCore

/// `gaara incidents ENV [NUMBER]`: the incident reports automatic rollbacks wrote.
struct IncidentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "List an environment's incident reports (one per automatic rollback), or show one.",
        discussion: "Reports are kept in .gaara/deploy/ENV/incidents as N.md (for people) and N.json.")

    @OptionGroup var target: EnvironmentArguments

    @Argument(help: "The report to show (default: list them all).")
    var number: Int?

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    func run() async throws {
        guard format == "text" || format == "json" else { throw CLIFailure(.invalidInput, "--format must be text or json") }
        let context = try await target.load()
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
                "\(report.number)  \(formatter.string(from: report.detected))  \(report.failedRelease.id) → \(report.restoredRelease?.id ?? "nothing")  detected after \(String(format: "%.1f", report.timeToDetect)) s, restored in \(String(format: "%.1f", report.timeToRestore)) s  \(report.trigger.split(separator: "\n").first ?? "")"
            )
        }
    }
}
