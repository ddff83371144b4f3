/// The lines a change adds or modifies, per file, from `git diff --unified=0` output.
public enum UnifiedDiff {
    /// Parses a unified diff; deleted files and pure deletions add nothing.
    public static func addedLines(_ diff: String) -> [String: Set<Int>] {
        var result: [String: Set<Int>] = [:]
        var file: String?
        for rawLine in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.hasPrefix("+++ ") {
                var path = String(line.dropFirst(4))
                if path == "/dev/null" {
                    file = nil
                    continue
                }
                if path.hasPrefix("b/") { path.removeFirst(2) }
                if path.hasPrefix("\"") && path.hasSuffix("\"") { path = String(path.dropFirst().dropLast()) }
                file = path
                continue
            }
            guard let current = file, line.hasPrefix("@@ ") else { continue }
            // @@ -a[,b] +c[,d] @@
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[2].hasPrefix("+") else { continue }
            let range = fields[2].dropFirst().split(separator: ",")
            guard let start = Int(range[0]) else { continue }
            let count = range.count > 1 ? Int(range[1]) ?? 1 : 1
            guard count > 0 else { continue }
            result[current, default: []].formUnion(start..<(start + count))
        }
        return result
    }
}
