import Foundation
import GaaraAlertCore

/// Where a repository's alerting keeps what must outlive one process (`.gaara/deploy/alerts`):
/// the silences people set (`silences.json`, read by the loop every cycle), and the loop's state
/// (`state.json`: how long each alert has been pending or firing, what each group last sent), so a
/// restarted watcher neither forgets a `for` nor notifies again what it already sent.
public struct AlertStateFolder: Sendable {
    /// The folder.
    public let url: URL

    /// The folder under `root` (the environments' data root).
    public init(root: URL) { url = root.appendingPathComponent("alerts") }

    var silencesFile: URL { url.appendingPathComponent("silences.json") }
    var stateFile: URL { url.appendingPathComponent("state.json") }

    /// The silences, in the order added (none when the file is missing or unreadable).
    public func silences() -> [Silence] {
        guard let data = try? Data(contentsOf: silencesFile) else { return [] }
        return (try? JSONDecoder().decode([Silence].self, from: data)) ?? []
    }

    /// Changes the silences under a lock (two people silencing at once both count), writing atomically.
    public func updateSilences<T>(_ change: (inout [Silence]) throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let lock = open(url.appendingPathComponent("silences.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        var silences = self.silences()
        let result = try change(&silences)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(silences).write(to: silencesFile, options: .atomic)
        return result
    }

    /// Ends silence `id` at `now` (one not yet started never starts); the silence as ended, nil when
    /// there is none with that id or it had already ended.
    public func expireSilence(_ id: String, at now: Double) throws -> Silence? {
        try updateSilences { silences -> Silence? in
            guard let index = silences.firstIndex(where: { $0.id == id }), silences[index].endsAt > now else { return nil }
            silences[index].startsAt = min(silences[index].startsAt, now)
            silences[index].endsAt = now
            return silences[index]
        }
    }

    /// The loop's saved state, if any.
    public func state() -> AlertLoop.Snapshot? {
        guard let data = try? Data(contentsOf: stateFile) else { return nil }
        return try? JSONDecoder().decode(AlertLoop.Snapshot.self, from: data)
    }

    /// Saves the loop's state atomically.
    public func save(_ snapshot: AlertLoop.Snapshot) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try JSONEncoder().encode(snapshot).write(to: stateFile, options: .atomic)
    }
}
