import GaaraEngine
import Synchronization

/// Turns a step's raw output into log lines: splits lines, acts on workflow commands
/// (`::add-mask::`, `::group::`, `::error::`, `::stop-commands::`, ...), masks secrets, and writes
/// each line to the step log and to the observer. Fed from one reader thread at a time.
final class StepOutputProcessor: @unchecked Sendable {
    private let job: JobLabel
    /// The step's number in its job (0: the job's own lines): observers keep concurrent steps apart.
    let step: Int
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
    /// Plain lines (each with its `\n`) not yet handed to the log and the observer: they go as one
    /// block per chunk read, not one call per line.
    private var block: [UInt8] = []
    private static let blockLimit = 64 * 1024
    /// Outputs set with the deprecated `::set-output`.
    private(set) var legacyOutputs: [(String, String)] = []
    /// State saved with the deprecated `::save-state`.
    private(set) var legacyState: [(String, String)] = []
    /// Annotations seen, in order.
    private(set) var annotations: [Annotation] = []

    init(job: JobLabel, step: Int = 0, masker: SecretMasker, log: LogWriter, observer: any RunObserver, debug: Bool) {
        self.job = job
        self.step = step
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
        // The hot path works on locals (no per-line access checks on this object's properties);
        // anything but a plain whole line goes through `handle` with the state handed back.
        var block: [UInt8] = []
        var maskBuffer: [UInt8] = []
        var secrets = self.secrets
        swap(&block, &self.block)
        swap(&maskBuffer, &self.maskBuffer)
        splitter.feed(chunk, overlap: overlap) { line, complete in
            if complete, line.count < 2 || line[0] != 0x3A || line[1] != 0x3A {
                Self.append(line, masking: secrets, scratch: &maskBuffer, to: &block)
                if block.count >= Self.blockLimit { write(&block) }
                return
            }
            swap(&block, &self.block)
            swap(&maskBuffer, &self.maskBuffer)
            handle(line, complete: complete)
            swap(&block, &self.block)
            swap(&maskBuffer, &self.maskBuffer)
            secrets = self.secrets
        }
        write(&block)
        swap(&block, &self.block)
        swap(&maskBuffer, &self.maskBuffer)
    }

    /// Flushes the last unfinished line and the log buffer.
    func finish() {
        splitter.finish { line, complete in handle(line, complete: complete) }
        flushBlock()
        log.flush()
    }

    /// Writes a runner message (not step output) to the log and the observer.
    func note(_ text: String, kind: OutputKind = .runner) {
        flushBlock()
        emit(Array(masker.mask(text).utf8), kind: kind, logPrefix: "")
    }

    private func handle(_ line: UnsafeRawBufferPointer, complete: Bool) {
        if complete, line.count >= 4, line[0] == 0x3A, line[1] == 0x3A {
            let text = String(decoding: line, as: UTF8.self)
            if let command = WorkflowCommand.parse(Substring(text)) {
                flushBlock()
                if perform(command) { return }
            }
        }
        guard complete else {
            // A piece of an over-long line: written as it comes, without a newline in the log.
            flushBlock()
            let masked = secrets.mask(line, into: &maskBuffer)
            (masked ? maskBuffer : Array(line)).withUnsafeBytes { bytes in
                log.write(bytes)
                observer.output(job, step: step, line: bytes, kind: .plain)
            }
            return
        }
        Self.append(line, masking: secrets, scratch: &maskBuffer, to: &block)
        if block.count >= Self.blockLimit { flushBlock() }
    }

    /// Appends a whole plain line, masked, and its newline to `block`.
    private static func append(
        _ line: UnsafeRawBufferPointer, masking secrets: SecretMasker.Snapshot, scratch: inout [UInt8], to block: inout [UInt8]
    ) {
        if secrets.mask(line, into: &scratch) {
            block.append(contentsOf: scratch)
        } else {
            block.append(contentsOf: line)
        }
        block.append(0x0A)
    }

    /// Hands the collected plain lines to the log and the observer.
    private func flushBlock() {
        write(&block)
    }

    /// Hands `lines` to the log and the observer, then empties it.
    private func write(_ lines: inout [UInt8]) {
        guard !lines.isEmpty else { return }
        lines.withUnsafeBytes { bytes in
            log.write(bytes)
            observer.output(job, step: step, lines: bytes)
        }
        lines.removeAll(keepingCapacity: true)
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
            // Every property is masked, not only the message: `title=` and `file=` are printed too.
            guard Annotation(command) != nil else { return false }
            let properties = command.properties.mapValues { masker.mask($0) }
            let masked = Annotation(WorkflowCommand(name: command.name, properties: properties, message: masker.mask(command.message)))!
            annotations.append(masked)
            observer.handle(.annotation(job, masked))
            var location = ""
            if let file = masked.file {
                location = " (\(file)" + (masked.line.map { ":\($0)" } ?? "") + (masked.column.map { ":\($0)" } ?? "") + ")"
            }
            let title = masked.title.map { "\($0): " } ?? ""
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
        flushBlock()
        if !logPrefix.isEmpty { log.write(logPrefix) }
        bytes.withUnsafeBytes { raw in
            log.write(raw)
            log.newline()
            observer.output(job, step: step, line: raw, kind: kind)
        }
    }
}
