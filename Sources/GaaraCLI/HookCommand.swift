import ArgumentParser
import Crypto
import Foundation
import GaaraAPI
import GaaraServer

/// `gaara hook`: called by a hosted repository's `post-receive` hook with the updated refs on
/// standard input; tells the server, which starts the matching workflows before the push returns.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Report pushed refs to the server (run by post-receive hooks).", shouldDisplay: false)

    @Option(name: .customLong("data"), help: "The server's data directory.")
    var dataDirectory: String

    @Option(help: "The repository name.")
    var repository: String

    func run() async throws {
        var updates: [RefUpdate] = []
        while let line = readLine() {
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { continue }
            updates.append(RefUpdate(before: String(fields[0]), after: String(fields[1]), ref: String(fields[2])))
        }
        guard !updates.isEmpty else { return }
        let data = URL(fileURLWithPath: dataDirectory)
        guard let key = FileManager.default.contents(atPath: data.appendingPathComponent("hook.key").path) else {
            throw CLIFailure(.warning, "gaara: cannot read \(data.path)/hook.key; the push was stored but no workflow started")
        }
        let pusher = ProcessInfo.processInfo.environment["GAARA_PUSHER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "git"
        let body = try APICoding.encode(PushBody(updates: updates, pusher: pusher))
        let signature = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key)).map { String(format: "%02x", $0) }.joined()
        let serverFile = FileManager.default.contents(atPath: data.appendingPathComponent("server.json").path)
        let url = serverFile.flatMap { try? APICoding.decode(ServerFileJSON.self, from: $0) }?.url
        guard let url else {
            print("gaara: no server is running for \(data.path); the push was stored but no workflow started")
            return
        }
        let client = try ServerOptions(url: url, token: nil, dataDirectory: dataDirectory).client()
        let (status, response) = try await client.send(
            "POST", "/api/repos/\(repository)/pushes", headers: [("X-Gaara-Signature", "sha256=" + signature), ("Content-Type", "application/json")],
            body: body)
        guard status == 200, let triggered = try? APICoding.decode(TriggeredJSON.self, from: response) else {
            print("gaara: the server answered HTTP \(status): \(String(decoding: response, as: UTF8.self))")
            return
        }
        for run in triggered.runs {
            print("gaara: \(run.workflow) #\(run.number) \(run.status) → \(client.base)/runs/\(run.id)")
        }
    }
}

extension ServerOptions {
    init(url: String?, token: String?, dataDirectory: String?) {
        self.init()
        self.url = url
        self.token = token
        self.dataDirectory = dataDirectory
    }
}
