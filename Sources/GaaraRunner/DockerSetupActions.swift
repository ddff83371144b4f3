import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraImageCore

/// `docker/login-action`: a real `docker login` into a Docker config of the job's own (never the
/// user's `~/.docker`), exported to later steps as `DOCKER_CONFIG` the way the action leaves the
/// runner logged in. The password reaches the CLI on standard input from a 0600 file and is masked;
/// the config is logged out and removed when the job ends, whatever happened.
enum DockerLogin {
    static func run(_ inputs: [String: String], invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        try refuse(
            inputs, action: "docker/login-action",
            [
                "ecr": "Amazon ECR logins need AWS's API", "registry-auth": "several registries at once: use one login step each",
                "scope": "scoped Docker Hub tokens need Docker Hub's API",
            ], allowing: ["ecr": ["auto", "false"]])
        guard let username = value(inputs, "username"), let password = inputs["password"], !password.isEmpty else {
            throw RunnerError("docker/login-action: 'username' and 'password' are required")
        }
        // Masked before anything runs: the registry may echo what it was sent.
        execution.masker.add(password)
        let registry = value(inputs, "registry") ?? ""
        let config = DockerConfig.folder(of: execution)
        if !FileManager.default.fileExists(atPath: config.path) {
            // The credentials do not outlive the job, whether or not a post step logs out (`logout: false`).
            execution.cleanups.append {
                (try? FileManager.default.removeItem(at: config)) != nil ? "Removed the job's Docker credentials" : nil
            }
        }
        try ActionTools.makePrivateFolder(config)
        let secret = config.appendingPathComponent(".password-\(invocation.id)")
        defer { try? FileManager.default.removeItem(at: secret) }
        guard FileManager.default.createFile(atPath: secret.path, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw RunnerError("docker/login-action: could not write \(secret.path)", kind: .file)
        }
        var environment = invocation.environment
        environment["DOCKER_CONFIG"] = config.path
        let docker = try await DockerClient.locate(environment: environment, cacheFolder: execution.configuration.cacheDirectory)
        invocation.output.note("Logging in to \(registry.isEmpty ? "Docker Hub" : registry) as \(username)")
        try await docker.run(
            ["login", "--username", username, "--password-stdin"] + (registry.isEmpty ? [] : [registry]), verb: "login", output: invocation.output,
            timeout: invocation.timeout, inputFile: secret.path)
        execution.jobEnv.add("DOCKER_CONFIG", config.path)
        if value(inputs, "logout") != "false" {
            execution.postSteps.append(
                PostStep(name: "Post \(invocation.name)", condition: "always()", logName: "post-docker-login") { post in
                    try await docker.run(["logout"] + (registry.isEmpty ? [] : [registry]), verb: "logout", output: post.output, timeout: 60)
                    return StepTermination(outcome: .success)
                })
        }
        return StepTermination(outcome: .success)
    }
}

/// The job's own Docker client configuration folder (credentials of its logins).
enum DockerConfig {
    /// `<job temp>/docker-config`.
    static func folder(of execution: JobExecution) -> URL {
        execution.paths.temp.appendingPathComponent("docker-config")
    }
}

/// `docker/setup-buildx-action` and `docker/setup-qemu-action`. Gaara builds with the engine's own
/// BuildKit for the engine's platform, so they check that and describe the builder; anything that
/// would need another builder (a remote endpoint, emulation) is refused, naming the input.
enum DockerSetup {
    static func buildx(_ inputs: [String: String], invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        try refuse(
            inputs, action: "docker/setup-buildx-action",
            [
                "endpoint": "remote builders are not supported; Gaara builds with the local engine",
                "config": "a BuildKit daemon configuration needs a buildx builder of its own",
                "config-inline": "a BuildKit daemon configuration needs a buildx builder of its own",
                "append": "multi-node builders are not supported",
            ], allowing: [:])
        let docker = try await DockerClient.locate(environment: invocation.environment, cacheFolder: execution.configuration.cacheDirectory)
        let host = BuildRequest.normalizedPlatform(try await docker.hostPlatform())
        try requireHost(inputs, host: host, action: "docker/setup-buildx-action", allowAll: false)
        let ignored = ["driver", "driver-opts", "buildkitd-flags", "buildkitd-config", "install", "use", "version", "name", "cleanup", "keep-state"]
            .filter { value(inputs, $0) != nil }
        if !ignored.isEmpty {
            invocation.output.note("Note: \(ignored.joined(separator: ", ")) set no builder up: Gaara builds with the engine's own BuildKit")
        }
        invocation.output.note("Builder: the local engine's BuildKit (\(docker.executable)\(docker.usesBuildx ? " buildx" : "")), platform \(host)")
        return StepTermination(
            outcome: .success,
            outputs: [
                "name": "default", "driver": "docker", "platforms": host,
                "nodes": "[{\"name\":\"default\",\"endpoint\":\"default\",\"status\":\"running\",\"platforms\":\"\(host)\"}]", "endpoint": "default",
                "status": "running", "flags": "",
            ])
    }

    static func qemu(_ inputs: [String: String], invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        let docker = try await DockerClient.locate(environment: invocation.environment, cacheFolder: execution.configuration.cacheDirectory)
        let host = BuildRequest.normalizedPlatform(try await docker.hostPlatform())
        try requireHost(inputs, host: host, action: "docker/setup-qemu-action", allowAll: true)
        invocation.output.note("No emulators installed: Gaara builds for the engine's platform (\(host)) only")
        return StepTermination(outcome: .success, outputs: ["platforms": host])
    }

    /// Refuses `platforms` naming anything but the host (`all`, qemu's default, only when `allowAll`).
    static func requireHost(_ inputs: [String: String], host: String, action: String, allowAll: Bool) throws {
        guard let platforms = value(inputs, "platforms") else { return }
        for platform in platforms.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !platform.isEmpty {
            if allowAll, platform == "all" { continue }
            if BuildRequest.normalizedPlatform(platform) != host {
                throw RunnerError(
                    "\(action): platforms: '\(platform)' is not supported by Gaara: images are built for the engine's own platform (\(host)) only, without emulation"
                )
            }
        }
    }
}

/// `docker/metadata-action`: the tags, labels and annotations of ``DockerMetadata``, computed from
/// the run's event, its commit and the repository; the outputs also go to later steps as
/// `DOCKER_METADATA_OUTPUT_*`, as the action exports them.
enum DockerMetadataStep {
    static func run(_ inputs: [String: String], invocation: StepInvocation, execution: JobExecution) async throws -> StepTermination {
        let configuration = execution.configuration
        let metadataInputs: MetadataInputs
        do {
            metadataInputs = try MetadataInputs(action: inputs, environment: MetadataEnvironment(variables: invocation.environment))
        } catch {
            throw RunnerError("docker/metadata-action: \(error)")
        }
        let sha = metadataInputs.context == .git ? configuration.checkoutCommit : configuration.sha
        let seconds = try? await execution.tools.capture(
            "git", ["show", "-s", "--format=%ct", sha], in: configuration.gitRepository.path, environment: invocation.environment)
        let commitDate =
            seconds.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.map(Date.init(timeIntervalSince1970:)) ?? Date()
        let context = metadataContext(configuration, sha: sha, commitDate: commitDate)
        let output: MetadataOutput
        do {
            output = try DockerMetadata.compute(inputs: metadataInputs, context: context)
        } catch {
            throw RunnerError("docker/metadata-action: \(error)")
        }
        for warning in output.warnings { invocation.output.note("Warning: \(warning)") }
        for (name, value) in output.exportedEnvironment.sorted(by: { $0.key < $1.key }) { execution.jobEnv.add(name, value) }
        invocation.output.note("Tags:\n" + output.tags.map { "  " + $0 }.joined(separator: "\n"))
        return StepTermination(outcome: .success, outputs: output.outputs)
    }

    /// What the action reads of the run: its event and payload, the commit and the repository.
    static func metadataContext(_ configuration: RunConfiguration, sha: String, commitDate: Date) -> MetadataContext {
        let payload = configuration.event.payload
        let defaultBranch = payload["repository"]?["default_branch"]?.stringValue
        var number: Int?
        if case .number(let value) = payload["number"] { number = Int(value) }
        return MetadataContext(
            eventName: configuration.event.name, ref: configuration.event.ref ?? "", sha: sha, commitDate: commitDate, now: Date(),
            payload: MetadataEventPayload(
                number: number, baseRef: payload["base_ref"]?.stringValue, pullRequestBaseRef: payload["pull_request"]?["base"]?["ref"]?.stringValue,
                pullRequestHeadSHA: payload["pull_request"]?["head"]?["sha"]?.stringValue, repositoryDefaultBranch: defaultBranch),
            repository: MetadataRepository(
                name: configuration.repositoryName.split(separator: "/").last.map(String.init),
                description: payload["repository"]?["description"]?.stringValue,
                htmlURL: configuration.serverURL + "/" + configuration.repositoryName,
                licenseSPDXID: payload["repository"]?["license"]?["spdx_id"]?.stringValue, defaultBranch: defaultBranch))
    }
}

/// A `with:` value, trimmed; nil when absent or empty.
func value(_ inputs: [String: String], _ name: String) -> String? {
    let text = inputs[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return text.isEmpty ? nil : text
}

/// Fails on any of `inputs` set (to something other than an `allowing` value) that `reasons` lists.
func refuse(_ inputs: [String: String], action: String, _ reasons: [String: String], allowing: [String: Set<String>]) throws {
    for (name, reason) in reasons.sorted(by: { $0.key < $1.key }) {
        if let given = value(inputs, name), !(allowing[name]?.contains(given.lowercased()) ?? false) {
            throw RunnerError("\(action): \(name): not supported by Gaara: \(reason)")
        }
    }
}
