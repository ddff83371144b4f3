import Foundation

/// `server.json` in the data directory: where a running server listens, for `gaara hook` and the CLI.
public struct ServerFile: Codable, Sendable, Equatable {
    /// The server's URL (`http://127.0.0.1:8080`).
    public var url: String
    /// The server's process id (absent in files that only name the URL).
    public var pid: Int?

    /// Creates the file's contents.
    public init(url: String, pid: Int?) {
        self.url = url
        self.pid = pid
    }

    /// The file in `dataDirectory`.
    public static func location(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("server.json")
    }

    /// Reads the file in `dataDirectory`; nil when there is none or it is not one.
    public static func read(in dataDirectory: URL) -> ServerFile? {
        FileManager.default.contents(atPath: location(in: dataDirectory).path).flatMap { try? JSONDecoder().decode(ServerFile.self, from: $0) }
    }

    /// Writes the file in `dataDirectory` atomically.
    public func write(in dataDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: Self.location(in: dataDirectory), options: .atomic)
    }
}
