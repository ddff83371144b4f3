import Foundation
import GaaraEngine
import GaaraRunner
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `gaara run`'s stand-in for environment protection. There are no server-side rules on a
/// laptop, but a job that deploys to a protected environment (`--protect`, default `production`)
/// must never run by accident: it runs only with `--approve ENV`, or after a `y` at a prompt
/// when standard input and standard error are a terminal; otherwise it fails saying how to
/// approve it. Every admitted job gets its environment's secrets (`--secret-file ENV=FILE`), and
/// each deployment is recorded in the run's folder (`deployments.json`), as the server records it.
final class LocalEnvironmentGate: EnvironmentGate {
    /// Environments the user approved on the command line.
    let approved: Set<String>
    /// Environments that need an approval.
    let protected: Set<String>
    /// Secrets by environment (from `--secret-file ENV=FILE`).
    let secrets: [String: [String: String]]
    /// Whether a person can be asked (standard input and standard error are terminals).
    let canPrompt: Bool
    let record: URL
    let ref: String
    let sha: String
    let actor: String
    private let state = Mutex(State())
    /// One prompt at a time: two jobs asking at once would interleave their questions.
    private let prompting = Mutex(())

    struct State {
        var deployments: [LocalDeployment] = []
        /// Answers given at the prompt, by environment (asked once per run).
        var answers: [String: Bool] = [:]
    }

    /// One deployment as `deployments.json` lists it.
    struct LocalDeployment: Codable {
        var id: Int
        var environment: String
        var job: String
        var ref: String
        var sha: String
        var creator: String
        var url: String?
        var state: String
        var statuses: [Status]

        struct Status: Codable {
            var state: String
            var description: String
            var at: Double
        }
    }

    init(
        approved: Set<String>, protected: Set<String>, secrets: [String: [String: String]], runDirectory: URL, ref: String, sha: String,
        actor: String, canPrompt: Bool = isatty(0) == 1 && isatty(2) == 1
    ) {
        self.approved = approved
        self.protected = protected
        self.secrets = secrets
        self.canPrompt = canPrompt
        record = runDirectory.appendingPathComponent("deployments.json")
        self.ref = ref
        self.sha = sha
        self.actor = actor
    }

    func admit(_ request: EnvironmentRequest, waiting: @escaping @Sendable (String) -> Void) async -> EnvironmentAdmission {
        let name = request.environment
        let id = change { state in
            let id = state.deployments.count + 1
            state.deployments.append(
                LocalDeployment(
                    id: id, environment: name, job: request.job.name, ref: ref, sha: sha, creator: actor, url: nil, state: "queued", statuses: []))
            return id
        }
        var approval = "not protected"
        if protected.contains(name), !approved.contains(name) {
            guard canPrompt else {
                let message =
                    "job '\(request.job.name)' deploys to the protected environment '\(name)': approve it with --approve \(name) "
                    + "(or run gaara on a terminal to be asked)"
                setState(id, "failure", message)
                return .refused(message)
            }
            setState(id, "waiting", "waiting for approval at the terminal")
            waiting("waiting for approval to deploy to '\(name)'")
            guard await ask(name, job: request.job.name) else {
                let message = "deployment of '\(request.job.name)' to '\(name)' was not approved at the prompt"
                setState(id, "failure", message)
                return .refused(message)
            }
            approval = "approved at the terminal by \(actor)"
        } else if approved.contains(name) {
            approval = "approved with --approve by \(actor)"
        }
        setState(id, "in_progress", approval)
        return .proceed(EnvironmentRelease(secrets: secrets[name] ?? [:], deployment: String(id)))
    }

    func finished(_ request: EnvironmentRequest, deployment: String?, result: JobResult, url: String?) async {
        guard let id = deployment.flatMap(Int.init) else { return }
        let state = result == .success ? "success" : result == .cancelled ? "error" : "failure"
        setState(id, state, "the job ended: \(result.rawValue)", url: url)
    }

    /// Asks on the terminal (once per environment and run); true for `y` or `yes`.
    private func ask(_ environment: String, job: String) async -> Bool {
        await withCheckedContinuation { continuation in
            // Reading the terminal blocks: on a thread of its own, never on the cooperative pool.
            Thread.detachNewThread { [self] in
                let answer = prompting.withLock { _ -> Bool in
                    if let known = state.withLock({ $0.answers[environment] }) { return known }
                    FileHandle.standardError.write(Data("\ngaara: job '\(job)' deploys to '\(environment)'. Approve? [y/N] ".utf8))
                    let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                    let yes = line == "y" || line == "yes"
                    state.withLock { $0.answers[environment] = yes }
                    return yes
                }
                continuation.resume(returning: answer)
            }
        }
    }

    private func setState(_ id: Int, _ value: String, _ description: String, url: String? = nil) {
        change { state in
            let now = Date().timeIntervalSince1970
            if value == "success" {
                // The environment's previous successful deployment in this run is replaced, as on the server.
                let environment = state.deployments[id - 1].environment
                for index in state.deployments.indices
                where state.deployments[index].environment == environment
                    && state.deployments[index].state == "success"
                {
                    state.deployments[index].state = "inactive"
                    state.deployments[index].statuses.append(.init(state: "inactive", description: "replaced by deployment \(id)", at: now))
                }
            }
            state.deployments[id - 1].state = value
            if let url { state.deployments[id - 1].url = url }
            state.deployments[id - 1].statuses.append(.init(state: value, description: description, at: now))
        }
    }

    /// Applies `body` and rewrites `deployments.json` under the lock, so the file always holds a
    /// whole, current list.
    @discardableResult
    private func change<T>(_ body: (inout State) -> T) -> T {
        state.withLock { state in
            let result = body(&state)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(state.deployments) { try? data.write(to: record, options: .atomic) }
            return result
        }
    }
}
