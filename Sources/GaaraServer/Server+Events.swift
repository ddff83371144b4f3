import Foundation
import HTTPTypes
import Hummingbird

extension CIServer {
    /// `GET /api/runs/{id}/events`: server-sent events. `run` events carry the run's whole state
    /// (sent first, then whenever it changes); with `logs=1`, `log` events carry new log lines per
    /// job and step; `end` comes when the run has finished and every log line was sent.
    func registerEvents(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        route(
            router, registry, .get, "/api/runs/{id}/events", .role(.viewer), "Live run state and logs (server-sent events)", query: ["logs"],
            response: "event-stream"
        ) { [self] request, context, _ in
            let runID = try Reply.integer(context, "id")
            guard try await store.run(id: runID) != nil else { throw HTTPError(.notFound, message: "no run \(runID)") }
            let withLogs = request.uri.queryParameters.get("logs").map { $0 == "1" || $0 == "true" } ?? false
            let body = ResponseBody { [self] writer in
                try await stream(runID, withLogs: withLogs, into: &writer)
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
                body: body)
        }
    }

    private func stream(_ runID: Int64, withLogs: Bool, into writer: inout any ResponseBodyWriter) async throws {
        let follower = withLogs ? LogFollower(directory: logs.runDirectory(runID)) : nil
        var lastState = Data()
        var jobIDs: [String: Int64] = [:]
        var lastBeat = Date()
        var seenState: UInt64?
        var finished = false
        while !Task.isCancelled {
            let seen = notifier.version(runID)
            var out = ""
            let stateVersion = notifier.stateVersion(runID)
            if stateVersion != seenState {
                seenState = stateVersion
                let detail = try await runDetail(runID)
                finished = detail.run.status == "completed"
                let state = try APIModels.encoder.encode(detail)
                if state != lastState {
                    lastState = state
                    out += "event: run\ndata: " + String(decoding: state, as: UTF8.self) + "\n\n"
                    for job in detail.jobs {
                        jobIDs[StepLogs.jobFolder(key: job.key, index: job.matrixIndex)] = job.id
                    }
                }
            }
            var more = false
            if let follower {
                let (chunks, pending) = follower.poll(limit: 4 * 1024 * 1024)
                more = pending
                for chunk in chunks {
                    let event = LogEventJSON(job: chunk.jobFolder, jobId: jobIDs[chunk.jobFolder], step: chunk.step, text: chunk.text)
                    out += "event: log\ndata: " + String(decoding: try APIModels.encoder.encode(event), as: UTF8.self) + "\n\n"
                }
            }
            if !out.isEmpty {
                try await writer.write(ByteBuffer(string: out))
                lastBeat = Date()
            } else if Date().timeIntervalSince(lastBeat) > 15 {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastBeat = Date()
            }
            if finished && !more {
                // The run was completed before the logs were read, so every line has been sent.
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"run_id\":\(runID)}\n\n"))
                return
            }
            if !more {
                await notifier.wait(runID, after: seen, timeout: 15)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// A `log` event.
struct LogEventJSON: Codable, Sendable {
    var job: String
    var jobId: Int64?
    var step: Int
    var text: String
}
