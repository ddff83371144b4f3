import GaaraAlertCore

/// Reads `.gaara/alerts.yml` with `path:line:col` diagnostics, as workflows and the deploy
/// configuration are read: Prometheus' alerting rules and Alertmanager's route, receivers and
/// inhibition rules folded into one file with kebab-case keys.
///
/// Rules add to Gaara's defaults (``AlertRule/defaults``, replacing a default of the same name),
/// and the rollback inhibition (``InhibitRule/rollbackInProgress``) comes first among the
/// inhibition rules; `defaults: false` drops both. An empty file is the defaults.
public enum AlertConfigLoader {
    /// The result of loading the file.
    public struct Result: Sendable {
        /// The file that was read.
        public let file: SourceFile
        /// The configuration, nil when the YAML could not be read or has errors.
        public let config: AlertConfig?
        /// Every problem, in file order.
        public let diagnostics: [Diagnostic]

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        /// The problems as `path:line:col: severity: message` lines.
        public var rendered: String {
            DiagnosticRenderer.render(diagnostics, in: file, excerpts: false).trimmingCharacters(in: .newlines)
        }
    }

    /// The keys allowed at the top level.
    static let topKeys = ["defaults", "rules", "route", "receivers", "inhibit-rules", "smtp"]
    /// The keys of a rule.
    static let ruleKeys = ["alert", "expr", "for", "keep-firing-for", "severity", "labels", "annotations"]
    /// The keys of a route.
    static let routeKeys = ["receiver", "matchers", "group-by", "group-wait", "group-interval", "repeat-interval", "continue", "routes"]
    /// The keys of a receiver.
    static let receiverKeys = ["name", "slack", "pagerduty", "email", "webhook"]
    /// The keys of an inhibit rule.
    static let inhibitKeys = ["source-matchers", "target-matchers", "equal"]
    /// The metrics Gaara measures; a rule on a name close to one of them is probably a typo.
    static let knownMetrics = ["error_rate", "latency_p95_ms", "cpu", "memory", "disk", "deployment_failed", "smoke_failed"]

    /// Loads and checks the configuration from its text.
    public static func load(text: String, path: String) -> Result {
        let file = SourceFile(path: path, text: text)
        let blank = text.split(whereSeparator: \.isNewline).allSatisfy {
            let line = $0.drop { $0 == " " || $0 == "\t" }
            return line.isEmpty || line.hasPrefix("#")
        }
        if blank { return Result(file: file, config: AlertConfig(), diagnostics: []) }
        let (root, yamlError) = YAMLLoader.load(file)
        guard let root else { return Result(file: file, config: nil, diagnostics: yamlError.map { [$0] } ?? []) }
        var decoder = AlertConfigDecoder(session: DecodingSession(file: file))
        decoder.session.documentKind = "alerts configuration"
        let config = decoder.decode(root)
        let diagnostics = WorkflowLoader.sorted(decoder.session.diagnostics)
        return Result(file: file, config: diagnostics.contains { $0.severity == .error } ? nil : config, diagnostics: diagnostics)
    }
}
