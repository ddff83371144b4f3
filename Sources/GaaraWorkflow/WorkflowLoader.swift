/// The entry point of the language layer: text in, a decoded workflow and its diagnostics out.
public enum WorkflowLoader {
    /// The events GitHub sends, which `on:` may name (and `gaara run EVENT` may simulate).
    public static var eventNames: [String] { WorkflowDecoder.eventNames }

    /// The result of loading one file.
    public struct Result: Sendable {
        /// The file that was read.
        public let file: SourceFile
        /// The decoded workflow, nil when the YAML itself could not be read.
        public let workflow: Workflow?
        /// Every problem, in file order.
        public let diagnostics: [Diagnostic]

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Loads and validates a workflow from its text.
    public static func load(text: String, path: String) -> Result {
        let file = SourceFile(path: path, text: text)
        let (root, yamlError) = YAMLLoader.load(file)
        guard let root else {
            return Result(file: file, workflow: nil, diagnostics: yamlError.map { [$0] } ?? [])
        }
        var decoder = WorkflowDecoder(file: file)
        let workflow = decoder.decode(root)
        var diagnostics = decoder.session.diagnostics
        WorkflowChecks.run(workflow, into: &diagnostics)
        return Result(file: file, workflow: workflow, diagnostics: sorted(diagnostics))
    }

    /// Diagnostics in file order, without exact duplicates.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted { $0.location < $1.location }
    }
}
