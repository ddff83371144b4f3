import ArgumentParser
import Foundation
import GaaraAPI
import GaaraHTTP
import GaaraServer

/// Where a server is and how to authenticate: `--url`/`GAARA_URL` and `--token`/`GAARA_TOKEN`, or,
/// on the server's machine, the data directory's `server.json` and local admin key.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server URL (default: $GAARA_URL, else the one in the data directory's server.json).")
    var url: String?

    @Option(help: "An access token (default: $GAARA_TOKEN, else the local admin key of the data directory).")
    var token: String?

    @Option(name: .customLong("data"), help: "The server's data directory, when on its machine (default: $GAARA_DATA or ~/.local/share/gaara).")
    var dataDirectory: String?

    func client() throws(CLIFailure) -> ServerClient {
        let environment = ProcessInfo.processInfo.environment
        let data = URL(fileURLWithPath: dataDirectory ?? ServeCommand.defaultDataDirectory())
        var base = url ?? environment["GAARA_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if base == nil, let json = FileManager.default.contents(atPath: data.appendingPathComponent("server.json").path),
            let file = try? APICoding.decode(ServerFileJSON.self, from: json)
        {
            base = file.url
        }
        guard let base, !base.isEmpty else {
            throw CLIFailure(message: "no server: pass --url or set GAARA_URL (or run on the server's machine with --data)", exitCode: 2)
        }
        let credential = token ?? environment["GAARA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        // The local credential expires within minutes: it is made anew for each request.
        let key = credential == nil ? FileManager.default.contents(atPath: data.appendingPathComponent("hook.key").path) : nil
        return ServerClient(base: base.hasSuffix("/") ? String(base.dropLast()) : base, fixedToken: credential, localKey: key)
    }
}

/// The CLI's client of the server's REST API: the shared ``OutboundHTTP`` client, the shared
/// API types of GaaraAPI, and errors that say what the server said.
struct ServerClient: Sendable {
    let base: String
    let fixedToken: String?
    /// The data directory's hook key, for a fresh local credential per request.
    let localKey: Data?

    /// The credential for the next request.
    var token: String? { fixedToken ?? localKey.map { CIServer.localToken(key: $0) } }

    private func request(_ method: String, _ path: String, headers: [(String, String)], body: Data?, timeout: Double) -> OutboundRequest {
        var fields = headers
        if let token { fields.append(("Authorization", "Bearer " + token)) }
        return OutboundRequest(method: method, url: base + path, headers: fields, body: body, timeout: timeout, maxResponseBytes: 1 << 30)
    }

    /// Sends a request; returns the status and body. Network failures exit 2 with the reason.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: Data? = nil) async throws(CLIFailure)
        -> (status: Int, body: Data)
    {
        do {
            let response = try await OutboundHTTP.shared.send(request(method, path, headers: headers, body: body, timeout: 300))
            return (response.status, response.body)
        } catch {
            throw CLIFailure(message: "cannot reach \(base): \(error)", exitCode: 2)
        }
    }

    /// Sends `body` as JSON (none when nil) and decodes the answer as `Answer`; a 4xx/5xx becomes
    /// an error with the server's message (exit 1).
    func call<Answer: Decodable>(
        _ method: String, _ path: String, body: (some Encodable & Sendable)? = EmptyBody?.none, as answer: Answer.Type
    ) async throws(CLIFailure) -> Answer {
        let data = try await checked(method, path, body: body)
        do {
            return try APICoding.decode(Answer.self, from: data)
        } catch {
            throw CLIFailure(message: "\(method) \(path): the server's answer is not what this gaara expects: \(error)", exitCode: 1)
        }
    }

    /// Sends `body` as JSON and checks the answer is a 2xx; returns its body.
    @discardableResult
    func checked(_ method: String, _ path: String, body: (some Encodable & Sendable)? = EmptyBody?.none) async throws(CLIFailure) -> Data {
        var headers: [(String, String)] = []
        var encoded: Data?
        if let body {
            headers.append(("Content-Type", "application/json"))
            encoded = try? APICoding.encode(body)
        }
        let (status, data) = try await send(method, path, headers: headers, body: encoded)
        guard (200..<300).contains(status) else {
            let message = (try? APICoding.decode(ErrorBody.self, from: data))?.error.message ?? String(decoding: data, as: UTF8.self)
            throw CLIFailure(message: "\(method) \(path): HTTP \(status): \(message)", exitCode: 1)
        }
        return data
    }

    /// Streams server-sent events, calling `handle` with each event name and data; returns at the end.
    func events(_ path: String, handle: @escaping @Sendable (String, String) -> Void) async throws(CLIFailure) {
        var parser = EventStreamParser()
        var refused = Data()
        let status: Int
        do {
            status = try await OutboundHTTP.shared.stream(
                request("GET", path, headers: [("Accept", "text/event-stream")], body: nil, timeout: 24 * 3600)
            ) {
                status, chunk in
                guard status == 200 else {
                    refused.append(chunk.prefix(4096 - refused.count))
                    return
                }
                for (name, data) in parser.feed(chunk) { handle(name, data) }
            }
        } catch {
            throw CLIFailure(message: "event stream: \(error)", exitCode: 1)
        }
        if status != 200 { throw CLIFailure(message: "event stream: HTTP \(status): \(String(decoding: refused, as: UTF8.self))", exitCode: 1) }
    }
}

/// No request body.
struct EmptyBody: Encodable, Sendable {}

/// Splits a `text/event-stream` body into events (name, data) as its bytes arrive.
struct EventStreamParser {
    private var buffer = Data()

    /// Adds `chunk`; returns the events it completed.
    mutating func feed(_ chunk: Data) -> [(String, String)] {
        buffer.append(chunk)
        var events: [(String, String)] = []
        while let range = buffer.range(of: Data("\n\n".utf8)) {
            let block = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex..<range.upperBound)
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if !data.isEmpty { events.append((name, data.joined(separator: "\n"))) }
        }
        return events
    }
}
