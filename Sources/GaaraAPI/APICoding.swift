import Foundation

/// How the REST API writes and reads JSON: snake_case keys, sorted for stable output, ISO 8601
/// UTC times as strings. The server and the CLI both use these, so they cannot drift.
public enum APICoding {
    /// The encoder of every API answer and request body.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// The decoder of every API answer and request body.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes `value` as the API does.
    public static func encode(_ value: some Encodable) throws -> Data {
        try makeEncoder().encode(value)
    }

    /// Decodes `type` from `data` as the API does.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try makeDecoder().decode(type, from: data)
    }

    /// Seconds since 1970 as `2026-12-05T16:00:00Z` (nil stays nil).
    public static func time(_ seconds: Double?) -> String? {
        guard let seconds else { return nil }
        return iso(Date(timeIntervalSince1970: seconds))
    }

    /// A date as `2026-12-05T16:00:00Z`.
    public static func iso(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

/// The body of every error answer: `{"error": {"message": "..."}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// The error.
    public struct Detail: Codable, Sendable, Equatable {
        /// What went wrong, for a person.
        public var message: String

        /// Creates a detail.
        public init(message: String) {
            self.message = message
        }
    }

    /// The error.
    public var error: Detail

    /// Creates a body.
    public init(message: String) {
        error = Detail(message: message)
    }
}

/// `server.json` in the data directory: where the running server answers, for `gaara hook` and the CLI.
public struct ServerFileJSON: Codable, Sendable, Equatable {
    /// The server's URL.
    public var url: String
    /// The server's process id.
    public var pid: Int

    /// Creates a value.
    public init(url: String, pid: Int) {
        self.url = url
        self.pid = pid
    }
}
