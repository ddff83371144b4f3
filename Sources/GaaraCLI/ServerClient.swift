import ArgumentParser
import Foundation
import GaaraServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
            let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any]
        {
            base = object["url"] as? String
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

/// A small JSON client of the server's REST API.
struct ServerClient: Sendable {
    let base: String
    let fixedToken: String?
    /// The data directory's hook key, for a fresh local credential per request.
    let localKey: Data?

    /// The credential for the next request.
    var token: String? { fixedToken ?? localKey.map { CIServer.localToken(key: $0) } }

    /// Sends a request; returns the status and body. Network failures exit 2 with the reason.
    func send(_ method: String, _ path: String, json: Any? = nil, headers: [String: String] = [:], body: Data? = nil) async throws(CLIFailure)
        -> (status: Int, body: Data)
    {
        guard let url = URL(string: base + path) else { throw CLIFailure(message: "invalid URL \(base + path)", exitCode: 2) }
        var request = URLRequest(url: url, timeoutInterval: 300)
        request.httpMethod = method
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        } else if let body {
            request.httpBody = body
        }
        let result: Result<(Int, Data), CLIFailure> = await withCheckedContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(returning: .failure(CLIFailure(message: "cannot reach \(base): \(error.localizedDescription)", exitCode: 2)))
                } else {
                    continuation.resume(returning: .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
                }
            }.resume()
        }
        return try result.get()
    }

    /// Sends a request and decodes a JSON object; a 4xx/5xx becomes an error with the server's message (exit 1).
    func object(_ method: String, _ path: String, json: Any? = nil) async throws(CLIFailure) -> Any {
        let (status, body) = try await send(method, path, json: json)
        let decoded = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        guard (200..<300).contains(status) else {
            let message = ((decoded as? [String: Any])?["error"] as? [String: Any])?["message"] as? String ?? String(decoding: body, as: UTF8.self)
            throw CLIFailure(message: "\(method) \(path): HTTP \(status): \(message)", exitCode: 1)
        }
        return decoded ?? [:]
    }

    /// Streams server-sent events, calling `handle` with each event name and data; returns at `end`.
    func events(_ path: String, handle: @escaping @Sendable (String, String) -> Void) async throws(CLIFailure) {
        guard let url = URL(string: base + path) else { throw CLIFailure(message: "invalid URL", exitCode: 2) }
        var request = URLRequest(url: url, timeoutInterval: 3600)
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        let delegate = EventStreamDelegate(handle: handle)
        let session = URLSession(configuration: .default, delegate: delegate, delegateQueue: nil)
        let failure: CLIFailure? = await withCheckedContinuation { continuation in
            delegate.finish = { continuation.resume(returning: $0) }
            session.dataTask(with: request).resume()
        }
        session.invalidateAndCancel()
        if let failure { throw failure }
    }
}

/// Splits a `text/event-stream` body into events.
final class EventStreamDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let handle: @Sendable (String, String) -> Void
    var finish: ((CLIFailure?) -> Void)?
    private var buffer = Data()
    private var status = 0

    init(handle: @escaping @Sendable (String, String) -> Void) {
        self.handle = handle
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        buffer.append(data)
        guard status == 200 else { return }
        while let range = buffer.range(of: Data("\n\n".utf8)) {
            let block = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex..<range.upperBound)
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if !data.isEmpty { handle(name, data.joined(separator: "\n")) }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let done = finish
        finish = nil
        if let error {
            done?(CLIFailure(message: "event stream: \(error.localizedDescription)", exitCode: 1))
        } else if status != 200 {
            done?(CLIFailure(message: "event stream: HTTP \(status): \(String(decoding: buffer, as: UTF8.self))", exitCode: 1))
        } else {
            done?(nil)
        }
    }
}
