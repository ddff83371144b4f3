import Foundation
import GaaraAlertCore

/// What `gaara deploy` sends `gaara agent` on standard input (never on the command line: it holds
/// the release's secrets and the registry login).
public struct AgentRequest: Codable, Sendable, Equatable {
    /// The release the action is about.
    public var release: ReleaseSpec
    /// The deployer's login to the registry of the release's image, for the host's engine to pull
    /// with (nil: a command release, or a registry the deployer has no login for).
    public var registryLogin: RegistryCredentials.Login?

    /// Creates a request.
    public init(release: ReleaseSpec, registryLogin: RegistryCredentials.Login? = nil) {
        self.release = release
        self.registryLogin = registryLogin
    }
}

/// What `gaara agent` answers on its one line of standard output.
public struct AgentAnswer: Codable, Sendable, Equatable {
    /// The port a started release listens on.
    public var port: Int?
    /// The releases of a service running on the host.
    public var releases: [String]?
    /// A release's last log lines.
    public var log: String?
    /// The host's counters and its Gaara containers' (`gaara agent metrics`).
    public var reading: HostReading?

    /// Creates an answer.
    public init(port: Int? = nil, releases: [String]? = nil, log: String? = nil, reading: HostReading? = nil) {
        self.port = port
        self.releases = releases
        self.log = log
        self.reading = reading
    }
}
