/// Renders diagnostics as compilers do: `path:line:col: error: message`, the source line, a caret.
public enum DiagnosticRenderer {
    /// Renders every diagnostic of one file in file order.
    public static func render(_ diagnostics: [Diagnostic], in file: SourceFile, excerpts: Bool = true) -> String {
        var output = ""
        for diagnostic in diagnostics.sorted(by: { $0.location < $1.location }) {
            output +=
                "\(file.path):\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
            guard excerpts else { continue }
            let line = file.line(diagnostic.location.line)
            guard !line.isEmpty else { continue }
            output += line + "\n"
            // Keep tabs so the caret lines up under the same character.
            let prefix = line.unicodeScalars.prefix(max(0, diagnostic.location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
            output += prefix + "^\n"
        }
        return output
    }
}
