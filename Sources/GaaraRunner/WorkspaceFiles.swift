import Crypto
import Foundation
import GaaraEngine
import GaaraExpressions

/// Finds files in a workspace by glob lines (for `hashFiles` and the artifact actions).
enum WorkspaceFiles {
    struct Match {
        let absolute: String
        let relative: String
    }

    /// Files under `root` matching the lines (`!` lines exclude; absolute and `~/` paths allowed),
    /// sorted by path. `.git` folders are skipped.
    static func matching(_ lines: [String], root: String, home: String?) throws -> [Match] {
        var relativeLines: [String] = []
        var results: [Match] = []
        for line in lines {
            var text = line
            if text.hasPrefix("~/"), let home { text = home + text.dropFirst(1) }
            if text.hasPrefix("/") {
                // An absolute file or folder outside the glob engine.
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory) {
                    if isDirectory.boolValue {
                        for file in walk(text) { results.append(Match(absolute: text + "/" + file, relative: file)) }
                    } else {
                        results.append(Match(absolute: text, relative: URL(fileURLWithPath: text).lastPathComponent))
                    }
                }
                continue
            }
            relativeLines.append(text)
        }
        if !relativeLines.isEmpty {
            let set = PathGlobSet(relativeLines)
            for relative in walk(root) where set.includes(relative) {
                results.append(Match(absolute: root + "/" + relative, relative: relative))
            }
        }
        return results.sorted { $0.absolute < $1.absolute }
    }

    /// Every regular file below `root`, as relative paths.
    static func walk(_ root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative == ".git" || relative.hasSuffix("/.git") {
                enumerator.skipDescendants()
                continue
            }
            if let type = enumerator.fileAttributes?[.type] as? FileAttributeType, type == .typeRegular {
                files.append(relative)
            }
        }
        return files
    }

    /// The deepest folder containing every path.
    static func commonDirectory(_ paths: [String]) -> String {
        guard let first = paths.first else { return "/" }
        var common = first.split(separator: "/").dropLast()
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/").dropLast()
            var count = 0
            while count < common.count, count < parts.count, common[common.startIndex + count] == parts[parts.startIndex + count] { count += 1 }
            common = common.prefix(count)
        }
        return "/" + common.joined(separator: "/")
    }
}

/// `hashFiles`: the SHA-256 of the concatenated SHA-256 digests of every matching file in the
/// workspace, in path order; empty when nothing matches.
struct WorkspaceHasher: FileHasher {
    let root: String

    func hashFiles(_ patterns: [String]) throws -> String {
        let files = try WorkspaceFiles.matching(patterns, root: root, home: nil).filter { $0.absolute.hasPrefix(root + "/") }
        guard !files.isEmpty else { return "" }
        var total = SHA256()
        for file in files {
            var hasher = SHA256()
            guard let handle = FileHandle(forReadingAtPath: file.absolute) else { continue }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            try? handle.close()
            total.update(data: Data(hasher.finalize()))
        }
        return total.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
