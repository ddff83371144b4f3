import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

/// The Docker side of a job, through the `docker` client: a per-job network, service containers
/// with their aliases and health checks, the job container that `run` steps execute in, and
/// `docker://` and Dockerfile action steps. Everything is removed when the job ends.
///
/// A class because it owns what it created (containers, the network) until ``stop()``; not an actor
/// because ``contextPairs()`` is read synchronously while expressions are evaluated. Its state is
/// written only by its job's task (the ``StepBackend`` contract: calls never overlap), hence
/// `@unchecked Sendable`.
final class DockerJobSession: @unchecked Sendable {
    /// A started service container.
    struct ServiceInfo {
        /// The service's name (its network alias).
        let name: String
        /// The container's id.
        let containerID: String
        /// Container port → host port.
        let ports: [String: String]
    }

    private let settings: BackendSettings
    private let label: JobLabel
    private let paths: JobPaths
    /// The prefix of the names of the job's network and containers.
    let prefix: String
    /// The job's network (nil: not created, or removed).
    private(set) var network: String?
    /// The job container's id.
    private(set) var jobContainer: String?
    /// The started services, in order.
    private(set) var services: [ServiceInfo] = []
    /// Whether the job container has bash (else `bash` scripts run with `sh`).
    private(set) var containerHasBash = true
    private var created: [String] = []
    /// The environment of `docker` client calls (the host's).
    let hostEnvironment: [String: String]

    /// Whether `run` steps execute in a job container.
    var hasJobContainer: Bool { jobContainer != nil }

    /// A session for the job instance `label`; nothing is started yet.
    init(settings: BackendSettings, label: JobLabel, paths: JobPaths) {
        self.settings = settings
        self.label = label
        self.paths = paths
        hostEnvironment = settings.configuration.baseEnvironment
        prefix = "gaara-\(settings.configuration.runID)-\(JobExecution.slug(label.id))-\(label.index)"
            .lowercased().replacingOccurrences(of: "_", with: "-")
    }

    private var configuration: RunConfiguration { settings.configuration }

    /// Checks that a Docker engine answers.
    static func ensureEngine(_ environment: [String: String]) async throws {
        let command = ChildProcess.Command("docker", ["version", "--format", "{{.Server.Version}}"], environment: environment)
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(command, timeout: 20)
        } catch {
            throw RunnerError("this job needs Docker, but the docker client is missing: \(error)")
        }
        guard result.status.isSuccess else {
            throw RunnerError(
                "this job needs a Docker engine, and none is reachable (is dockerd running? is DOCKER_HOST set?): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }

    /// Starts the network, the services and the job container of a job; on failure, removes what
    /// started.
    static func start(job: Job, context: EvaluationContext, settings: BackendSettings, label: JobLabel, paths: JobPaths) async throws
        -> DockerJobSession
    {
        try await ensureEngine(settings.configuration.baseEnvironment)
        let session = DockerJobSession(settings: settings, label: label, paths: paths)
        do {
            try await session.startAll(job: job, context: context)
        } catch {
            await session.stop()
            throw error
        }
        return session
    }

    private func docker(_ arguments: [String], timeout: Double? = 300) async throws -> String {
        let command = ChildProcess.Command("docker", arguments, environment: hostEnvironment)
        let result: (status: ExitStatus, output: String)
        do {
            result = try await ChildProcess.capture(command, timeout: timeout)
        } catch {
            throw RunnerError("\(error)")
        }
        guard result.status.isSuccess else {
            throw RunnerError(
                "docker \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func note(_ text: String) {
        let label = self.label
        let observer = settings.observer
        Array(text.utf8).withUnsafeBytes { observer.output(label, step: 0, line: $0, kind: .runner) }
    }

    private func startAll(job: Job, context: EvaluationContext) async throws {
        let name = prefix + "-net"
        _ = try await docker(["network", "create", "--label", "gaara.run=\(configuration.runID)", name])
        network = name
        for service in job.services {
            let info = try await startService(service, context: context)
            services.append(info)
        }
        if let container = job.container {
            try await startJobContainer(container, context: context)
        }
    }

    /// Resolves a container definition, refusing under step isolation what would reach the host.
    private func resolve(_ container: Container, context: EvaluationContext) throws -> (
        image: String, env: [String: String], ports: [String], volumes: [String], options: String, credentials: (String, String)?
    ) {
        let spec = try resolveFields(container, context: context)
        if spec.image.hasPrefix("-") { throw RunnerError("the image name '\(spec.image)' is not an image") }
        if configuration.isolation != nil,
            let problem = ContainerPolicy.problem(
                image: spec.image, volumes: spec.volumes, options: Self.splitOptions(spec.options),
                runFolders: [configuration.runDirectory.path])
        {
            throw RunnerError(problem)
        }
        return spec
    }

    /// Resolves a container definition, which may be one expression (an image or a mapping).
    private func resolveFields(_ container: Container, context: EvaluationContext) throws -> (
        image: String, env: [String: String], ports: [String], volumes: [String], options: String, credentials: (String, String)?
    ) {
        if let expression = container.expression {
            let value = try expression.template.evaluate(in: context)
            switch value {
            case .string(let image): return (image, [:], [], [], "", nil)
            case .object(let object):
                let image = object["image"]?.coercedString ?? ""
                var env: [String: String] = [:]
                if case .object(let variables)? = object["env"] {
                    for (key, value) in zip(variables.keys, variables.values) { env[key] = value.coercedString }
                }
                func list(_ key: String) -> [String] {
                    if case .array(let array)? = object[key] { return array.elements.map(\.coercedString) }
                    return []
                }
                return (image, env, list("ports"), list("volumes"), object["options"]?.coercedString ?? "", nil)
            default:
                throw RunnerError("'container' must evaluate to an image name or a mapping, found \(value.kindName.lowercased())")
            }
        }
        let image = try container.image.template.evaluateString(in: context)
        let env = try WorkflowRunner.evaluateMap(container.env, in: context).mapValues(\.coercedString)
        let ports = try container.ports.map { try $0.template.evaluateString(in: context) }
        let volumes = try container.volumes.map { try $0.template.evaluateString(in: context) }
        let options = try container.options?.template.evaluateString(in: context) ?? ""
        var credentials: (String, String)?
        if let username = container.username, let password = container.password {
            credentials = (try username.template.evaluateString(in: context), try password.template.evaluateString(in: context))
        }
        return (image, env, ports, volumes, options, credentials)
    }

    private func login(_ image: String, _ credentials: (String, String)?) async throws {
        guard let (username, password) = credentials, !username.isEmpty else { return }
        let registry = image.split(separator: "/").first.map(String.init).flatMap { $0.contains(".") || $0.contains(":") ? $0 : nil } ?? "docker.io"
        settings.masker.add(password)
        let command = ChildProcess.Command(
            "sh",
            [
                "-c", "printf '%s' \"$GAARA_REGISTRY_PASSWORD\" | docker login --username \"$GAARA_REGISTRY_USER\" --password-stdin \"$1\"", "login",
                registry,
            ],
            environment: hostEnvironment.merging(["GAARA_REGISTRY_PASSWORD": password, "GAARA_REGISTRY_USER": username]) { $1 })
        let result = try await ChildProcess.capture(command, timeout: 60)
        guard result.status.isSuccess else { throw RunnerError("docker login to \(registry) failed: \(settings.masker.mask(result.output))") }
    }

    private func startService(_ service: Service, context: EvaluationContext) async throws -> ServiceInfo {
        let spec = try resolve(service.container, context: context)
        try await login(spec.image, spec.credentials)
        let containerName = "\(prefix)-\(service.name)".lowercased()
        var arguments = ["run", "-d", "--name", containerName, "--label", "gaara.run=\(configuration.runID)"]
        arguments += ["--network", network!, "--network-alias", service.name]
        for port in spec.ports { arguments += ["-p", port] }
        for volume in spec.volumes { arguments += ["-v", volume] }
        for (key, value) in spec.env.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += Self.splitOptions(spec.options)
        arguments.append(spec.image)
        note("Starting service \(service.name) (\(spec.image))")
        let id = try await docker(arguments)
        created.append(id)
        try await waitHealthy(id, name: service.name)
        var ports: [String: String] = [:]
        if !spec.ports.isEmpty {
            let mapping = try await docker(["port", id])
            for line in mapping.split(separator: "\n") {
                // 5432/tcp -> 0.0.0.0:49153, then 5432/tcp -> [::]:49154: newer engines may give the
                // IPv6 mapping another port, and steps reach services on 127.0.0.1, so the IPv4
                // mapping wins; an IPv6 one is used only when there is no other.
                let parts = line.components(separatedBy: " -> ")
                guard parts.count == 2, let containerPort = parts[0].split(separator: "/").first, let hostPort = parts[1].split(separator: ":").last
                else { continue }
                let isIPv6 = parts[1].hasPrefix("[")
                if isIPv6, ports[String(containerPort)] != nil { continue }
                ports[String(containerPort)] = String(hostPort)
            }
        }
        return ServiceInfo(name: service.name, containerID: id, ports: ports)
    }

    /// Waits until a container with a health check is healthy (or one without is running).
    private func waitHealthy(_ id: String, name: String) async throws {
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let state = try await docker([
                "inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id,
            ])
            let parts = state.split(separator: " ")
            let status = parts.first.map(String.init) ?? ""
            let health = parts.count > 1 ? String(parts[1]) : "none"
            if status == "exited" || status == "dead" {
                let logs = (try? await docker(["logs", "--tail", "20", id])) ?? ""
                throw RunnerError("service \(name) stopped while starting:\n\(logs)")
            }
            if health == "healthy" || (health == "none" && status == "running") {
                note("Service \(name) is \(health == "healthy" ? "healthy" : "running")")
                return
            }
            if health == "unhealthy" { throw RunnerError("service \(name) is unhealthy") }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw RunnerError("service \(name) did not become healthy within 300 seconds")
    }

    private func startJobContainer(_ container: Container, context: EvaluationContext) async throws {
        let spec = try resolve(container, context: context)
        try await login(spec.image, spec.credentials)
        let containerName = "\(prefix)-job"
        var arguments = ["run", "-d", "--name", containerName, "--label", "gaara.run=\(configuration.runID)"]
        if let network { arguments += ["--network", network] }
        // The workspace and temp folders keep their host paths, so every path in the env stays valid.
        try FastFile.makeDirectories(paths.toolCache.path)
        for path in [paths.workspace.path, paths.temp.path, paths.toolCache.path] { arguments += ["-v", "\(path):\(path)"] }
        for port in spec.ports { arguments += ["-p", port] }
        for volume in spec.volumes { arguments += ["-v", volume] }
        for (key, value) in spec.env.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        arguments += Self.splitOptions(spec.options)
        arguments += ["-w", paths.workspace.path, "--entrypoint", "tail", spec.image, "-f", "/dev/null"]
        note("Starting job container (\(spec.image))")
        let id = try await docker(arguments)
        created.append(id)
        jobContainer = id
        containerHasBash = (try? await docker(["exec", id, "sh", "-c", "command -v bash"])) != nil
    }

    /// `job.container` and `job.services` context entries.
    func contextPairs() -> [(String, ExpressionValue)] {
        var pairs: [(String, ExpressionValue)] = []
        if let jobContainer {
            pairs.append(("container", .object([("id", .string(jobContainer)), ("network", .string(network ?? ""))])))
        }
        if !services.isEmpty {
            pairs.append(
                (
                    "services",
                    .object(
                        services.map { service in
                            (
                                service.name,
                                .object([
                                    ("id", .string(service.containerID)), ("network", .string(network ?? "")), ("ports", .strings(service.ports)),
                                ])
                            )
                        })
                ))
        }
        return pairs
    }

    /// Runs a step's command inside the job container. A cancelled or timed-out step's processes
    /// in the container are killed too: stopping `docker exec` does not stop them.
    func exec(_ argv: [String], environment: [String: String], workingDirectory: String, addedPath: [String], io: StepIO) async throws -> StepExit {
        var argv = argv
        if argv.first == "bash", !containerHasBash { argv = ["sh", "-e", argv.last!] }
        var arguments = ["exec", "-i", "-w", workingDirectory]
        // Only the job's variables go in: the host's PATH and HOME mean nothing in the container.
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) where hostEnvironment[key] != value || key.hasPrefix("GITHUB_") {
            if key == "PATH" { continue }
            arguments += ["-e", "\(key)=\(value)"]
        }
        if !addedPath.isEmpty {
            arguments += ["-e", "PATH=" + (addedPath + ["/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]).joined(separator: ":")]
        }
        arguments += [jobContainer!] + argv
        let command = ChildProcess.Command("docker", arguments, environment: hostEnvironment)
        let exit = try await HostBackend.launch(command, io: io, missingProgram: nil)
        if !exit.status.isSuccess, io.controller.isCancelled || exit.timedOut {
            // Signal everything in the container but its PID 1.
            _ = try? await docker(
                ["exec", jobContainer!, "sh", "-c", "kill -TERM -1 2>/dev/null; sleep 1; kill -KILL -1 2>/dev/null; true"], timeout: 10)
        }
        return exit
    }

    /// Builds a Dockerfile action and returns the image name.
    func build(_ dockerfile: String, environment: [String: String], io: StepIO) async throws -> String {
        let directory = URL(fileURLWithPath: dockerfile).deletingLastPathComponent()
        let tag = "gaara-action-\(JobExecution.slug(directory.lastPathComponent).lowercased()):\(configuration.runID)"
        try await ActionTools(configuration: configuration, paths: paths).run(
            "docker", ["build", "--network", "host", "-t", tag, "-f", dockerfile, directory.path], environment: environment, output: io.output,
            timeout: io.timeout)
        return tag
    }

    /// Runs a `docker://` image or a Docker action as a step: `command` gives the arguments, the
    /// step's environment (GitHub's and what differs from the host's go in) and the action's own.
    func runImage(_ image: String, entrypoint: String?, command: StepCommand, io: StepIO) async throws -> StepExit {
        var docker = ["run", "--rm", "-i", "--label", "gaara.run=\(configuration.runID)"]
        if let network { docker += ["--network", network] }
        for path in [paths.workspace.path, paths.temp.path] { docker += ["-v", "\(path):\(path)"] }
        docker += ["-w", paths.workspace.path]
        var environment = command.actionEnvironment
        for (key, value) in command.environment
        where key.hasPrefix("GITHUB_") || key.hasPrefix("RUNNER_") || key == "CI" || hostEnvironment[key] != value {
            if key == "PATH" || key == "HOME" { continue }
            environment[key] = value
        }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { docker += ["-e", "\(key)=\(value)"] }
        if let entrypoint, !entrypoint.isEmpty { docker += ["--entrypoint", entrypoint] }
        guard !image.hasPrefix("-") else { throw RunnerError("the image name '\(image)' is not an image") }
        docker.append(image)
        docker += command.arguments
        let process = ChildProcess.Command("docker", docker, environment: hostEnvironment)
        return try await HostBackend.launch(process, io: io, missingProgram: command.missingProgram)
    }

    /// Removes every container and the network this job created.
    func stop() async {
        if !created.isEmpty { _ = try? await docker(["rm", "-f", "-v"] + created, timeout: 60) }
        if let network { _ = try? await docker(["network", "rm", network], timeout: 60) }
        created = []
        network = nil
    }

    /// Splits `options:` like a shell would (quotes group words).
    static func splitOptions(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var started = false
        for character in text {
            if let active = quote {
                if character == active { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                started = true
            } else if character == " " || character == "\n" || character == "\t" {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { words.append(current) }
        return words
    }
}
