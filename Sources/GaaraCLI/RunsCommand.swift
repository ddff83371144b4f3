import ArgumentParser
import Foundation

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
            let (status, body) = try await client.send("GET", "/api/runs?" + query.joined(separator: "&"))
            guard status == 200, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw CLIFailure(message: "HTTP \(status): \(String(decoding: body, as: UTF8.self))", exitCode: 1)
            }
            if json {
                print(String(decoding: body, as: UTF8.self), terminator: "")
                return
            }
            for run in object["runs"] as? [[String: Any]] ?? [] {
                let state = run["conclusion"] as? String ?? run["status"] as? String ?? ""
                let fields = [
                    String(run["id"] as? Int ?? 0), state, "\(run["repository"] as? String ?? "")",
                    "\(run["workflow"] as? String ?? "") #\(run["number"] as? Int ?? 0)",
                    run["event"] as? String ?? "", (run["ref"] as? String ?? "").replacingOccurrences(of: "refs/heads/", with: ""),
                    String((run["sha"] as? String ?? "").prefix(8)),
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
            let (status, body) = try await client.send("GET", "/api/runs/\(id)")
            guard status == 200, let detail = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                let run = detail["run"] as? [String: Any]
            else { throw CLIFailure(message: "HTTP \(status): \(String(decoding: body, as: UTF8.self))", exitCode: 1) }
            if json {
                print(String(decoding: body, as: UTF8.self), terminator: "")
                return
            }
            print(
                "\(run["workflow"] as? String ?? "") #\(run["number"] as? Int ?? 0): \(run["conclusion"] as? String ?? run["status"] as? String ?? "")"
            )
            print(
                "  \(run["repository"] as? String ?? "") \(run["event"] as? String ?? "") \(run["ref"] as? String ?? "") \(run["sha"] as? String ?? "")"
            )
            for job in detail["jobs"] as? [[String: Any]] ?? [] {
                print("  job \(job["name"] as? String ?? ""): \(job["conclusion"] as? String ?? job["status"] as? String ?? "")")
                for step in job["steps"] as? [[String: Any]] ?? [] {
                    let seconds = (step["duration_seconds"] as? Double).map { String(format: " (%.1fs)", $0) } ?? ""
                    print(
                        "    \(step["number"] as? Int ?? 0). \(step["name"] as? String ?? ""): \(step["conclusion"] as? String ?? step["status"] as? String ?? "")\(seconds)"
                    )
                }
            }
            for gate in detail["gates"] as? [[String: Any]] ?? [] {
                print(
                    "  gate \(gate["context"] as? String ?? ""): \(gate["status"] as? String ?? "") — \(gate["measured"] as? String ?? "") (threshold \(gate["threshold"] as? String ?? ""))"
                )
            }
            for note in detail["annotations"] as? [[String: Any]] ?? [] {
                print("  \(note["level"] as? String ?? ""): \(note["message"] as? String ?? "")")
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
            let (status, body) = try await client.send("GET", "/api/runs/\(id)/logs" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
            guard status == 200 else { throw CLIFailure(message: "HTTP \(status): \(String(decoding: body, as: UTF8.self))", exitCode: 1) }
            FileHandle.standardOutput.write(body)
        }

        /// Streams a run's log lines (prefixed by job) until it ends; exit 1 unless it succeeded.
        static func follow(_ client: ServerClient, _ id: Int) async throws {
            let conclusion = ConclusionBox()
            try await client.events("/api/runs/\(id)/events?logs=1") { name, data in
                guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return }
                switch name {
                case "log":
                    let job = object["job"] as? String ?? ""
                    var out = ""
                    for line in (object["text"] as? String ?? "").split(separator: "\n") { out += "[\(job)] \(line)\n" }
                    FileHandle.standardOutput.write(Data(out.utf8))
                case "run":
                    conclusion.value = (object["run"] as? [String: Any])?["conclusion"] as? String
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
            _ = try await server.client().object("POST", "/api/runs/\(id)/cancel")
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
            let run = try await client.object("POST", "/api/runs/\(id)/rerun", json: ["failed_only": failedOnly]) as? [String: Any] ?? [:]
            print("started run \(run["id"] as? Int ?? 0) (attempt \(run["attempt"] as? Int ?? 0)) → \(client.base)/runs/\(run["id"] as? Int ?? 0)")
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
