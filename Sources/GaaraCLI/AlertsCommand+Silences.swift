import ArgumentParser
import Foundation
import GaaraAlertCore
import GaaraAlerts
import GaaraWorkflow

/// `gaara alerts list|silence|silences|expire`: what the watcher saw, and Alertmanager's silences.
extension AlertsCommand {
    /// `gaara alerts list`: the alerts as the watcher last evaluated them.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Show the alerts as `gaara alerts watch` last evaluated them, and whether each is silenced.")
        @OptionGroup var place: Place

        func run() async throws {
            let folder = await place.folder()
            guard let state = folder.state() else {
                throw CLIFailure(.invalidInput, "no alerts evaluated yet in \(folder.url.path): run gaara alerts watch")
            }
            let age = Int(Date().timeIntervalSince1970 - state.time)
            var lines = ["evaluated \(age) s ago"]
            let alerts = state.evaluator.alerts.filter { $0.state != .resolved }
            for alert in alerts.sorted(by: { $0.fingerprint < $1.fingerprint }) {
                let muted = state.dispatcher.isMuted(alert, at: Date().timeIntervalSince1970) ? "  (silenced or inhibited)" : ""
                let since = Int(state.time - (alert.firedAt ?? alert.activeAt))
                lines.append(
                    "\(alert.state.rawValue) for \(since) s  \(LabelText.render(alert.labels))  value \(String(format: "%g", alert.value))\(muted)")
                if let summary = alert.annotations["summary"] { lines.append("  \(summary)") }
            }
            if alerts.isEmpty { lines.append("no alert is pending or firing") }
            print(lines.joined(separator: "\n"))
        }
    }

    /// `gaara alerts silence --match alertname=HighCPU --for 2h --comment "…"`.
    struct Silence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "silence", abstract: "Mute the alerts every matcher matches, for a while (Alertmanager's silences).")
        @OptionGroup var place: Place

        @Option(help: "A label matcher: name=value, name!=value, name=~regex, name!~regex (all must match; repeatable).")
        var match: [String] = []

        @Option(name: .customLong("for"), help: "How long (a duration: 30m, 2h, 1d).")
        var duration: String = "2h"

        @Option(help: "Why (shown with the silence).")
        var comment: String = ""

        func run() async throws {
            guard !match.isEmpty else { throw CLIFailure(.invalidInput, "--match is required (alertname=HighCPU, say)") }
            var matchers: [LabelMatcher] = []
            for text in match {
                do {
                    matchers.append(try LabelMatcher.parse(text))
                } catch {
                    throw CLIFailure(.invalidInput, "--match '\(text)': \(error.message)")
                }
            }
            guard let seconds = DeployConfigLoader.seconds(duration), seconds > 0 else {
                throw CLIFailure(.invalidInput, "--for must be a duration like 30m or 2h, not '\(duration)'")
            }
            let now = Date().timeIntervalSince1970
            let silence = GaaraAlertCore.Silence(
                id: String(UUID().uuidString.prefix(8)).lowercased(), matchers: matchers, startsAt: now, endsAt: now + seconds,
                createdBy: DeployCommand.creator, comment: comment)
            if let problem = silence.problem { throw CLIFailure(.invalidInput, problem) }
            try await place.folder().updateSilences { $0.append(silence) }
            print("silence \(silence.id) until \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: silence.endsAt)))")
        }
    }

    /// `gaara alerts silences`.
    struct Silences: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "silences", abstract: "List the silences (active, pending and ended).")
        @OptionGroup var place: Place

        func run() async throws {
            let now = Date().timeIntervalSince1970
            let silences = await place.folder().silences()
            guard !silences.isEmpty else { return print("no silences") }
            let formatter = ISO8601DateFormatter()
            for silence in silences {
                let state = silence.isActive(at: now) ? "active" : silence.endsAt <= now ? "ended" : "pending"
                let until = formatter.string(from: Date(timeIntervalSince1970: silence.endsAt))
                let matchers = silence.matchers.map(\.description).joined(separator: ", ")
                print(
                    "\(silence.id)  \(state)  until \(until)  {\(matchers)}  by \(silence.createdBy)\(silence.comment.isEmpty ? "" : ": \(silence.comment)")"
                )
            }
        }
    }

    /// `gaara alerts expire ID`.
    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "expire", abstract: "End a silence now.")
        @OptionGroup var place: Place
        @Argument(help: "The silence's id.") var id: String

        func run() async throws {
            let now = Date().timeIntervalSince1970
            guard try await place.folder().expireSilence(id, at: now) != nil else {
                throw CLIFailure(.invalidInput, "no active or pending silence '\(id)'")
            }
            print("silence \(id) ended")
        }
    }
}
