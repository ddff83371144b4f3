import Foundation
import Testing

/// Large logs served by `gaara serve` against the real binary (security issue #21, item 4): every
/// log endpoint streams from disk with bounded memory, and the dashboard shows an excerpt.
@Suite(.serialized)
struct ServerLogTests {
    /// A line of `/proc/PID/status` in KiB (`VmHWM`, `VmRSS`).
    static func memory(_ pid: Int32, _ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
    }

    /// Runs a shell script; fails with its output unless it exits 0.
    static func shell(_ script: String) async throws -> String {
        let result = try await GaaraBinary.run(["bash", "-c", script], executable: URL(fileURLWithPath: "/usr/bin/env"))
        guard result.status == 0 else { throw ServerTestError("\(script): exit \(result.status): \(result.stdout)\(result.stderr)") }
        return result.stdout
    }

    @Test func aStepPrintingOneHugeLineIsServedWithBoundedMemory() async throws {
        let directory = try TemporaryDirectory()
        let size = 300_000_000
        let workflow = """
            name: Huge
            on: push
            jobs:
              big:
                runs-on: ubuntu-latest
                steps:
                  - name: Huge line
                    run: head -c \(size) /dev/zero | tr '\\0' "$FILL"
                    env: {FILL: Z}
                  - run: echo after the huge line
            """
        let (server, source) = try await ServerFeatureTests.start(directory, [".github/workflows/huge.yml": workflow])
        let pid = server.process.processIdentifier
        var began = Date()
        try await source.git("push -q origin main")
        let id = try #require(try await server.runs().first?["id"] as? Int)
        let detail = try await server.waitForRun(id, timeout: 600)
        #expect((detail["run"] as? [String: Any])?["conclusion"] as? String == "success")
        let job = try #require((detail["jobs"] as? [[String: Any]])?.first)
        let jobID = try #require(job["id"] as? Int)
        let step = try #require((job["steps"] as? [[String: Any]])?.first { $0["name"] as? String == "Huge line" }?["number"] as? Int)
        let afterRun = try Self.memory(pid, "VmHWM")
        print("huge line: run took \(Int(Date().timeIntervalSince(began))) s; server peak RSS so far \(afterRun / 1024) MiB")
        // From here on the peak is the log endpoints' (writing 5 resets the peak to the current size).
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)

        // The whole run's log, counted as it arrives (neither side keeps it): every Z the step
        // printed (no other line has one).
        let auth = "-H 'Authorization: Bearer \(server.adminToken)'"
        began = Date()
        let counted = try await Self.shell("curl -sS --fail \(auth) '\(server.url)/api/runs/\(id)/logs' | LC_ALL=C tr -cd Z | wc -c")
        let download = Date().timeIntervalSince(began)
        #expect(Int(counted.trimmingCharacters(in: .whitespacesAndNewlines)) == size, "\(counted)")
        let afterDownload = try Self.memory(pid, "VmHWM")
        print("huge line: GET /api/runs/\(id)/logs took \(String(format: "%.1f", download)) s; server peak RSS \(afterDownload / 1024) MiB")
        #expect(afterDownload < 200 * 1024, "the server's resident memory peaked at \(afterDownload / 1024) MiB serving the log")

        // The run page answers soon, with the line cut and a link to the raw log.
        began = Date()
        let (status, page) = try await server.request("GET", "/runs/\(id)", token: server.adminToken)
        let pageSeconds = Date().timeIntervalSince(began)
        let html = String(decoding: page, as: UTF8.self)
        let afterPage = try Self.memory(pid, "VmHWM")
        print("huge line: run page took \(String(format: "%.2f", pageSeconds)) s, \(page.count) bytes; server peak RSS \(afterPage / 1024) MiB")
        #expect(status == 200)
        #expect(pageSeconds < 30, "the run page took \(pageSeconds) s")
        #expect(page.count < 12 * 1024 * 1024, "the run page has \(page.count) bytes")
        #expect(html.contains("bytes truncated; <a href=\"/api/runs/\(id)/logs?job=\(jobID)&amp;step=\(step)\">download the raw log</a>]"))
        #expect(html.contains("only the first 4 MiB of this step&#39;s log"), "no step marker")
        #expect(html.contains("after the huge line"))

        // The live stream shows the same excerpt and ends.
        began = Date()
        let eventsFile = directory.url.appendingPathComponent("events.txt")
        _ = try await Self.shell("curl -sS --fail -N \(auth) -o '\(eventsFile.path)' '\(server.url)/api/runs/\(id)/events?logs=1'")
        let events = try String(contentsOf: eventsFile, encoding: .utf8)
        print("huge line: events?logs=1 sent \(events.utf8.count) bytes in \(String(format: "%.1f", Date().timeIntervalSince(began))) s")
        #expect(events.utf8.count < 6 * 1024 * 1024, "\(events.utf8.count) bytes of events")
        #expect(events.contains("bytes truncated; download the raw log]\\n"))
        #expect(events.contains("only the first 4 MiB of this step's log are shown here; download the raw log]"))
        #expect(events.contains("after the huge line") && events.hasSuffix("event: end\ndata: {\"run_id\":\(id)}\n\n"))
        let peak = try Self.memory(pid, "VmHWM")
        print("huge line: server peak RSS over the log endpoints \(peak / 1024) MiB")
        #expect(peak < 200 * 1024, "the server's resident memory peaked at \(peak / 1024) MiB")

        // A single step's raw log answers ranges, also deep inside the gzipped file.
        let raw = "\(server.url)/api/runs/\(id)/logs?job=\(jobID)&step=\(step)"
        let stored = server.data.appendingPathComponent("logs/\(id)/big-0/\(step).log.gz").path
        // The log is gzipped in the background once the step is over.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !FileManager.default.fileExists(atPath: stored) { try await Task.sleep(for: .milliseconds(100)) }
        #expect(FileManager.default.fileExists(atPath: stored))
        let total = Int(try await Self.shell("gzip -dc '\(stored)' | wc -c").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(total >= size)
        for (range, first, count) in [
            ("0-9", 0, 10), ("150000000-150000099", 150_000_000, 100), ("\(total - 7)-", total - 7, 7), ("-5", total - 5, 5),
        ] {
            let head = try await Self.shell("curl -sS -D - -o '\(directory.url.path)/part' -H 'Range: bytes=\(range)' \(auth) '\(raw)'")
            #expect(head.hasPrefix("HTTP/1.1 206"), "\(range): \(head)")
            #expect(head.lowercased().contains("content-range: bytes \(first)-\(first + count - 1)/\(total)\r\n"), "\(range): \(head)")
            let expected = try await Self.shell("gzip -dc '\(stored)' | tail -c +\(first + 1) | head -c \(count) | od -c")
            let got = try await Self.shell("od -c '\(directory.url.path)/part'")
            #expect(got == expected, "\(range)")
        }
        let beyond = try await Self.shell("curl -sS -D - -o /dev/null -H 'Range: bytes=\(total)-' \(auth) '\(raw)'")
        #expect(beyond.hasPrefix("HTTP/1.1 416") && beyond.lowercased().contains("content-range: bytes */\(total)\r\n"), "\(beyond)")
        // The whole step again, expanded from the gzip file as it is sent.
        let whole = try await Self.shell("curl -sS -D - -o /dev/null -w '%{size_download}' \(auth) '\(raw)'")
        #expect(whole.hasPrefix("HTTP/1.1 200") && whole.lowercased().contains("accept-ranges: bytes") && whole.hasSuffix("\(total)"), "\(whole)")
        let final = try Self.memory(pid, "VmHWM")
        print("huge line: server peak RSS after the range requests and the gzipped step \(final / 1024) MiB")
        #expect(final < 200 * 1024, "the server's resident memory peaked at \(final / 1024) MiB")
        await server.stop()
    }
}
