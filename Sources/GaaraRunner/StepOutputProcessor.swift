import GaaraEngine
import Synchronization

/// Turns a step's raw output into log lines: splits lines, acts on workflow commands
/// (`::add-mask::`, `::group::`, `::error::`, `::stop-commands::`, ...), masks secrets, and writes
/// each line to the step log and to the observer. Fed from one reader thread at a time.
final class StepOutputProcessor: @unchecked Sendable {
    private let job: JobLabel
    private let masker: SecretMasker
    private let log: LogWriter
    private let observer: any RunObserver
    private let debug: Bool
    private var splitter = LineSplitter()
    private var stopToken: String?
    /// The masker's secrets, refreshed when one is added (`::add-mask::` in this or another job).
    private var secrets: SecretMasker.Snapshot
    private var secretsVersion: Int
    private var maskBuffer: [UInt8] = []
    /// Outputs set with the deprecated `::set-output`.
    private(set) var legacyOutputs: [(String, String)] = []
    /// State saved with the deprecated `::save-state`.
    private(set) var legacyState: [(String, String)] = []
    /// Annotations seen, in order.
    private(set) var annotations: [Annotation] = []

    init(job: JobLabel, masker: SecretMasker, log: LogWriter, observer: any RunObserver, debug: Bool) {
        self.job = job
        self.masker = masker
        self.log = log
        self.observer = observer
        self.debug = debug
        secrets = masker.snapshot
        secretsVersion = masker.version
    }

    /// Feeds a chunk of output.
    func consume(_ chunk: UnsafeRawBufferPointer) {
        let version = masker.version
        if version != secretsVersion {
            secrets = masker.snapshot
            secretsVersion = version
        }
        let overlap = max(secrets.maximumLength - 1, 0)
        splitter.feed(chunk, overlap: overlap) { line, complete in
            handle(line, complete: complete)
        }
    }

    /// Flushes the last unfinished line and the log buffer.
    func finish() {
        splitter.finish { line, complete in handle(line, complete: complete) }
        log.flush()
    }

    /// Writes a runner message (not step output) to the log and the observer.
    func note(_ text: String, kind: OutputKind = .runner) {
        emit(Array(masker.mask(text).utf8), kind: kind, logPrefix: "")
    }

    private func handle(_ line: UnsafeRawBufferPointer, complete: Bool) {
        if complete, line.count >= 4, line[0] == 0x3A, line[1] == 0x3A {
            let text = String(decoding: line, as: UTF8.self)
            if let command = WorkflowCommand.parse(Substring(text)), perform(command) { return }
        }
        if secrets.mask(line, into: &maskBuffer) {
            maskBuffer.withUnsafeBytes { bytes in
                log.write(bytes)
                if complete { log.newline() }
                observer.output(job, line: bytes, kind: .plain)
            }
        } else {
            log.write(line)
            if complete { log.newline() }
            observer.output(job, line: line, kind: .plain)
        }
    }

    /// Acts on a command; false when the line should be printed as plain text.
    private func perform(_ command: WorkflowCommand) -> Bool {
        if let token = stopToken {
            if command.name == token {
                stopToken = nil
                return true
            }
            return false
        }
        switch command.name {
        case "add-mask":
            masker.add(command.message)
            secrets = masker.snapshot
            secretsVersion = masker.version
        case "group":
            emit(Array(masker.mask(command.message).utf8), kind: .groupStart, logPrefix: "##[group]")
        case "endgroup":
            emit([], kind: .groupEnd, logPrefix: "##[endgroup]")
        case "error", "warning", "notice":
            guard let annotation = Annotation(command) else { return false }
            let masked = Annotation(
                WorkflowCommand(name: command.name, properties: command.properties, message: masker.mask(command.message)))!
            annotations.append(masked)
            observer.handle(.annotation(job, masked))
            var location = ""
            if let file = annotation.file {
                location = " (\(file)" + (annotation.line.map { ":\($0)" } ?? "") + (annotation.column.map { ":\($0)" } ?? "") + ")"
            }
            let title = annotation.title.map { "\($0): " } ?? ""
            let label = command.name.prefix(1).uppercased() + command.name.dropFirst()
            emit(Array("\(label): \(title)\(masked.message)\(location)".utf8), kind: .runner, logPrefix: "##[\(command.name)]")
        case "debug":
            if debug { emit(Array(masker.mask(command.message).utf8), kind: .runner, logPrefix: "##[debug]") }
        case "stop-commands":
            stopToken = command.message
        case "set-output":
            if let name = command.properties["name"] { legacyOutputs.append((name, command.message)) }
        case "save-state":
            if let name = command.properties["name"] { legacyState.append((name, command.message)) }
        case "echo", "add-matcher", "remove-matcher":
            break
        default:
            return false
        }
        return true
    }

    private func emit(_ bytes: [UInt8], kind: OutputKind, logPrefix: String) {
        if !logPrefix.isEmpty { log.write(logPrefix) }
        bytes.withUnsafeBytes { raw in
            log.write(raw)
            log.newline()
            observer.output(job, line: raw, kind: kind)
        }
    }
}
