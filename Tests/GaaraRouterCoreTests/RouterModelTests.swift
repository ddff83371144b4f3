import Foundation
import GaaraRouterCore
import Testing

/// `host:port` text → the address it parses to (`host port`), or nil when it is no address.
let targetAddressCases: [(String, String?)] = [
    ("127.0.0.1:9001", "127.0.0.1 9001"),
    ("app.internal:80", "app.internal 80"),
    ("localhost:65535", "localhost 65535"),
    ("[::1]:8080", "::1 8080"),
    ("[fe80::1%eth0]:1", "fe80::1%eth0 1"),
    ("host:1", "host 1"),
    ("host:0", nil),
    ("host:65536", nil),
    ("host:-1", nil),
    ("host:http", nil),
    ("host:", nil),
    ("host", nil),
    (":8080", nil),
    ("[]:8080", nil),
    ("", nil),
]

@Test(arguments: targetAddressCases)
func targetAddressesParse(_ text: String, _ expected: String?) {
    let address = TargetAddress(text)
    #expect(address.map { "\($0.host) \($0.port)" } == expected, "\(text)")
    // What parses prints back the same way (brackets around an IPv6 host).
    if let address { #expect(address.description == text && TargetAddress(address.description) == address) }
}

/// JSON in and out as the admin API and the state file carry it.
struct RouterModelCodingTests {
    static func roundTrip<Value: Codable & Equatable>(_ value: Value, snakeCase: Bool = true) throws -> Value {
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        if snakeCase {
            encoder.keyEncodingStrategy = .convertToSnakeCase
            decoder.keyDecodingStrategy = .convertFromSnakeCase
        }
        return try decoder.decode(Value.self, from: encoder.encode(value))
    }

    static var service: ServiceConfig {
        var service = ServiceConfig(
            name: "web", hosts: ["app.test", "*.app.test"], pathPrefix: "/api",
            groups: [
                TargetGroup(name: "blue", targets: [TargetAddress(host: "127.0.0.1", port: 9001)], weight: 90),
                TargetGroup(name: "green", targets: [TargetAddress(host: "::1", port: 9002)], weight: 10),
            ])
        service.sticky = .cookie("session")
        service.healthCheck = HealthCheck()
        service.healthCheck?.settings.ejectFor = 3
        service.paused = true
        return service
    }

    @Test(arguments: [StickyMode.none, .cookie("c"), .header("X-User"), .assigned("gaara_bucket")])
    func stickyModesRoundTrip(_ mode: StickyMode) throws {
        var service = Self.service
        service.sticky = mode
        #expect(try Self.roundTrip(service) == service)
    }

    @Test func routerStateRoundTripsWithAndWithoutSnakeCase() throws {
        let state = RouterState(services: [Self.service, ServiceConfig(name: "docs", groups: [TargetGroup(name: "a", targets: [], weight: 100)])])
        #expect(try Self.roundTrip(state) == state)
        #expect(try Self.roundTrip(state, snakeCase: false) == state)
    }

    @Test func addressesAreStringsInJSON() throws {
        let json = String(
            decoding: try JSONEncoder().encode([TargetAddress(host: "::1", port: 80), TargetAddress(host: "a", port: 1)]), as: UTF8.self)
        #expect(json == #"["[::1]:80","a:1"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([TargetAddress].self, from: Data(#"["nope"]"#.utf8)) }
    }

    @Test func aServiceInJSONNeedsEveryFieldButTheHealthCheck() throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let partial = #"{"name":"web","hosts":[],"path_prefix":"/","groups":[{"name":"blue","targets":["127.0.0.1:9001"],"weight":100}]}"#
        #expect(throws: DecodingError.self) { try decoder.decode(ServiceConfig.self, from: Data(partial.utf8)) }
        var service = Self.service
        service.healthCheck = nil
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = String(decoding: try encoder.encode(service), as: UTF8.self)
        #expect(!json.contains("health_check"))
        #expect(try decoder.decode(ServiceConfig.self, from: Data(json.utf8)) == service)
    }

    @Test func aNewServiceHasTheDocumentedDefaults() {
        let defaults = ServiceConfig(name: "web", groups: [])
        #expect(defaults.sticky == .assigned("gaara_bucket") && defaults.pathPrefix == "/" && defaults.hosts.isEmpty)
        #expect(defaults.healthCheck == nil && !defaults.paused && defaults.pauseTimeout == 30)
        #expect(defaults.connectTimeout == 5 && defaults.readTimeout == 60 && defaults.drainTimeout == 30 && defaults.maxBodyBytes == 1 << 30)
        let check = HealthCheck()
        #expect(check.path == "/up" && check.interval == 1 && check.timeout == 1 && check.settings == TargetHealth.Settings())
    }

    @Test func adminMessagesRoundTrip() throws {
        #expect(try Self.roundTrip(WeightsBody(weights: ["blue": 90, "green": 10])) == WeightsBody(weights: ["blue": 90, "green": 10]))
        #expect(try Self.roundTrip(SwitchBody(group: "green")) == SwitchBody(group: "green"))
        let status = ServiceStatus(
            config: Self.service, targets: [.init(address: "127.0.0.1:9001", group: "blue", state: "healthy", ejected: false, inFlight: 3)])
        #expect(try Self.roundTrip(status) == status)
        let target = TargetStatus(address: "127.0.0.1:9001", state: "unhealthy", ejected: true, inFlight: 0)
        #expect(try Self.roundTrip(target) == target)
        let result = SwitchResult(active: "green", drained: true, waitedMilliseconds: 12, stillInFlight: 0)
        #expect(try Self.roundTrip(result) == result)
        let window = MetricsWindow(
            service: "web", seconds: 10,
            groups: [
                .init(
                    group: "blue", requests: 5, byClass: ["2xx": 4, "5xx": 1], errorRate: 0.2, p50Ms: 1.5, p95Ms: 3, p99Ms: 4, bytesIn: 10,
                    bytesOut: 20)
            ])
        #expect(try Self.roundTrip(window) == window)
    }

    @Test func adminAnswersUseTheAPIsSnakeCaseKeys() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        let result = String(
            decoding: try encoder.encode(SwitchResult(active: "g", drained: false, waitedMilliseconds: 7, stillInFlight: 2)), as: UTF8.self)
        #expect(result == #"{"active":"g","drained":false,"still_in_flight":2,"waited_milliseconds":7}"#)
    }
}

/// A change to the state → nil when valid, else the status and a part of the message.
let routerStateValidationCases: [(String, @Sendable (inout ServiceConfig) -> Void, String?)] = [
    ("the sample service", { _ in }, nil),
    ("dots, dashes and underscores in a name", { $0.name = "api.v2_blue-1" }, nil),
    ("an empty name", { $0.name = "" }, "400 service names are letters"),
    ("a slash in a name", { $0.name = "a/b" }, "400 service names are letters"),
    ("a prefix without a slash", { $0.pathPrefix = "api" }, "400 web: path_prefix must start with /"),
    ("no groups", { $0.groups = [] }, "400 web: needs at least one target group"),
    ("two groups with one name", { $0.groups[1].name = "blue" }, "409 web: two groups named 'blue'"),
    ("a weight over 100", { $0.groups[0].weight = 101 }, "400 web/blue: weight must be 0 to 100, not 101"),
    ("a negative weight", { $0.groups[1].weight = -1 }, "400 web/green: weight must be 0 to 100"),
    (
        "weights of 0 and 100",
        {
            $0.groups[0].weight = 0
            $0.groups[1].weight = 100
        }, nil
    ),
    ("a zero connect timeout", { $0.connectTimeout = 0 }, "400 web: timeouts must be positive"),
    ("a negative read timeout", { $0.readTimeout = -1 }, "400 web: timeouts must be positive"),
    ("a negative body limit", { $0.maxBodyBytes = -1 }, "400 web: timeouts must be positive"),
]

@Test(arguments: routerStateValidationCases)
func routerStatesAreValidated(_ name: String, _ change: @Sendable (inout ServiceConfig) -> Void, _ expected: String?) {
    var service = RouterModelCodingTests.service
    change(&service)
    do throws(RoutingError) {
        try RouterState(services: [service]).validate()
        #expect(expected == nil, "\(name): accepted")
    } catch {
        #expect(expected.map { "\(error.status) \(error.message)".hasPrefix($0) } == true, "\(name): \(error.status) \(error.message)")
    }
}

@Test func twoServicesMayNotShareAName() {
    let service = RouterModelCodingTests.service
    #expect(throws: RoutingError.self) { try RouterState(services: [service, service]).validate() }
    #expect((try? RouterState(services: []).validate()) != nil)
}

/// Host and path → the match score of the sample service (hosts `app.test`, `*.app.test`; prefix `/api`), nil when it does not answer.
let serviceMatchCases: [(String?, String, Int?)] = [
    ("app.test", "/api", 10_004),
    ("APP.test:8080", "/api/users", 10_004),
    ("eu.app.test", "/api?x=1", 10_004),
    ("app.test", "/apix", nil),
    ("app.test", "/", nil),
    ("other.test", "/api", nil),
    ("xapp.test", "/api", nil),
    (nil, "/api", nil),
]

@Test(arguments: serviceMatchCases)
func servicesMatchHostAndPathPrefix(_ host: String?, _ path: String, _ score: Int?) {
    #expect(RouterModelCodingTests.service.matches(host: host, path: path) == score)
}

@Test func aServiceWithoutHostsAnswersAnyHost() {
    let any = ServiceConfig(name: "any", pathPrefix: "/", groups: [])
    #expect(any.matches(host: nil, path: "/x") == 1 && any.matches(host: "a.b", path: "/") == 1)
    #expect(ServiceConfig(name: "slash", pathPrefix: "/docs/", groups: []).matches(host: nil, path: "/docs/a") == 6)
}
