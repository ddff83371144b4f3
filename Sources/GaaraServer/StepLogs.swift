import Foundation
import GaaraRunner
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where step logs live: `logs/<run>/<job>-<index>/<step>.log`, gzipped to `<step>.log.gz` when
/// the step is done. Step 0 holds a job's lines that belong to no step (set-up, job errors).
///
/// Every line is handed to the kernel with one `write(2)` before anyone is told about it, so a
/// line a client has seen survives a crash of the server.
public struct StepLogs: Sendable {
    /// `data/logs`.
    public let root: URL

    /// Creates the layout under `root`.
    public init(root: URL) {
        self.root = root
    }

    /// The folder of a run's logs.
    public func runDirectory(_ runID: Int64) -> URL {
        root.appendingPathComponent(String(runID))
    }

    /// The folder name of a job instance (`build-0`; characters outside `[A-Za-z0-9._-]` escaped).
    public static func jobFolder(key: String, index: Int) -> String {
        var name = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                name.append(Character(UnicodeScalar(byte)))
            default: name += String(format: "%%%02X", byte)
            }
        }
        return name + "-" + String(index)
    }

    /// The folder of one job instance's logs.
    public func jobDirectory(runID: Int64, key: String, index: Int) -> URL {
        runDirectory(runID).appendingPathComponent(Self.jobFolder(key: key, index: index))
    }

    /// The step numbers with a log in a job's folder, ascending.
    public func steps(runID: Int64, key: String, index: Int) -> [Int] {
        let directory = jobDirectory(runID: runID, key: key, index: index).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(
            names.compactMap { name -> Int? in
                guard let dot = name.firstIndex(of: "."), name.hasSuffix(".log") || name.hasSuffix(".log.gz") else { return nil }
                return Int(name[..<dot])
            }
        ).sorted()
    }
}

/// An open step log. Lines collect in a buffer that goes to the file with one `write(2)` when it
/// reaches 64 KiB or when ``flush()`` is called (the recorder does every 20 ms and at each step's
/// end); readers only ever see flushed bytes, so whatever a client was shown is in the file.
final class StepLogFile: Sendable {
    let path: String
    private let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private static let capacity = 64 * 1024

    init(path: String) throws {
        self.path = path
        fd = try FastFile.open(path, .append)
    }

    deinit {
        flush()
        close(fd)
    }

    /// Adds `line` and a newline; returns true when that filled the buffer and flushed it.
    @discardableResult
    func append(line: UnsafeRawBufferPointer, prefix: StaticString? = nil) -> Bool {
        buffer.withLock { bytes in
            if let prefix { prefix.withUTF8Buffer { bytes.append(contentsOf: $0) } }
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
            guard bytes.count >= Self.capacity else { return false }
            write(&bytes)
            return true
        }
    }

    /// Adds a block of whole lines (each ending with a newline); returns true when that flushed.
    @discardableResult
    func append(lines: UnsafeRawBufferPointer) -> Bool {
        buffer.withLock { bytes in
            bytes.append(contentsOf: lines)
            guard bytes.count >= Self.capacity else { return false }
            write(&bytes)
            return true
        }
    }

    /// Writes what is buffered; returns whether there was anything.
    @discardableResult
    func flush() -> Bool {
        buffer.withLock { bytes in
            guard !bytes.isEmpty else { return false }
            write(&bytes)
            return true
        }
    }

    private func write(_ bytes: inout [UInt8]) {
        _ = bytes.withUnsafeBytes { FastFile.writeAll(fd, $0) }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Wakes the readers of a run when something about it changes (a state change or new log bytes).
/// A reader takes the current version, reads, then waits for a version past it.
public final class RunNotifier: Sendable {
    private struct Entry {
        var version: UInt64 = 0
        var stateVersion: UInt64 = 0
        var waiters: [(UInt64, CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex<[Int64: Entry]>([:])

    /// Creates a notifier.
    public init() {}

    /// The run's current version.
    public func version(_ runID: Int64) -> UInt64 {
        state.withLock { $0[runID]?.version ?? 0 }
    }

    /// The version of the run's state (runs, jobs, steps), which log lines do not change.
    public func stateVersion(_ runID: Int64) -> UInt64 {
        state.withLock { $0[runID]?.stateVersion ?? 0 }
    }

    /// The key of every run together (run ids start at 1): its version moves whenever any run's
    /// state changes or a run is queued, for the live runs list.
    public static let anyRun: Int64 = 0

    /// Tells the run's readers that something changed: its state, or (`logOnly`) its logs. A
    /// state change also wakes the readers of ``anyRun``.
    public func notify(_ runID: Int64, logOnly: Bool = false) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var waiters: [CheckedContinuation<Void, Never>] = []
            for key in logOnly || runID == Self.anyRun ? [runID] : [runID, Self.anyRun] {
                var entry = state[key] ?? Entry()
                entry.version &+= 1
                if !logOnly { entry.stateVersion &+= 1 }
                waiters += entry.waiters.map(\.1)
                entry.waiters = []
                state[key] = entry
            }
            return waiters
        }
        for waiter in ready { waiter.resume() }
    }

    /// Waits until the run's version passes `seen` or `timeout` seconds pass.
    public func wait(_ runID: Int64, after seen: UInt64, timeout: Double) async {
        let token = UInt64.random(in: 1...UInt64.max)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    var entry = state[runID] ?? Entry()
                    if entry.version != seen { return true }
                    entry.waiters.append((token, continuation))
                    state[runID] = entry
                    return false
                }
                if resumeNow {
                    continuation.resume()
                    return
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in wake(runID, token: token) }
            }
        } onCancel: {
            wake(runID, token: token)
        }
    }

    private func wake(_ runID: Int64, token: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var entry = state[runID], let index = entry.waiters.firstIndex(where: { $0.0 == token }) else { return nil }
            let waiter = entry.waiters.remove(at: index).1
            state[runID] = entry
            return waiter
        }
        waiter?.resume()
    }
}
