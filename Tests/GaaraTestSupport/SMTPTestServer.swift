import Foundation

/// `smtp-server.py`: a real SMTP server (PyPI `aiosmtpd`) on a loopback port, with
/// STARTTLS or TLS on a certificate from a throwaway certificate authority, AUTH, and every
/// accepted message written out as JSON with what Python's email parser makes of it.
public final class SMTPTestServer: Sendable {
    /// A throwaway CA and a certificate for `localhost` and 127.0.0.1 it signed (openssl).
    public struct Certificates: Sendable {
        /// The CA's certificate (PEM), to trust.
        public let ca: String
        /// The server's certificate.
        public let cert: String
        /// Its key.
        public let key: String

        /// Makes them in `directory`.
        public static func make(in directory: URL) throws -> Certificates {
            let script = """
                set -e
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Gaara test CA" 2>/dev/null
                openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
                printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
                openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.currentDirectoryURL = directory
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestFailure("openssl could not make the test certificates") }
            return Certificates(
                ca: directory.appendingPathComponent("ca.pem").path, cert: directory.appendingPathComponent("server.pem").path,
                key: directory.appendingPathComponent("server.key").path)
        }
    }

    /// Why the server could not be used.
    public struct TestFailure: Error, CustomStringConvertible {
        /// In words.
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Where it writes what it receives.
    public let directory: URL
    /// Its port on 127.0.0.1.
    public let port: Int
    let process: Process

    private init(directory: URL, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    /// The script's path in the source tree (other test targets start it too).
    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp-server.py").path

    /// Starts a server with `arguments` (`--cert`, `--key`, `--implicit-tls`, `--user`, `--password`, `--fail-first N`).
    public static func start(_ arguments: [String]) async throws -> SMTPTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        // python3 as found on PATH: where `pip install aiosmtpd` put it.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, directory.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        try process.run()
        for _ in 0..<400 {
            if let text = try? String(contentsOf: directory.appendingPathComponent("port"), encoding: .utf8), let port = Int(text) {
                return SMTPTestServer(directory: directory, port: port, process: process)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw TestFailure("the SMTP server did not start (is aiosmtpd installed? python3 -m pip install aiosmtpd)")
    }

    /// The messages it accepted, in order, as the script recorded them.
    public func messages() -> [[String: Any]] {
        (1...1000).lazy.map { self.directory.appendingPathComponent("\($0).json") }
            .prefix { FileManager.default.fileExists(atPath: $0.path) }
            .compactMap { (try? JSONSerialization.jsonObject(with: Data(contentsOf: $0))) as? [String: Any] }
    }

    /// Stops it and removes its directory.
    public func stop() {
        // SIGKILL: a child of the test process inherits its blocked signals, SIGTERM among them.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
