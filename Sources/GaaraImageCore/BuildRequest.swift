/// What a `docker/build-push-action` step asks for, read from its `with:` values the way the action reads them
/// (lists split by csv-parse, `key=value` entries, booleans), and checked against what Gaara can do with a
/// local engine: one platform (the host's), no attestations, caches of type `local`, `gha` and `inline`. An
/// input Gaara cannot honour is an error naming it, never dropped: a build that silently ignored
/// `platforms: linux/arm64` would ship the wrong image.
public struct BuildRequest: Sendable, Equatable {
    /// Where the build context comes from.
    public enum Context: Sendable, Equatable {
        /// The run's commit, as the action's default "Git context" (`{{defaultContext}}`), optionally a
        /// sub-folder of it (`{{defaultContext}}:backend`).
        case git(subdirectory: String?)
        /// A path, relative to the workspace unless absolute (`context: .` after a checkout).
        case path(String)
    }

    /// Where a build secret's value comes from.
    public enum SecretSource: Sendable, Equatable {
        /// `secrets: id=value`: the value itself (masked in logs).
        case value(String)
        /// `secret-files: id=path`: a file's content.
        case file(String)
        /// `secret-envs: id=VARIABLE`: an environment variable of the step.
        case environment(String)
    }

    /// One build secret (`RUN --mount=type=secret,id=…`).
    public struct Secret: Sendable, Equatable {
        /// The id the Dockerfile mounts.
        public var id: String
        /// Where the value comes from.
        public var source: SecretSource

        /// Creates a secret.
        public init(id: String, source: SecretSource) {
            self.id = id
            self.source = source
        }
    }

    /// A `cache-from` or `cache-to` entry Gaara can serve.
    public enum Cache: Sendable, Equatable {
        /// `type=local,src=…` / `type=local,dest=…`: a folder.
        case local(String)
        /// `type=gha[,scope=…]`: GitHub's cache service, mapped onto Gaara's own cache folder per scope.
        case gha(scope: String)
        /// `type=inline`: the cache metadata goes into the image itself.
        case inline
        /// `type=registry,ref=…` (cache-from only): an image whose inline cache seeds the build.
        case registry(String)
    }

    /// The build context.
    public var context: Context
    /// `file`: the Dockerfile, relative to the context unless absolute (nil: `Dockerfile` in the context).
    public var file: String?
    /// `tags`: full image references.
    public var tags: [String]
    /// `labels`: `key=value` labels.
    public var labels: [String]
    /// `build-args`: `NAME=value` build arguments.
    public var buildArgs: [String]
    /// `target`: the stage to build.
    public var target: String?
    /// `no-cache`.
    public var noCache: Bool
    /// `pull`: always pull newer base images.
    public var pull: Bool
    /// `push` (or `outputs: type=registry`).
    public var push: Bool
    /// `load` (or `outputs: type=docker`). A local engine always keeps the image; the flag is accepted.
    public var load: Bool
    /// The single platform built (`platforms`, which must name only the host's).
    public var platform: String?
    /// Build secrets from `secrets`, `secret-files` and `secret-envs`.
    public var secrets: [Secret]
    /// `cache-from` entries.
    public var cacheFrom: [Cache]
    /// `cache-to`, with `mode=max` accepted (a local engine's exported cache is the image's own layers).
    public var cacheTo: Cache?
    /// Flags passed to the engine as they are: `network`, `add-hosts`, `shm-size`, `ulimit`, `cgroup-parent`.
    public var engineFlags: [String]
    /// Inputs accepted without effect, each with why (shown in the step's log).
    public var notes: [String]

    /// The inputs of docker/build-push-action@v6 that only need no effect when empty or at their default.
    static let refusedInputs: [String: String] = [
        "allow": "extra privileged entitlements need a buildx builder",
        "annotations": "annotations need an OCI exporter (a local engine writes labels only)",
        "attests": "attestations need a buildx builder with an OCI exporter",
        "build-contexts": "additional named build contexts need buildx",
        "call": "build checks (`call`) need buildx",
        "no-cache-filters": "per-stage cache filters need buildx",
        "ssh": "SSH agent forwarding into builds is not supported",
    ]

    /// Reads the step's `with:` values. `hostPlatform` is the engine's (`linux/amd64`).
    public init(action inputs: [String: String], hostPlatform: String) throws(MetadataError) {
        func text(_ name: String) -> String? {
            let value = JavaScript.trim(inputs[name] ?? "")
            return value.isEmpty ? nil : value
        }
        func flag(_ name: String, default fallback: Bool = false) throws(MetadataError) -> Bool {
            guard let value = text(name) else { return fallback }
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw MetadataError(input: name, value: value, message: "expected true or false")
            }
        }
        func list(_ name: String, ignoreComma: Bool) throws(MetadataError) -> [String] {
            try Self.inputList(text(name) ?? "", input: name, ignoreComma: ignoreComma)
        }

        for name in inputs.keys.sorted() where Self.refusedInputs[name] == nil && !Self.knownInputs.contains(name) {
            throw MetadataError(input: name, value: inputs[name] ?? "", message: "docker/build-push-action has no input '\(name)'")
        }
        for (name, reason) in Self.refusedInputs.sorted(by: { $0.key < $1.key }) {
            if let value = text(name) { throw MetadataError(input: name, value: value, message: "not supported by Gaara: \(reason)") }
        }
        for name in ["provenance", "sbom"] {
            if let value = text(name), value.lowercased() != "false" {
                throw MetadataError(
                    input: name, value: value, message: "not supported by Gaara: attestations need a buildx builder; set '\(name): false'")
            }
        }
        notes = []
        if text("builder") != nil { notes.append("builder: Gaara builds with the engine's own BuildKit") }
        if text("github-token") != nil { notes.append("github-token: not needed (no GitHub API is called)") }

        let contextText = text("context")
        if let contextText, contextText.hasPrefix("{{defaultContext}}") {
            let rest = contextText.dropFirst("{{defaultContext}}".count)
            if rest.isEmpty {
                context = .git(subdirectory: nil)
            } else if rest.hasPrefix(":"), rest.count > 1 {
                context = .git(subdirectory: String(rest.dropFirst()))
            } else {
                throw MetadataError(input: "context", value: contextText, message: "expected {{defaultContext}} or {{defaultContext}}:folder")
            }
        } else if let contextText {
            if contextText.contains("://") || contextText.hasPrefix("git@") {
                throw MetadataError(
                    input: "context", value: contextText, message: "a remote context needs the network; use a path or {{defaultContext}}")
            }
            context = .path(contextText)
        } else {
            context = .git(subdirectory: nil)
        }
        file = text("file")
        tags = try list("tags", ignoreComma: false)
        labels = try list("labels", ignoreComma: true)
        buildArgs = try list("build-args", ignoreComma: true)
        target = text("target")
        noCache = try flag("no-cache")
        pull = try flag("pull")
        push = try flag("push")
        load = try flag("load")

        for output in try list("outputs", ignoreComma: true) {
            let fields = try Self.fields(output, input: "outputs")
            switch fields["type"] {
            case "docker": load = true
            case "registry": push = true
            case "image" where fields["push"] == "true": push = true
            case "image": load = true
            default:
                throw MetadataError(input: "outputs", value: output, message: "not supported by Gaara: only type=docker and type=registry outputs")
            }
        }
        if push, tags.isEmpty {
            throw MetadataError(input: "tags", value: "", message: "push needs at least one tag naming the registry and repository")
        }
        for tag in tags where ImageReference.repository(of: tag) == nil {
            throw MetadataError(input: "tags", value: tag, message: "not a valid image reference")
        }

        let platforms = try list("platforms", ignoreComma: false).map(Self.normalizedPlatform)
        let host = Self.normalizedPlatform(hostPlatform)
        if let other = platforms.first(where: { $0 != host }) {
            throw MetadataError(
                input: "platforms", value: other,
                message: "Gaara builds for the engine's own platform (\(host)) only; emulated platforms are not supported"
            )
        }
        platform = platforms.isEmpty ? nil : host

        var secrets: [Secret] = []
        for name in ["secrets", "secret-files", "secret-envs"] {
            for entry in try list(name, ignoreComma: true) {
                guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                    throw MetadataError(input: name, value: name == "secrets" ? "***" : entry, message: "expected id=value")
                }
                let value = String(entry[entry.index(after: equals)...])
                let source: SecretSource =
                    switch name {
                    case "secrets": .value(value)
                    case "secret-files": .file(JavaScript.trim(value))
                    default: .environment(JavaScript.trim(value))
                    }
                secrets.append(Secret(id: String(entry[..<equals]), source: source))
            }
        }
        self.secrets = secrets

        cacheFrom = try list("cache-from", ignoreComma: true).map { entry throws(MetadataError) in try Self.cache(entry, input: "cache-from") }
        let cacheTo = try list("cache-to", ignoreComma: true)
        if cacheTo.count > 1 { throw MetadataError(input: "cache-to", value: cacheTo.joined(separator: "\n"), message: "Gaara exports one cache") }
        self.cacheTo = try cacheTo.first.map { entry throws(MetadataError) in try Self.cache(entry, input: "cache-to") }

        var engineFlags: [String] = []
        if let network = text("network") { engineFlags += ["--network", network] }
        for host in try list("add-hosts", ignoreComma: false) { engineFlags += ["--add-host", host] }
        if let size = text("shm-size") { engineFlags += ["--shm-size", size] }
        for limit in try list("ulimit", ignoreComma: true) { engineFlags += ["--ulimit", limit] }
        if let parent = text("cgroup-parent") { engineFlags += ["--cgroup-parent", parent] }
        self.engineFlags = engineFlags
    }

    /// Every input of docker/build-push-action@v6.
    static let knownInputs: Set<String> = [
        "add-hosts", "allow", "annotations", "attests", "build-args", "build-contexts", "builder", "cache-from", "cache-to", "call",
        "cgroup-parent", "context", "file", "github-token", "labels", "load", "network", "no-cache", "no-cache-filters", "outputs", "platforms",
        "provenance", "pull", "push", "sbom", "secret-envs", "secret-files", "secrets", "shm-size", "ssh", "tags", "target", "ulimit",
    ]

    /// `linux/amd64` for `linux/amd64`, `amd64`, `linux/x86_64`; `linux/arm64` for `aarch64`, `arm64/v8`.
    public static func normalizedPlatform(_ platform: String) -> String {
        var parts = platform.lowercased().split(separator: "/").map(String.init)
        if parts.count == 1 || (parts.first != "linux" && parts.first != "windows" && parts.first != "darwin") { parts.insert("linux", at: 0) }
        guard parts.count >= 2 else { return platform }
        switch parts[1] {
        case "x86_64", "x86-64": parts[1] = "amd64"
        case "aarch64": parts[1] = "arm64"
        default: break
        }
        if parts[1] == "arm64", parts.count == 3, parts[2] == "v8" { parts.removeLast() }
        return parts.joined(separator: "/")
    }

    /// actions-toolkit's `getInputList`: csv records; a one-field record is an entry, a record of several fields is
    /// one entry each unless `ignoreComma` (then joined back with commas).
    static func inputList(_ value: String, input: String, ignoreComma: Bool) throws(MetadataError) -> [String] {
        guard !value.isEmpty else { return [] }
        let records = try attributing(input: input, value: value) { () throws(Failure) in try CSV.inputList.records(value) }
        var entries: [String] = []
        for record in records {
            if record.count == 1 || ignoreComma {
                entries.append(record.joined(separator: ","))
            } else {
                entries += record
            }
        }
        return entries.map(JavaScript.trim).filter { !$0.isEmpty }
    }

    /// The `key=value` fields of one entry (`type=local,src=path`).
    static func fields(_ entry: String, input: String) throws(MetadataError) -> [String: String] {
        let records = try attributing(input: input, value: entry) { () throws(Failure) in try CSV.entry.records(entry) }
        var fields: [String: String] = [:]
        for field in records.first ?? [] {
            let pair = field.split(separator: "=", maxSplits: 1).map { JavaScript.trim(String($0)) }
            guard pair.count == 2 else { throw MetadataError(input: input, value: entry, message: "expected key=value fields, found '\(field)'") }
            fields[pair[0].lowercased()] = pair[1]
        }
        return fields
    }

    /// A `cache-from` / `cache-to` entry; a bare reference in cache-from means `type=registry,ref=…`.
    static func cache(_ entry: String, input: String) throws(MetadataError) -> Cache {
        let fields = entry.contains("=") ? try Self.fields(entry, input: input) : ["type": "registry", "ref": entry]
        let known: Set<String>
        let cache: Cache
        switch fields["type"] {
        case "local":
            let key = input == "cache-from" ? "src" : "dest"
            guard let path = fields[key], !path.isEmpty else {
                throw MetadataError(input: input, value: entry, message: "type=local needs \(key)=folder")
            }
            known = ["type", key, "mode", "compression", "compression-level", "force-compression", "ignore-error", "digest", "tag"]
            cache = .local(path)
        case "gha":
            known = ["type", "scope", "mode", "url", "token", "timeout", "ignore-error", "compression", "version"]
            cache = .gha(scope: fields["scope"].flatMap { $0.isEmpty ? nil : $0 } ?? "buildkit")
        case "inline" where input == "cache-to":
            known = ["type"]
            cache = .inline
        case "registry" where input == "cache-from":
            guard let reference = fields["ref"], ImageReference.repository(of: reference) != nil else {
                throw MetadataError(input: input, value: entry, message: "type=registry needs ref=image")
            }
            known = ["type", "ref"]
            cache = .registry(reference)
        default:
            throw MetadataError(
                input: input, value: entry,
                message: input == "cache-to"
                    ? "not supported by Gaara: cache-to takes type=local, type=gha or type=inline"
                    : "not supported by Gaara: cache-from takes type=local, type=gha or type=registry")
        }
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw MetadataError(input: input, value: entry, message: "not supported by Gaara: the attribute '\(unknown)'")
        }
        return cache
    }
}

/// Image references (`registry:5000/team/app:tag@sha256:…`) as the Docker CLI reads them.
public enum ImageReference {
    /// The repository part (`127.0.0.1:5000/team/app`) of a reference, nil when it is not one.
    public static func repository(of reference: String) -> String? {
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") {
            let digest = name[name.index(after: at)...]
            guard isDigest(String(digest)) else { return nil }
            name = name[..<at]
        }
        // A tag follows the last colon after the last slash (a colon before it is a registry's port).
        let lastSlash = name.lastIndex(of: "/") ?? name.startIndex
        if let colon = name[lastSlash...].lastIndex(of: ":") {
            let tag = name[name.index(after: colon)...]
            guard !tag.isEmpty, tag.count <= 128, tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }),
                tag.first != "." && tag.first != "-"
            else { return nil }
            name = name[..<colon]
        }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty, !name.isEmpty else { return nil }
        for (index, component) in components.enumerated() {
            let isRegistry = index == 0 && components.count > 1 && (component.contains(".") || component.contains(":") || component == "localhost")
            let allowed: (Character) -> Bool =
                isRegistry
                ? { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
                : { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
            guard !component.isEmpty, component.allSatisfy(allowed) else { return nil }
        }
        return String(name)
    }

    /// Whether `text` is `sha256:` followed by 64 lowercase hex digits.
    public static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// The digest `docker push` printed (`latest: digest: sha256:… size: 528`), nil when it printed none.
    public static func pushedDigest(in output: String) -> String? {
        for line in output.split(whereSeparator: \.isNewline).reversed() {
            guard let range = line.range(of: "digest: ") else { continue }
            let digest = line[range.upperBound...].prefix { !$0.isWhitespace }
            if isDigest(String(digest)) { return String(digest) }
        }
        return nil
    }
}
