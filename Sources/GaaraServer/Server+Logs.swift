import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension CIServer {
    /// `GET /api/runs/{id}/logs`: the stored logs of a run, a job (`job`) or a step (`job` and
    /// `step`), streamed from disk in 64 KiB blocks (gzipped logs expanded as they are sent), so a
    /// download costs the same memory however large the log. A single step's log answers `Range`.
    /// Revoking `tokenID` ends the download (the connection closes).
    func logDownload(_ request: Request, runID: Int64, job jobID: Int64?, step: Int?, tokenID: Int64?) async throws -> Response {
        guard try await store.run(id: runID) != nil else { throw HTTPError(.notFound, message: "no run \(runID)") }
        var jobs = try await store.jobs(runID: runID).map(\.job)
        if let jobID {
            jobs = jobs.filter { $0.id == jobID }
            guard !jobs.isEmpty else { throw HTTPError(.notFound, message: "run \(runID) has no job \(jobID)") }
        }
        var parts: [(heading: String, base: String)] = []
        for job in jobs {
            for number in logs.steps(runID: runID, key: job.jobKey, index: job.matrixIndex) where step == nil || number == step {
                let base = logs.jobDirectory(runID: runID, key: job.jobKey, index: job.matrixIndex).appendingPathComponent("\(number).log").path
                parts.append(("##[job] \(job.name) · step \(number)\n", base))
            }
        }
        if let step, parts.isEmpty { throw HTTPError(.notFound, message: "no log for step \(step)") }
        let selected = parts
        let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if jobID != nil, step != nil {
            return try stepLogDownload(selected[0].base, range: request.headers[.range], headers: headers, runID: runID, tokenID: tokenID)
        }
        let body = ResponseBody { [self] writer in
            let handle = streams.open(runID: runID, tokenID: tokenID)
            defer { streams.close(handle) }
            for part in selected {
                guard let reader = try StepLogReader.open(part.base) else { continue }
                try await writer.write(ByteBuffer(string: part.heading))
                _ = try await copy(reader, count: .max, to: &writer, handle: handle)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// One step's log: whole (200), or the part a single `Range` asks for (206, or 416 when it
    /// starts past the end). The size is taken when the request comes: a running step's log is
    /// sent as it was then.
    private func stepLogDownload(_ base: String, range: String?, headers: HTTPFields, runID: Int64, tokenID: Int64?) throws -> Response {
        guard let reader = try StepLogReader.open(base) else { throw HTTPError(.notFound, message: "no log for this step") }
        var headers = headers
        headers[.acceptRanges] = "bytes"
        // A gzipped log's size can cost expanding it once; only a range needs it.
        let size = range == nil ? reader.cheapSize() : try reader.size()
        var status = HTTPResponse.Status.ok
        var part: Range<Int>?
        if let size {
            switch ByteRange.parse(range, size: size) {
            case .whole: break
            case .unsatisfiable:
                throw HTTPError(.rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"], message: "the log has \(size) bytes")
            case .part(let wanted):
                part = wanted
                status = .partialContent
                headers[.contentRange] = "bytes \(wanted.lowerBound)-\(wanted.upperBound - 1)/\(size)"
            }
        }
        let start = part?.lowerBound ?? 0
        let count = part?.count ?? size
        // The reader is opened again inside the body (it belongs to the task that writes); the
        // plain file may have been compressed in between, with the same bytes.
        let body = ResponseBody(contentLength: count) { [self] writer in
            let handle = streams.open(runID: runID, tokenID: tokenID)
            defer { streams.close(handle) }
            guard let reader = try StepLogReader.open(base) else { throw HTTPError(.gone, message: "the log was removed") }
            if start > 0, try reader.skip(start) < start { throw HTTPError(.gone, message: "the log shrank") }
            _ = try await copy(reader, count: count ?? .max, to: &writer, handle: handle)
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// Writes up to `count` bytes of `reader` in 64 KiB blocks, each written (the socket's
    /// backpressure awaited) before the next is read; returns how many were written. Stops with
    /// an error (the connection closes) once `handle`'s token is revoked.
    func copy(_ reader: StepLogReader, count: Int, to writer: inout any ResponseBodyWriter, handle: LiveStreams.Stream) async throws -> Int {
        var written = 0
        var sinceDrain = 0
        while written < count {
            if handle.isRevoked { throw HTTPError(.unauthorized, message: "the token was revoked") }
            if sinceDrain >= 1024 * 1024 {
                try await drainWrites()
                sinceDrain = 0
            }
            let wanted = min(64 * 1024, count - written)
            var buffer = ByteBufferAllocator().buffer(capacity: wanted)
            let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { bytes in
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<wanted]))
            }
            if read == 0 { break }
            try await writer.write(buffer)
            written += read
            sinceDrain += read
        }
        return written
    }

    /// Waits until every event loop of the server has run what was queued on it before. A write
    /// from a task reaches its channel only when the channel's event loop runs it, and until then
    /// the channel cannot say it is full: a reader faster than the event loop (a plain log read
    /// from the page cache) would queue the whole log in memory. Called every MiB, this keeps a
    /// download at most about a MiB ahead of its socket.
    func drainWrites() async throws {
        for loop in eventLoops.makeIterator() { try await loop.submit {}.get() }
    }
}

/// What a `Range` header asks of a body of known size (RFC 9110 §14.1.2; one range only).
enum ByteRange: Equatable {
    /// The whole body: no header, another unit, several ranges, or one that is not valid.
    case whole
    /// These bytes (clipped to the end).
    case part(Range<Int>)
    /// Nothing: the range starts past the end (416).
    case unsatisfiable

    /// Reads `header` (`bytes=first-last`, `bytes=first-`, `bytes=-suffix`) against `size`.
    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return .whole }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else { return .whole }
        let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        let digits = { (text: String) in text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard digits(first), digits(last), !(first.isEmpty && last.isEmpty) else { return .whole }
        if first.isEmpty {
            // The last `suffix` bytes (all of them when the body is shorter).
            let suffix = Int(last) ?? Int.max
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .part(max(size - suffix, 0)..<size)
        }
        // Too many digits for an Int is past any end.
        guard let start = Int(first) else { return .unsatisfiable }
        let end = last.isEmpty ? Int.max : (Int(last) ?? Int.max)
        guard end >= start else { return .whole }
        guard start < size else { return .unsatisfiable }
        return .part(start..<(min(end, size - 1) + 1))
    }
}
