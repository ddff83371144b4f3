import Foundation
import GaaraAPI
import HTTPTypes
import Hummingbird
import NIOCore

extension CIServer {
    /// `GET /api/runs/{id}/events`: server-sent events. `run` events carry the run's whole state
    /// (sent first, then whenever it changes); with `logs=1`, `log` events carry new log lines per
    /// job and step; `end` comes when the run has finished and every log line was sent.
    func registerEvents(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        route(
            router, registry, .get, "/api/runs/{id}/events", .role(.viewer), "Live run state and logs (server-sent events)", query: ["logs"],
            response: "event-stream"
        ) { [self] request, context, caller in
            let runID = try Reply.integer(context, "id")
            guard try await store.run(id: runID) != nil else { throw HTTPError(.notFound, message: "no run \(runID)") }
            let withLogs = request.uri.queryParameters.get("logs").map { $0 == "1" || $0 == "true" } ?? false
            let tokenID = caller.tokenID
            let body = ResponseBody { [self] writer in
                let handle = streams.open(runID: runID, tokenID: tokenID)
                defer { streams.close(handle) }
                try await stream(runID, withLogs: withLogs, handle: handle, into: &writer)
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
                body: body)
        }
    }

    /// `GET /api/events/runs`: server-sent events for the runs list. A `runs` event (its data the
    /// change counter) comes first and then whenever a run is queued or any run's state changes,
    /// at most about three times a second; a comment keeps the connection alive every 15 s. The
    /// stream ends after `timeout` seconds (1–3600, default 900): a browser's EventSource connects
    /// again by itself, and no connection outlives a proxy's idea of a long one.
    func registerRunsEvents(_ router: Router<BasicRequestContext>, _ registry: RouteRegistry) {
        route(
            router, registry, .get, "/api/events/runs", .role(.viewer), "Live changes of the runs list (server-sent events)", query: ["timeout"],
            response: "event-stream"
        ) { [self] request, _, caller in
            var lifetime = 900.0
            if let text = request.uri.queryParameters.get("timeout") {
                guard let seconds = Double(text), (1...3600).contains(seconds) else {
                    throw HTTPError(.badRequest, message: "'timeout' must be a number of seconds from 1 to 3600, found '\(text)'")
                }
                lifetime = seconds
            }
            let end = Date().addingTimeInterval(lifetime)
            let tokenID = caller.tokenID
            let body = ResponseBody { [self] writer in
                let handle = streams.open(runID: RunNotifier.anyRun, tokenID: tokenID)
                defer { streams.close(handle) }
                var sent: UInt64?
                while !Task.isCancelled, !handle.isRevoked, Date() < end {
                    let version = notifier.version(RunNotifier.anyRun)
                    if version != sent {
                        sent = version
                        try await writer.write(ByteBuffer(string: "event: runs\ndata: {\"version\":\(version)}\n\n"))
                        // Changes close together go out as one: a push queues runs and starts them at once.
                        try await Task.sleep(for: .milliseconds(300))
                        continue
                    }
                    await notifier.wait(RunNotifier.anyRun, after: version, timeout: min(15, max(0.05, end.timeIntervalSinceNow)))
                    if notifier.version(RunNotifier.anyRun) == version, Date() < end {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
                body: body)
        }
    }

    /// Sends the run's events until it is over, the client goes, or `handle`'s token is revoked.
    private func stream(_ runID: Int64, withLogs: Bool, handle: LiveStreams.Stream, into writer: inout any ResponseBodyWriter) async throws {
        var shared: (feed: LogFeed, id: Int)?
        var own: LogFollower?
        if withLogs {
            shared = feeds.join(runID) { feed in produceLogs(feed) }
            if shared == nil { own = LogFollower(directory: logs.runDirectory(runID), limits: logLimits) }
        }
        defer { if let shared { feeds.leave(shared.feed, shared.id) } }
        var lastState = Data()
        var jobIDs: [String: Int64] = [:]
        var lastBeat = Date()
        var sinceDrain = 0
        var seenState: UInt64?
        var finished = false
        // While the run runs, each subscriber gets its logs at up to `liveLogBytesPerSecond` (and all
        // of the run's subscribers together at up to `liveLogBytesPerSecondPerRun`), paced by a token
        // bucket holding one batch interval's worth (no burst when a step starts printing), so
        // watchers never take the CPU the steps need; once the run is over they catch up at full speed.
        let ownRate = Double(configuration.liveLogBytesPerSecond)
        let runRate = Double(configuration.liveLogBytesPerSecondPerRun)
        var rate = ownRate
        let batch = Self.liveBatchSeconds
        var credit = rate * batch
        var refilled = Date()
        while !Task.isCancelled, !handle.isRevoked {
            let seen = notifier.version(runID)
            var out = ""
            let stateVersion = notifier.stateVersion(runID)
            if stateVersion != seenState {
                seenState = stateVersion
                let snapshot = try await runSnapshot(runID, version: stateVersion)
                finished = snapshot.finished
                if snapshot.encoded != lastState {
                    lastState = snapshot.encoded
                    out += "event: run\ndata: " + String(decoding: snapshot.encoded, as: UTF8.self) + "\n\n"
                    jobIDs.merge(snapshot.jobIDs) { $1 }
                }
            }
            var buffers: [ByteBuffer] = out.isEmpty ? [] : [ByteBuffer(string: out)]
            var logsDone = true
            if let shared {
                let now = Date()
                rate = min(ownRate, runRate / Double(max(shared.feed.subscribers, 1)))
                credit = min(rate * batch, credit + rate * now.timeIntervalSince(refilled))
                refilled = now
                if finished || credit >= 1 {
                    let (events, over) = shared.feed.take(shared.id, limit: finished ? Int.max : Int(credit))
                    buffers += events
                    if !finished { credit -= Double(events.reduce(0) { $0 + $1.readableBytes }) }
                    logsDone = over
                } else {
                    logsDone = false
                }
            } else if let own {
                let (chunks, more) = own.poll(limit: 4 * 1024 * 1024)
                buffers += chunks.map { SSEEncoding.logEvent(job: $0.jobFolder, jobID: jobIDs[$0.jobFolder], step: $0.step, text: $0.text) }
                // The run was completed before the logs were read, so every line has been sent.
                logsDone = finished && !more
            }
            // Revoked while this was read: nothing more goes out.
            if handle.isRevoked { return }
            if !buffers.isEmpty {
                try await writer.write(contentsOf: buffers)
                lastBeat = Date()
                // Catching up at full speed, the writes must not queue up ahead of the socket.
                sinceDrain += buffers.reduce(0) { $0 + $1.readableBytes }
                if sinceDrain >= 1024 * 1024 {
                    try await drainWrites()
                    sinceDrain = 0
                }
            } else if Date().timeIntervalSince(lastBeat) > 15 {
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                lastBeat = Date()
            }
            if finished && logsDone {
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"run_id\":\(runID)}\n\n"))
                return
            }
            if let shared {
                if !finished, credit < 1 {
                    // Until the bucket has refilled past what was sent (at least one batch interval,
                    // at most a second: the run's end must be noticed soon to catch up).
                    try await Task.sleep(for: .seconds(min(1, max(batch, (1 - credit) / rate))))
                } else if !finished, !buffers.isEmpty {
                    // Live output goes out in batches five times a second: a watcher sees no
                    // difference, and the steps share the CPU with fewer wake-ups.
                    try await Task.sleep(for: .seconds(batch))
                } else {
                    await shared.feed.wait(shared.id, timeout: batch)
                }
            } else if buffers.isEmpty || own == nil {
                await notifier.wait(runID, after: seen, timeout: 15)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// How often a live subscriber is sent what is new while its run runs (seconds).
    static let liveBatchSeconds = 0.2

    /// The run's state encoded once per state version, shared by all its subscribers.
    private func runSnapshot(_ runID: Int64, version: UInt64) async throws -> RunSnapshot {
        if let cached = snapshots.withLock({ $0[runID] }), cached.version == version { return cached }
        let detail = try await runDetail(runID)
        var jobIDs: [String: Int64] = [:]
        for job in detail.jobs { jobIDs[StepLogs.jobFolder(key: job.key, index: job.matrixIndex)] = job.id }
        let snapshot = RunSnapshot(
            version: version, encoded: try APICoding.encode(detail), finished: detail.run.status == "completed", jobIDs: jobIDs)
        snapshots.withLock { cache in
            if cache.count > 256 { cache.removeAll() }
            cache[runID] = snapshot
        }
        return snapshot
    }

    /// Follows a run's step logs once for every subscriber of `feed`, until the run is over and
    /// every line was encoded, or nobody watches any more.
    private func produceLogs(_ feed: LogFeed) {
        Task { [self] in
            let follower = LogFollower(directory: logs.runDirectory(feed.runID), limits: logLimits)
            var jobIDs: [String: Int64] = [:]
            while feeds.isActive(feed) {
                if feed.backlog > 1024 * 1024 {
                    try? await Task.sleep(for: .milliseconds(50))
                    continue
                }
                let seen = notifier.version(feed.runID)
                let completed = (try? await store.run(id: feed.runID))?.status == .completed
                let (chunks, more) = follower.poll(limit: 256 * 1024)
                if chunks.contains(where: { jobIDs[$0.jobFolder] == nil }), let jobs = try? await store.jobs(runID: feed.runID) {
                    for (job, _) in jobs { jobIDs[StepLogs.jobFolder(key: job.jobKey, index: job.matrixIndex)] = job.id }
                }
                // Events of about 32 KiB: a subscriber paced to a few KB a second takes one at a time.
                feed.append(
                    chunks.flatMap { chunk in
                        SSEEncoding.pieces(of: chunk.text, size: 32 * 1024).map {
                            SSEEncoding.logEvent(job: chunk.jobFolder, jobID: jobIDs[chunk.jobFolder], step: chunk.step, text: $0)
                        }
                    })
                if completed && !more {
                    feed.finish()
                    return
                }
                if !more {
                    await notifier.wait(feed.runID, after: seen, timeout: 5)
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }
}

/// A run's state as sent to live subscribers.
struct RunSnapshot: Sendable {
    let version: UInt64
    let encoded: Data
    let finished: Bool
    let jobIDs: [String: Int64]
}

/// Server-sent event encoding with a hand-written JSON string escaper (one pass, bulk copies of
/// the runs of bytes that need no escaping).
enum SSEEncoding {
    /// `event: log` with `{"job":…,"job_id":…,"step":…,"text":…}`.
    static func logEvent(job: String, jobID: Int64?, step: Int, text: some StringProtocol) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(text.utf8.count + text.utf8.count / 16 + 128)
        buffer.writeString("event: log\ndata: {\"job\":")
        writeJSONString(job, into: &buffer)
        buffer.writeString(",\"job_id\":" + (jobID.map(String.init) ?? "null") + ",\"step\":\(step),\"text\":")
        writeJSONString(text, into: &buffer)
        buffer.writeString("}\n\n")
        return buffer
    }

    /// `text` cut after the first newline past each `size` bytes (whole lines, the last piece
    /// whatever remains).
    static func pieces(of text: String, size: Int) -> [Substring] {
        guard text.utf8.count > size else { return [Substring(text)] }
        var pieces: [Substring] = []
        var start = text.utf8.startIndex
        while start < text.utf8.endIndex {
            let probe = text.utf8.index(start, offsetBy: size, limitedBy: text.utf8.endIndex) ?? text.utf8.endIndex
            let end =
                probe == text.utf8.endIndex
                ? probe : (text.utf8[probe...].firstIndex(of: 0x0A).map { text.utf8.index(after: $0) } ?? text.utf8.endIndex)
            pieces.append(text[start..<end])
            start = end
        }
        return pieces
    }

    static func writeJSONString(_ text: some StringProtocol, into buffer: inout ByteBuffer) {
        // A piece of a native string is read in place; anything else is copied once.
        let written: Void? = text.utf8.withContiguousStorageIfAvailable { writeJSONString(bytes: $0, into: &buffer) }
        if written == nil {
            var copy = String(text)
            copy.withUTF8 { writeJSONString(bytes: $0, into: &buffer) }
        }
    }

    private static func writeJSONString(bytes: UnsafeBufferPointer<UInt8>, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var start = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if index > start { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index])) }
            switch byte {
            case 0x0A: buffer.writeString("\\n")
            case 0x0D: buffer.writeString("\\r")
            case 0x09: buffer.writeString("\\t")
            case UInt8(ascii: "\""): buffer.writeString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeString("\\\\")
            default: buffer.writeString(String(format: "\\u%04x", byte))
            }
            start = index + 1
        }
        if bytes.count > start { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count])) }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
