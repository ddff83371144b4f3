import Foundation
import GaaraRouterCore

/// The state file: the adapter's half of ``RouterState`` (the model itself is pure, in GaaraRouterCore).
extension RouterState {
    /// Loads the state file, or an empty table when there is none.
    public static func load(from url: URL) throws -> RouterState {
        guard let data = FileManager.default.contents(atPath: url.path) else { return RouterState() }
        return try JSONDecoder().decode(RouterState.self, from: data)
    }

    /// Writes the state file atomically (temporary file, fsync, rename).
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let partial = url.path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        try handle.synchronize()
        try handle.close()
        guard rename(partial, url.path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
    }
}
