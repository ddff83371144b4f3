import Foundation
import GaaraDeployCore

/// An environment's local data directory (`.gaara/deploy/ENV`): its release history, the state of
/// each service's rollout, the inbox operators' commands reach a running rollout through, the lock
/// that allows one rollout at a time, and the targets' release folders.
public struct EnvironmentFolder: Sendable {
    /// The directory.
    public let url: URL
    /// The environment's name.
    public let environment: String

    /// The folder of `environment` under `root` (`.gaara/deploy`).
    public init(root: URL, environment: String) {
        url = root.appendingPathComponent(environment)
        self.environment = environment
    }

    /// Where local process targets keep their releases.
    public var targets: URL { url.appendingPathComponent("targets") }
    /// The release history.
    var historyFile: URL { url.appendingPathComponent("releases.json") }
    /// The persisted controller of `service`'s rollout.
    func rolloutFile(_ service: String) -> URL { url.appendingPathComponent("rollout-\(service).json") }
    /// Operators' inputs for the running rollout, a line each.
    var inbox: URL { url.appendingPathComponent("inbox") }

    /// The history (empty when none was saved).
    public func history() throws -> ReleaseHistory {
        guard FileManager.default.fileExists(atPath: historyFile.path) else { return ReleaseHistory(environment: environment) }
        do {
            return try Self.decoder.decode(ReleaseHistory.self, from: Data(contentsOf: historyFile))
        } catch {
            throw DeployTargetError("cannot read \(historyFile.path): \(error)")
        }
    }

    /// Saves the history atomically (a crash leaves the old or the new file, never half of one).
    public func save(_ history: ReleaseHistory) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Self.encoder.encode(history).write(to: historyFile, options: .atomic)
    }

    /// How an operator's abort begins its reason (no incident report: a person decided).
    static let operatorAbort = "aborted by an operator"

    /// The incident reports' folder (`N.json` and `N.md` each).
    var incidentsFolder: URL { url.appendingPathComponent("incidents") }

    /// The incident reports, oldest first.
    public func incidents() throws -> [IncidentReport] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: incidentsFolder.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.map { name in
            let file = incidentsFolder.appendingPathComponent(name)
            do {
                return try Self.decoder.decode(IncidentReport.self, from: Data(contentsOf: file))
            } catch {
                throw DeployTargetError("cannot read \(file.path): \(error)")
            }
        }.sorted { $0.number < $1.number }
    }

    /// The number the next incident report gets.
    /// Taken from the files' names: a report that cannot be read must not stop the next one.
    func nextIncidentNumber() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: incidentsFolder.path)) ?? []
        return (names.compactMap { Int($0.split(separator: ".").first ?? "") }.max() ?? 0) + 1
    }

    /// Writes `report` as `N.json` and `N.md` (each atomically); returns the Markdown file.
    @discardableResult
    func writeIncident(_ report: IncidentReport) throws -> URL {
        try FileManager.default.createDirectory(at: incidentsFolder, withIntermediateDirectories: true)
        let markdown = incidentsFolder.appendingPathComponent("\(report.number).md")
        try Data(report.markdown.utf8).write(to: markdown, options: .atomic)
        try Self.encoder.encode(report).write(to: incidentsFolder.appendingPathComponent("\(report.number).json"), options: .atomic)
        return markdown
    }

    /// The releases' signed evidence (`RELEASE.json`: one entry per rollout of the release).
    var evidenceFolder: URL { url.appendingPathComponent("evidence") }
    /// The key evidence is signed with, shared by the environments under the same root (in the
    /// data root's `.gitignore`d folder, readable by its owner only).
    public var signingKey: URL { url.deletingLastPathComponent().appendingPathComponent("evidence-signing.key") }

    /// The signed evidence of `release`'s rollouts, oldest first (empty when there is none).
    public func evidence(_ release: String) throws -> [SignedEvidence] {
        let file = evidenceFolder.appendingPathComponent("\(release).json")
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        do {
            return try Self.decoder.decode([SignedEvidence].self, from: Data(contentsOf: file))
        } catch {
            throw DeployTargetError("cannot read \(file.path): \(error)")
        }
    }

    /// Whether `release` has evidence (without reading it: the Environments page asks for each release).
    public func hasEvidence(_ release: String) -> Bool {
        FileManager.default.fileExists(atPath: evidenceFolder.appendingPathComponent("\(release).json").path)
    }

    /// Adds one rollout's signed evidence to `release`'s file (atomically; under the environment's lock).
    func appendEvidence(_ signed: SignedEvidence, release: String) throws {
        try FileManager.default.createDirectory(at: evidenceFolder, withIntermediateDirectories: true)
        let all = (try? evidence(release)) ?? []
        try Self.encoder.encode(all + [signed]).write(to: evidenceFolder.appendingPathComponent("\(release).json"), options: .atomic)
    }

    /// Closes incident `number` (by a person, or a release); returns the report as closed.
    @discardableResult
    public func resolveIncident(_ number: Int, by: String, note: String, at time: Date = Date()) throws -> IncidentReport {
        guard var report = try incidents().first(where: { $0.number == number }) else {
            throw DeployTargetError("\(environment) has no incident \(number)")
        }
        if report.resolution == nil {
            report.resolution = IncidentReport.Resolution(time: time, by: by, note: note)
            try writeIncident(report)
        }
        return report
    }

    /// Closes the open incidents of `service`: `release` went live healthy after them. Returns their numbers.
    func resolveIncidents(service: String, release: String, at time: Date = Date()) -> [Int] {
        let open = ((try? incidents()) ?? []).filter { $0.service == service && $0.resolution == nil }
        return open.compactMap { report in
            (try? resolveIncident(report.number, by: release, note: "a later release went live healthy", at: time)).map { _ in report.number }
        }
    }

    /// The persisted rollout of `service`, if one was saved.
    public func rollout(_ service: String) -> RolloutController? {
        guard let data = try? Data(contentsOf: rolloutFile(service)) else { return nil }
        return try? JSONDecoder().decode(RolloutController.self, from: data)
    }

    /// An operator's input as the inbox carries it: the word, who sent it, and why.
    struct OperatorLine: Codable {
        var action: String
        var by: String?
        var comment: String?
    }

    /// What a rollout takes from the inbox.
    struct OperatorInput {
        let input: RolloutInput
        let by: String?
        let comment: String?
    }

    /// Queues an operator's input for the running rollout (`pause`, `resume`, `promote`,
    /// `promote-full`, `abort`), with who sent it (`bob (approver)`) and their comment for the
    /// decision's evidence.
    public func send(_ word: String, by: String? = nil, comment: String? = nil) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // One append of a whole line: lines from several senders never interleave. A JSON line keeps
        // a comment's line breaks from splitting it.
        let descriptor = open(inbox.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DeployTargetError("cannot open \(inbox.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let body = try JSONEncoder().encode(OperatorLine(action: word, by: by, comment: comment.map { String($0.prefix(1000)) }))
        let line = String(decoding: body, as: UTF8.self) + "\n"
        guard line.withCString({ write(descriptor, $0, strlen($0)) }) == line.utf8.count else {
            throw DeployTargetError("cannot write to \(inbox.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Takes the queued inputs (the inbox is emptied).
    func takeInputs() -> [OperatorInput] {
        let taking = url.appendingPathComponent("inbox.taking")
        guard rename(inbox.path, taking.path) == 0, let text = try? String(contentsOf: taking, encoding: .utf8) else { return [] }
        try? FileManager.default.removeItem(at: taking)
        return text.split(separator: "\n").compactMap { text in
            // A JSON line; a bare word from an older sender.
            let line =
                (try? JSONDecoder().decode(OperatorLine.self, from: Data(text.utf8)))
                ?? OperatorLine(action: text.trimmingCharacters(in: .whitespaces))
            let input: RolloutInput
            switch line.action {
            case "pause": input = .pause
            case "resume": input = .resume
            case "promote": input = .promote(full: false)
            case "promote-full": input = .promote(full: true)
            case "abort": input = .abort(reason: Self.operatorAbort + " (gaara rollout abort)")
            default: return nil
            }
            return OperatorInput(input: input, by: line.by, comment: line.comment)
        }
    }

    /// Holds the environment's lock while `body` runs; refuses at once when another rollout holds it.
    func locked<T>(_ body: () async throws -> T) async throws -> T {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Releases, logs and state are this machine's, never the repository's (nor in a `gaara run` snapshot).
        let ignore = url.deletingLastPathComponent().appendingPathComponent(".gitignore")
        if !FileManager.default.fileExists(atPath: ignore.path) { try? "*\n".write(to: ignore, atomically: true, encoding: .utf8) }
        let path = url.appendingPathComponent("lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DeployTargetError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw DeployTargetError(
                "another rollout of \(environment) is running\(holder.isEmpty ? "" : " (\(holder))"); wait for it, or send it 'gaara rollout abort \(environment)'"
            )
        }
        _ = ftruncate(descriptor, 0)
        let note = "gaara pid \(getpid())"
        _ = note.withCString { write(descriptor, $0, strlen($0)) }
        return try await body()
    }

    /// How release histories are written (pretty, sorted keys, ISO 8601 times): the file and `gaara releases --format json`.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
