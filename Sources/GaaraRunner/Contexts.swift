import Foundation
import GaaraEngine
import GaaraExpressions

/// Builders for the `github` and `runner` contexts and the default environment variables.
enum Contexts {
    static func refType(_ ref: String) -> String {
        ref.hasPrefix("refs/tags/") ? "tag" : "branch"
    }

    static func refName(_ ref: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        if ref.hasPrefix("refs/pull/") { return String(ref.dropFirst("refs/".count)) }
        return ref
    }

    /// The `github` context for a job.
    static func github(_ configuration: RunConfiguration, workflowName: String, workflowPath: String, job: String, files: JobFiles?)
        -> ExpressionValue
    {
        let ref = configuration.event.ref ?? ""
        let owner = configuration.repositoryName.split(separator: "/").first.map(String.init) ?? configuration.repositoryName
        var pairs: [(String, ExpressionValue)] = [
            ("action", .string(files?.action ?? "")),
            ("action_path", .string(files?.actionPath ?? "")),
            ("actor", .string(configuration.actor)),
            ("api_url", .string(configuration.serverURL == "https://github.com" ? "https://api.github.com" : configuration.serverURL + "/api/v3")),
            ("base_ref", .string(configuration.event.baseRef ?? "")),
            ("event", configuration.event.payload),
            ("event_name", .string(configuration.event.name)),
            ("event_path", .string(files?.eventPath ?? "")),
            ("graphql_url", .string(configuration.serverURL + "/api/graphql")),
            ("head_ref", .string(configuration.event.name.hasPrefix("pull_request") ? refName(ref) : "")),
            ("job", .string(job)),
            ("ref", .string(ref)),
            ("ref_name", .string(refName(ref))),
            ("ref_protected", .bool(false)),
            ("ref_type", .string(refType(ref))),
            ("repository", .string(configuration.repositoryName)),
            ("repository_owner", .string(owner)),
            ("retention_days", .string("90")),
            ("run_attempt", .string(String(configuration.runAttempt))),
            ("run_id", .string(configuration.runID)),
            ("run_number", .string(String(configuration.runNumber))),
            ("secret_source", .string("Actions")),
            ("server_url", .string(configuration.serverURL)),
            ("sha", .string(configuration.sha)),
            ("token", .string(configuration.secrets["GITHUB_TOKEN"] ?? "")),
            ("triggering_actor", .string(configuration.actor)),
            ("workflow", .string(workflowName)),
            ("workflow_ref", .string("\(configuration.repositoryName)/\(workflowPath)@\(ref)")),
            ("workspace", .string(files?.workspace ?? "")),
        ]
        if let files {
            pairs += [
                ("env", .string(files.envFile)), ("output", .string(files.outputFile)), ("path", .string(files.pathFile)),
                ("state", .string(files.stateFile)), ("step_summary", .string(files.summaryFile)),
            ]
        }
        return .object(pairs)
    }

    /// The `runner` context.
    static func runner(temp: String, toolCache: String, debug: Bool) -> ExpressionValue {
        var pairs: [(String, ExpressionValue)] = [
            ("arch", .string(hostArchitecture)), ("environment", .string("self-hosted")), ("name", .string("gaara")),
            ("os", .string("Linux")), ("temp", .string(temp)), ("tool_cache", .string(toolCache)),
        ]
        if debug { pairs.append(("debug", .string("1"))) }
        return .object(pairs)
    }

    static var hostArchitecture: String {
        #if arch(arm64)
            "ARM64"
        #else
            "X64"
        #endif
    }
}

/// Paths of the files and folders a step sees.
struct JobFiles: Sendable {
    var workspace: String
    var eventPath: String
    var envFile = ""
    var outputFile = ""
    var pathFile = ""
    var stateFile = ""
    var summaryFile = ""
    var action = ""
    var actionPath = ""
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }
}
