extension WorkflowDecoder {
    static let jobKeys = [
        "name", "needs", "if", "runs-on", "environment", "outputs", "env", "defaults", "timeout-minutes", "continue-on-error",
        "strategy", "container", "services", "steps", "concurrency", "permissions", "uses", "with", "secrets", "snapshot",
    ]
    static let callJobKeys: Set<String> = ["name", "needs", "if", "uses", "with", "secrets", "strategy", "concurrency", "permissions"]

    mutating func decodeJobs(_ node: YAMLNode) -> [Job] {
        guard let pairs = session.mapping(node, "'jobs'") else { return [] }
        if pairs.isEmpty {
            session.error("'jobs' must hold at least one job", at: node.location)
        }
        var jobs: [Job] = []
        for pair in pairs {
            guard let id = session.keyText(pair, in: "'jobs'") else { continue }
            if !Self.isValidIdentifier(id) {
                session.error("job id '\(id)' must start with a letter or '_' and hold only letters, digits, '-' and '_'", at: pair.key.location)
            }
            jobs.append(decodeJob(id, pair.value, at: pair.key.location))
        }
        return jobs
    }

    /// GitHub's rule for job and step ids.
    static func isValidIdentifier(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first == "_" || first.properties.isAlphabetic && first.isASCII else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    mutating func decodeJob(_ id: String, _ node: YAMLNode, at location: SourceLocation) -> Job {
        var job = Job(id: id, location: location)
        guard let pairs = session.mapping(node, "job '\(id)'") else { return job }
        // The matrix context is checked against the job's own strategy, so read that first.
        let strategyNode = pairs.first { $0.key.scalarText == "strategy" }?.value
        session.jobHasMatrix = strategyNode?["matrix"] != nil
        let isCall = pairs.contains { $0.key.scalarText == "uses" }
        var callWith = ValueMap()
        var callSecrets = ValueMap()
        var inheritSecrets = false
        for pair in pairs {
            guard let key = session.keyText(pair, in: "job '\(id)'") else { continue }
            if isCall, Self.jobKeys.contains(key), !Self.callJobKeys.contains(key) {
                session.error("'\(key)' is not allowed in job '\(id)', which calls a reusable workflow", at: pair.key.location)
                continue
            }
            if !isCall, key == "with" || key == "secrets" {
                session.error("'\(key)' is only allowed in a job that calls a reusable workflow with 'uses'", at: pair.key.location)
                continue
            }
            let value = pair.value
            switch key {
            case "name": job.name = session.template(value, "'name'", place: .jobName)
            case "needs":
                job.needs = (session.stringList(value, "'needs'") ?? []).map { JobReference(id: $0.0, location: $0.1) }
            case "if": job.condition = session.condition(value, place: .jobIf)
            case "runs-on": job.runsOn = decodeRunsOn(value)
            case "environment": job.environment = decodeEnvironment(value)
            case "outputs": job.outputs = session.valueMap(value, "'outputs'", place: .jobOutputs).entries
            case "env": job.env = session.valueMap(value, "'env'", place: .jobEnv)
            case "defaults": job.defaults = decodeDefaults(value, place: .jobDefaultsRun)
            case "timeout-minutes": job.timeoutMinutes = session.dynamicNumber(value, "'timeout-minutes'", place: .jobTimeout)
            case "continue-on-error": job.continueOnError = session.dynamicBool(value, "'continue-on-error'", place: .jobContinueOnError)
            case "strategy": job.strategy = decodeStrategy(value)
            case "container": job.container = decodeContainer(value, "'container'", place: .jobContainer)
            case "services": job.services = decodeServices(value)
            case "steps": job.steps = decodeSteps(value, place: .step, ifPlace: .stepIf)
            case "concurrency": job.concurrency = decodeConcurrency(value, place: .jobConcurrency)
            case "permissions": job.permissions = decodePermissions(value)
            case "uses":
                if let uses = session.string(value, "'uses'") {
                    job.call = WorkflowCall(uses: uses, location: value.location)
                    checkCallReference(uses, at: value.location)
                }
            case "with": callWith = session.valueMap(value, "'with'", place: .jobWith)
            case "secrets":
                if value.scalarText == "inherit" {
                    inheritSecrets = true
                } else {
                    callSecrets = session.valueMap(value, "'secrets'", place: .jobSecrets)
                }
            case "snapshot":
                session.warning("'snapshot' (custom runner images) is not supported by Gaara and is ignored", at: pair.key.location)
            default: session.unknownKey(pair.key, allowed: Self.jobKeys, in: "job '\(id)'")
            }
        }
        job.call?.with = callWith
        job.call?.secrets = callSecrets
        job.call?.inheritSecrets = inheritSecrets
        if !isCall {
            if job.runsOn == nil, !pairs.contains(where: { $0.key.scalarText == "runs-on" }) {
                session.error("job '\(id)' needs 'runs-on'", at: location)
            }
            if !pairs.contains(where: { $0.key.scalarText == "steps" }) {
                session.error("job '\(id)' needs 'steps' (or 'uses' to call a reusable workflow)", at: location)
            }
        }
        session.jobHasMatrix = true
        return job
    }

    mutating func checkCallReference(_ uses: String, at location: SourceLocation) {
        if uses.hasPrefix("./") || uses.hasPrefix("$/") {
            // A local workflow is a file of this repository: a path that climbs out of it could make
            // the server read (and quote in its errors) any file it can.
            guard !uses.split(separator: "/").contains("..") else {
                session.error("a local reusable workflow must be inside the repository, without '..': \(uses)", at: location)
                return
            }
            guard uses.hasSuffix(".yml") || uses.hasSuffix(".yaml") else {
                session.error(
                    "a local reusable workflow is a path to a .yml file, e.g. ./.github/workflows/build.yml or $/.github/workflows/build.yml",
                    at: location)
                return
            }
            return
        }
        let parts = uses.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, parts[0].split(separator: "/").count >= 3 else {
            session.warning(
                "reusable workflow '\(uses)' is neither ./path/to/workflow.yml nor owner/repo/path/workflow.yml@ref; Gaara cannot run it",
                at: location)
            return
        }
        session.warning("reusable workflow '\(uses)' lives in another repository; Gaara runs only local reusable workflows (./...)", at: location)
    }

    mutating func decodeRunsOn(_ node: YAMLNode) -> RunsOn? {
        switch node.content {
        case .scalar(let text, _):
            guard let value = session.template(node, "'runs-on'", place: .jobRunsOn) else { return nil }
            if text.contains("${{"), value.template.soleExpression != nil { return .expression(value) }
            warnAboutRunnerLabels([value])
            return .labels([value])
        case .sequence(let items):
            let labels = items.compactMap { session.template($0, "each label of 'runs-on'", place: .jobRunsOn) }
            if labels.isEmpty { session.error("'runs-on' must name at least one label", at: node.location) }
            warnAboutRunnerLabels(labels)
            return .labels(labels)
        case .mapping(let pairs):
            var group: WorkflowString?
            var labels: [WorkflowString] = []
            for pair in pairs {
                guard let key = session.keyText(pair, in: "'runs-on'") else { continue }
                switch key {
                case "group": group = session.template(pair.value, "'group'", place: .jobRunsOn)
                case "labels":
                    if pair.value.items != nil {
                        labels = pair.value.items!.compactMap { session.template($0, "each label", place: .jobRunsOn) }
                    } else if let label = session.template(pair.value, "'labels'", place: .jobRunsOn) {
                        labels = [label]
                    }
                default: session.unknownKey(pair.key, allowed: ["group", "labels"], in: "'runs-on'")
                }
            }
            return .group(group, labels: labels)
        }
    }

    mutating func warnAboutRunnerLabels(_ labels: [WorkflowString]) {
        for label in labels where !label.template.hasExpressions {
            let lowered = label.raw.lowercased()
            if lowered.hasPrefix("windows") || lowered.hasPrefix("macos") {
                session.warning("runner '\(label.raw)': Gaara runs jobs on Linux hosts only", at: label.location)
            }
        }
    }

    mutating func decodeEnvironment(_ node: YAMLNode) -> EnvironmentReference? {
        if node.scalarText != nil {
            guard let name = session.template(node, "'environment'", place: .jobEnvironment) else { return nil }
            return EnvironmentReference(name: name, url: nil)
        }
        guard let pairs = session.mapping(node, "'environment'") else { return nil }
        var name: WorkflowString?
        var url: WorkflowString?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'environment'") else { continue }
            switch key {
            case "name": name = session.template(pair.value, "'name'", place: .jobEnvironment)
            case "url": url = session.template(pair.value, "'url'", place: .jobEnvironmentURL)
            case "deployment": _ = session.dynamicBool(pair.value, "'deployment'", place: .jobEnvironment)
            default: session.unknownKey(pair.key, allowed: ["name", "url", "deployment"], in: "'environment'")
            }
        }
        guard let name else {
            session.error("'environment' needs a 'name'", at: node.location)
            return nil
        }
        return EnvironmentReference(name: name, url: url)
    }

    mutating func decodeStrategy(_ node: YAMLNode) -> Strategy? {
        guard let pairs = session.mapping(node, "'strategy'") else { return nil }
        var strategy = Strategy(location: node.location)
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'strategy'") else { continue }
            switch key {
            case "matrix":
                if checkMatrix(pair.value) { strategy.matrix = pair.value }
            case "fail-fast": strategy.failFast = session.dynamicBool(pair.value, "'fail-fast'", place: .jobStrategy)
            case "max-parallel":
                strategy.maxParallel = session.dynamic(pair.value, "'max-parallel'", place: .jobStrategy) { session, node in
                    if case .int(let value) = node.scalarType, value > 0 { return value }
                    if case .float(let value) = node.scalarType, value >= 1, value == value.rounded() { return Int(value) }
                    session.error(
                        "'max-parallel' must be a positive integer, found \(node.scalarText.map { "'\($0)'" } ?? node.kindDescription)",
                        at: node.location)
                    return nil
                }
            default: session.unknownKey(pair.key, allowed: ["matrix", "fail-fast", "max-parallel"], in: "'strategy'")
            }
        }
        return strategy
    }

    /// Checks a matrix's shape and expressions, and its size when it is static. Returns false when it is unusable.
    mutating func checkMatrix(_ node: YAMLNode) -> Bool {
        if case .string(let text) = node.scalarType, text.contains("${{") {
            guard let value = session.template(node, "'matrix'", place: .jobStrategy) else { return false }
            if value.template.soleExpression == nil {
                session.error("'matrix' must be a mapping or a single '${{ }}' expression", at: node.location)
                return false
            }
            return true
        }
        guard let pairs = session.mapping(node, "'matrix'") else { return false }
        let errorsBefore = session.diagnostics.count
        var dynamic = false
        var includeCount = 0
        var hasVector = false
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'matrix'") else { continue }
            let value = pair.value
            if case .string(let text) = value.scalarType, text.contains("${{") {
                if let template = session.template(value, "'\(key)'", place: .jobStrategy), template.template.soleExpression == nil {
                    session.error("matrix '\(key)' must be a sequence or a single '${{ }}' expression", at: value.location)
                }
                dynamic = true
                if key != "include" && key != "exclude" { hasVector = true }
                continue
            }
            guard let items = value.items else {
                session.error("matrix '\(key)' must be a sequence, found \(value.kindDescription)", at: value.location)
                continue
            }
            checkMatrixValues(items)
            switch key {
            case "include", "exclude":
                for item in items where item.pairs == nil {
                    if case .string(let text) = item.scalarType, text.contains("${{") { continue }
                    session.error("each '\(key)' entry must be a mapping, found \(item.kindDescription)", at: item.location)
                }
                if key == "include" { includeCount = items.count }
            default:
                hasVector = true
                if items.isEmpty {
                    session.error("matrix vector '\(key)' holds no values", at: value.location)
                }
            }
        }
        if !hasVector, includeCount == 0, !dynamic {
            session.error("'matrix' must define at least one vector or an 'include'", at: node.location)
            return false
        }
        if !dynamic, session.diagnostics.count == errorsBefore {
            do {
                _ = try MatrixExpander.expand(node.literalValue)
            } catch {
                session.error(error.message, at: node.location)
            }
        }
        return true
    }

    /// Expressions inside matrix values are checked where they are written.
    mutating func checkMatrixValues(_ items: [YAMLNode]) {
        for item in items {
            switch item.content {
            case .scalar(let text, _):
                if text.contains("${{") { _ = session.template(item, "a matrix value", place: .jobStrategy) }
            case .sequence(let nested): checkMatrixValues(nested)
            case .mapping(let pairs): checkMatrixValues(pairs.map(\.value))
            }
        }
    }

    mutating func decodeContainer(_ node: YAMLNode, _ what: String, place: ExpressionPlace) -> Container? {
        if node.scalarText != nil {
            guard let image = session.template(node, what, place: place) else { return nil }
            var container = Container(image: image, location: node.location)
            if image.template.soleExpression != nil, image.raw.contains("${{") { container.expression = image }
            return container
        }
        guard let pairs = session.mapping(node, what) else { return nil }
        var image: WorkflowString?
        var container = Container(image: WorkflowString(literal: ""), location: node.location)
        let allowed = ["image", "credentials", "env", "ports", "volumes", "options"]
        for pair in pairs {
            guard let key = session.keyText(pair, in: what) else { continue }
            switch key {
            case "image": image = session.template(pair.value, "'image'", place: place)
            case "credentials":
                guard let fields = session.mapping(pair.value, "'credentials'") else { continue }
                for field in fields {
                    guard let name = session.keyText(field, in: "'credentials'") else { continue }
                    switch name {
                    case "username": container.username = session.template(field.value, "'username'", place: .containerCredentials)
                    case "password": container.password = session.template(field.value, "'password'", place: .containerCredentials)
                    default: session.unknownKey(field.key, allowed: ["username", "password"], in: "'credentials'")
                    }
                }
            case "env": container.env = session.valueMap(pair.value, "'env'", place: .containerEnv)
            case "ports":
                container.ports = (pair.value.items ?? [pair.value]).compactMap { session.template($0, "each port", place: place) }
            case "volumes":
                container.volumes = (pair.value.items ?? [pair.value]).compactMap { session.template($0, "each volume", place: place) }
            case "options": container.options = session.template(pair.value, "'options'", place: place)
            default: session.unknownKey(pair.key, allowed: allowed, in: what)
            }
        }
        guard let image else {
            session.error("\(what) needs an 'image'", at: node.location)
            return nil
        }
        container.image = image
        return container
    }

    mutating func decodeServices(_ node: YAMLNode) -> [Service] {
        guard let pairs = session.mapping(node, "'services'") else { return [] }
        var services: [Service] = []
        for pair in pairs {
            guard let name = session.keyText(pair, in: "'services'") else { continue }
            if let container = decodeContainer(pair.value, "service '\(name)'", place: .jobServices) {
                services.append(Service(name: name, container: container))
            }
        }
        return services
    }
}
