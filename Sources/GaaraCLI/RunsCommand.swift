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

        @Option var repository: String?
        @Option var branch: String?
        @Option(help: "queued, running, completed, success, failure, cancelled, interrupted.") var status: String?
        @Option var event: String?
        @Option var page = 1
        @Option var perPage = 30
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
            for run in try await client.call("GET", path, as: RunPageJSON.self).runs {
                let fields = [
                    String(run.id), run.conclusion ?? run.status, run.repository, "\(run.workflow) #\(run.number)", run.event,
                    run.ref.replacingOccurrences(of: "refs/heads/", with: ""), String(run.sha.prefix(8)),
                ]
                print(fields.joined(separator: "\t"))
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
        @Option(help: "Only this job (its id from 'runs show --json').") var job: Int?
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
            if let job { query.append("job=\(job)") }
            if let step { query.append("step=\(step)") }
            FileHandle.standardOutput.write(
                try await client.checked("GET", "/api/runs/\(id)/logs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))))
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
