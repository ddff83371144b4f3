import Foundation
import GaaraDeployCore
import GaaraExpressions
import GaaraHTTP
import GaaraProcess

/// What a metric's measurement is taken of: the rollout's releases and where they answer.
public struct MeasurementScope: Sendable, Equatable {
    /// The service rolled out.
    public var service: String
    /// The new release's id.
    public var release: String
    /// The old release's id (nil: none).
    public var stableRelease: String?
    /// Where the new release answers (`http://127.0.0.1:41234`), on its first host.
    public var releaseURL: String?
    /// Where the old release answers.
    public var stableURL: String?
    /// The repository commands run in.
    public var repository: URL

    /// Creates a scope.
    public init(service: String, release: String, stableRelease: String?, releaseURL: String?, stableURL: String?, repository: URL) {
        self.service = service
        self.release = release
        self.stableRelease = stableRelease
        self.releaseURL = releaseURL
        self.stableURL = stableURL
        self.repository = repository
    }

    /// The variables a command gets and a URL or a query may name (`$GAARA_RELEASE_URL`, ...).
    public var variables: [String: String] {
        var variables = ["GAARA_SERVICE": service, "GAARA_RELEASE": release]
        variables["GAARA_STABLE_RELEASE"] = stableRelease
        variables["GAARA_RELEASE_URL"] = releaseURL
        variables["GAARA_STABLE_URL"] = stableURL
        return variables
    }

    /// `text` with `$GAARA_…` variables replaced (longest names first, so `$GAARA_RELEASE_URL` is not
    /// read as `$GAARA_RELEASE` followed by `_URL`).
    public func substitute(_ text: String) -> String {
        var text = text
        for (name, value) in variables.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: "${\(name)}", with: value).replacingOccurrences(of: "$\(name)", with: value)
        }
        return text
    }
}

/// Why a measurement has no value.
public enum MeasurementProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// There was nothing to measure (an empty query result, NaN): Inconclusive.
    case noData(String)
    /// The value could not be taken: an Error measurement.
    case failed(String)

    /// The reason.
    public var description: String {
        switch self {
        case .noData(let why), .failed(let why): why
        }
    }
}

/// Takes the measurements of the HTTP, command and Prometheus providers (the router's come from
/// the rollout's ``TrafficControl``): the fields a metric's conditions read (`result`, `status`,
/// `exit_code`).
public protocol MetricMeasurer: Sendable {
    /// One measurement of `metric` (not a router metric) in `scope`.
    func measure(_ metric: AnalysisMetric, scope: MeasurementScope) async throws(MeasurementProblem) -> [String: ExpressionValue]
}

/// The real providers: HTTP requests, shell commands, Prometheus's query API.
public struct LiveMetricMeasurer: MetricMeasurer {
    private let http: OutboundHTTP

    /// A measurer sending its requests through `http`.
    public init(http: OutboundHTTP = .shared) {
        self.http = http
    }

    /// One measurement.
    public func measure(_ metric: AnalysisMetric, scope: MeasurementScope) async throws(MeasurementProblem) -> [String: ExpressionValue] {
        switch metric.provider {
        case .router:
            throw .failed("router metrics are measured by the rollout from the router's counts")
        case .http(let check):
            let url = scope.substitute(check.url)
            let request = OutboundRequest(
                method: check.method, url: url, headers: check.headers.sorted { $0.key < $1.key }.map { ($0.key, scope.substitute($0.value)) },
                body: check.body.map { Data(scope.substitute($0).utf8) }, timeout: check.timeout, maxResponseBytes: 1024 * 1024)
            let response: OutboundResponse
            do {
                response = try await http.send(request)
            } catch {
                throw .failed("\(check.method) \(url): \(error)")
            }
            let text = String(decoding: response.body, as: UTF8.self)
            guard response.isSuccess else { throw .failed("\(check.method) \(url) answered \(response.status): \(text.prefix(200))") }
            return ["result": Self.value(of: text), "status": .number(Double(response.status))]
        case .command(let command, let timeout):
            let result: (status: ExitStatus, output: String)
            do {
                result = try await RepositoryCommand.shell(command, variables: scope.variables, in: scope.repository, timeout: timeout)
            } catch {
                throw .failed("'\(command)' could not be started: \(error)")
            }
            let tail = result.output.split(separator: "\n").suffix(5).joined(separator: "\n")
            guard case .exited(let code) = result.status else {
                throw .failed("'\(command)' was \(result.status) (its timeout is \(Int(timeout)) s)\(tail.isEmpty ? "" : ":\n\(tail)")")
            }
            return ["result": Self.value(of: result.output), "exit_code": .number(Double(code)), "output": .string(tail)]
        case .prometheus(let address, let query, let timeout):
            return try await prometheus(address: address, query: scope.substitute(query), timeout: timeout)
        }
    }

    /// An instant query: a vector's values in order, or a scalar's value.
    private func prometheus(address: String, query: String, timeout: Double) async throws(MeasurementProblem) -> [String: ExpressionValue] {
        var components = URLComponents(string: address.hasSuffix("/") ? String(address.dropLast()) : address)
        components?.path += "/api/v1/query"
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        // `+` is a space in a query string: PromQL's additions must reach Prometheus as `%2B`.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.string else { throw .failed("'\(address)' is not a URL") }
        let response: OutboundResponse
        do {
            response = try await http.send(OutboundRequest(url: url, timeout: timeout, maxResponseBytes: 4 * 1024 * 1024))
        } catch {
            throw .failed("Prometheus at \(address): \(error)")
        }
        let body = String(decoding: response.body, as: UTF8.self)
        guard let answer = try? ExpressionJSON.parse(body) else {
            throw .failed("Prometheus answered \(response.status) with no JSON: \(body.prefix(200))")
        }
        guard answer["status"]?.stringValue == "success", let data = answer["data"] else {
            throw .failed("Prometheus: \(answer["error"]?.stringValue ?? "status \(response.status)") (query \(query))")
        }
        var values: [Double] = []
        switch data["resultType"]?.stringValue {
        case "vector":
            guard case .array(let series)? = data["result"] else { throw .failed("Prometheus: a vector without results") }
            for element in series.elements {
                guard case .array(let pair)? = element["value"], pair.elements.count == 2, let text = pair.elements[1].stringValue else { continue }
                values.append(Double(text) ?? .nan)
            }
        case "scalar":
            guard case .array(let pair)? = data["result"], pair.elements.count == 2, let text = pair.elements[1].stringValue else {
                throw .failed("Prometheus: a malformed scalar")
            }
            values.append(Double(text) ?? .nan)
        case let other:
            throw .failed("Prometheus: the query gives a \(other ?? "missing") result; a metric needs a vector or a scalar (query \(query))")
        }
        if values.isEmpty { throw .noData("the query returned no series (query \(query))") }
        if values.contains(where: \.isNaN) { throw .noData("the query returned NaN (no requests in its range?) (query \(query))") }
        let result: ExpressionValue = data["resultType"]?.stringValue == "scalar" ? .number(values[0]) : .array(values.map { .number($0) })
        return ["result": result]
    }

    /// A body or an output as a value: JSON when it is (the whole text, or else its last line), a string otherwise.
    static func value(of text: String) -> ExpressionValue {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let value = try? ExpressionJSON.parse(trimmed) { return value }
        if let last = trimmed.split(separator: "\n").last, let value = try? ExpressionJSON.parse(String(last)) { return value }
        return .string(trimmed)
    }
}

/// A measurer that answers from a script and records what it was asked (for the runner's tests).
public actor RecordingMetricMeasurer: MetricMeasurer {
    /// The answers, by metric name, taken in order (the last one repeats).
    private var answers: [String: [Result<[String: ExpressionValue], MeasurementProblem>]]
    /// The metrics measured, in order, with their scopes.
    public private(set) var asked: [(metric: String, scope: MeasurementScope)] = []

    /// A measurer giving `answers`.
    public init(answers: [String: [Result<[String: ExpressionValue], MeasurementProblem>]]) {
        self.answers = answers
    }

    /// The next scripted answer of `metric`.
    public func measure(_ metric: AnalysisMetric, scope: MeasurementScope) async throws(MeasurementProblem) -> [String: ExpressionValue] {
        asked.append((metric.name, scope))
        guard var queue = answers[metric.name], let next = queue.first else { throw .failed("no answer scripted for '\(metric.name)'") }
        if queue.count > 1 { queue.removeFirst() }
        answers[metric.name] = queue
        return try next.get()
    }
}
