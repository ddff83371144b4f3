import ArgumentParser
import Foundation
import GaaraAPI

/// `gaara runs list|show|logs|cancel|rerun`.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List, inspect, follow, cancel and re-run the server's runs.",
        subcommands: [List.self, Show.self, Logs.self, Cancel.self, Rerun.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

        @Option(help: "Only this repository's runs.") var repository: String?
        @Option(help: "Only runs of this branch (a short name or a full ref).") var branch: String?
        @Option(help: "queued, running, completed, success, failure, cancelled, interrupted.") var status: String?
        @Option(help: "Only runs of this event (push, pull_request, schedule, workflow_dispatch).") var event: String?
        @Option(help: "The page, from 1.") var page = 1
        @Option(help: "Runs per page (1 to 100).") var perPage = 30
        @Flag(help: "Print the API's JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            var query = ["page=\(page)", "per_page=\(perPage)"]
            for (name, value) in [("repository", repository), ("branch", branch), ("status", status), ("event", event)] {
                if let value { query.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)") }
            }
            let client = try server.client()
            let path = "/api/runs?" + query.joined(separator: "&")
            if json {
                print(String(decoding: try await client.checked("GET", path), as: UTF8.self), terminator: "")
                return
            }
            let runs = try await client.call("GET", path, as: RunPageJSON.self).runs
            guard !runs.isEmpty else {
                print("no runs\(query.count > 2 ? " match" : " yet: push to a repository of the server, or 'gaara dispatch'")")
                return
            }
            let now = Date()
            let rows = runs.map { run in
                [
                    String(run.id), run.conclusion ?? run.status, run.repository, "\(run.workflow) #\(run.number)", run.event,
                    run.ref.replacingOccurrences(of: "refs/heads/", with: ""), String(run.sha.prefix(8)),
                    run.createdAt.map { Self.age($0, now: now) } ?? "", Self.duration(run, now: now),
                ]
            }
            for line in Self.table(header: ["ID", "STATUS", "REPOSITORY", "WORKFLOW", "EVENT", "BRANCH", "COMMIT", "AGE", "DURATION"], rows: rows) {
                print(line)
            }
        }

        /// Columns padded to their widest cell, two spaces apart.
        static func table(header: [String], rows: [[String]]) -> [String] {
            let all = [header] + rows
            let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces)
            }
        }

        /// `45s ago`, `12m ago`, `3h ago`, `2d ago`.
        static func age(_ time: String, now: Date) -> String {
            guard let date = ISO8601DateFormatter().date(from: time) else { return "" }
            let seconds = max(0, Int(now.timeIntervalSince(date)))
            switch seconds {
            case ..<60: return "\(seconds)s ago"
            case ..<3600: return "\(seconds / 60)m ago"
            case ..<86400: return "\(seconds / 3600)h ago"
            default: return "\(seconds / 86400)d ago"
            }
        }

        /// How long the run took (or has taken so far); empty before it started.
        static func duration(_ run: RunJSON, now: Date) -> String {
            let formatter = ISO8601DateFormatter()
            guard let start = run.startedAt.flatMap(formatter.date(from:)) else { return "" }
            let end = run.finishedAt.flatMap(formatter.date(from:)) ?? now
            return span(end.timeIntervalSince(start))
        }

        static func span(_ seconds: Double) -> String {
            let whole = max(0, Int(seconds.rounded()))
            switch whole {
            case ..<60: return "\(whole)s"
            case ..<3600: return "\(whole / 60)m \(String(format: "%02d", whole % 60))s"
            case ..<86400: return "\(whole / 3600)h \(String(format: "%02d", whole % 3600 / 60))m"
            default: return "\(whole / 86400)d"
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run: jobs, steps, gates, annotations.")

        @Argument var id: Int
        @Flag(help: "Print the API's JSON.") var json = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            if json {
                print(String(decoding: try await client.checked("GET", "/api/runs/\(id)"), as: UTF8.self), terminator: "")
                return
            }
            let detail = try await client.call("GET", "/api/runs/\(id)", as: RunDetailJSON.self)
            let run = detail.run
            print("\(run.workflow) #\(run.number): \(run.conclusion ?? run.status)")
            print("  \(run.repository) \(run.event) \(run.ref) \(run.sha)")
            for job in detail.jobs {
                print("  job \(job.name): \(job.conclusion ?? job.status)")
                for step in job.steps {
                    let seconds = step.durationSeconds.map { String(format: " (%.1fs)", $0) } ?? ""
                    print("    \(step.number). \(step.name): \(step.conclusion ?? step.status)\(seconds)")
                }
            }
            for gate in detail.gates ?? [] {
                print("  gate \(gate.context): \(gate.status) — \(gate.measured) (threshold \(gate.threshold))")
            }
            for note in detail.annotations {
                print("  \(note.level): \(note.message)")
            }
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a run's logs; --follow streams them live until the run ends.")

        @Argument var id: Int
        @Option(help: ArgumentHelp("Only this job: its name (as 'runs show' lists it) or its id.", valueName: "job")) var job: String?
        @Option(help: "Only this step (with --job).") var step: Int?
        @Flag(help: "Stream live until the run ends; exit 1 if it did not succeed.") var follow = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            if follow {
                try await Self.follow(client, id)
                return
            }
            var query: [String] = []
            if let job { query.append("job=\(try await Self.jobID(job, run: id, client: client))") }
            if let step { query.append("step=\(step)") }
            FileHandle.standardOutput.write(
                try await client.checked("GET", "/api/runs/\(id)/logs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))))
        }

        /// The id of the run's job named `job` (or `job` itself when it is a number).
        static func jobID(_ job: String, run: Int, client: ServerClient) async throws -> Int64 {
            if let id = Int64(job) { return id }
            let jobs = try await client.call("GET", "/api/runs/\(run)", as: RunDetailJSON.self).jobs
            let matches = jobs.filter { $0.name == job || $0.key == job }
            let found = matches.isEmpty ? jobs.filter { $0.name.lowercased() == job.lowercased() } : matches
            guard found.count == 1 else {
                let names = jobs.map { "'\($0.name)'" }.joined(separator: ", ")
                throw CLIFailure(
                    .invalidInput,
                    found.isEmpty
                        ? "run \(run) has no job '\(job)' (it has: \(names))"
                        : "more than one job of run \(run) is named '\(job)'; give its id (runs show \(run) --json)")
            }
            return found[0].id
        }

        /// Streams a run's log lines (prefixed by job) until it ends; exit 1 unless it succeeded.
        static func follow(_ client: ServerClient, _ id: Int) async throws {
            let conclusion = ConclusionBox()
            try await client.events("/api/runs/\(id)/events?logs=1") { name, data in
                switch name {
                case "log":
                    guard let log = try? APICoding.decode(LogEventJSON.self, from: Data(data.utf8)) else { return }
                    var out = ""
                    for line in log.text.split(separator: "\n") { out += "[\(log.job)] \(line)\n" }
                    FileHandle.standardOutput.write(Data(out.utf8))
                case "run":
                    conclusion.value = (try? APICoding.decode(RunDetailJSON.self, from: Data(data.utf8)))?.run.conclusion
                default: break
                }
            }
            let result = conclusion.value ?? "unknown"
            print("run \(id): \(result)")
            if result != "success" { throw ExitCode(1) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running run.")

        @Argument var id: Int
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await server.client().checked("POST", "/api/runs/\(id)/cancel")
            print("cancelling run \(id)")
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-run a finished run (or only its failed jobs).")

        @Argument var id: Int
        @Flag(help: "Only the jobs that did not succeed (and what they need).") var failedOnly = false
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let client = try server.client()
            let run = try await client.call("POST", "/api/runs/\(id)/rerun", body: RerunBody(failedOnly: failedOnly), as: RunJSON.self)
            print("started run \(run.id) (attempt \(run.attempt)) → \(client.base)/runs/\(run.id)")
        }
    }
}

/// The last conclusion seen in an event stream.
final class ConclusionBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?

    var value: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
