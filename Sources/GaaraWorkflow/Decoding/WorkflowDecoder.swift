/// Decodes a workflow's YAML tree into a ``Workflow``, collecting every problem on the way.
struct WorkflowDecoder {
    var session: DecodingSession

    static let topLevelKeys = ["name", "run-name", "on", "env", "defaults", "permissions", "concurrency", "jobs"]

    /// Every event name GitHub accepts in `on:`.
    /// The events GitHub sends (what `on:` may name).
    static let eventNames: [String] = [
        "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status", "discussion",
        "discussion_comment", "fork", "gollum", "image_version", "issue_comment", "issues", "label", "merge_group", "milestone",
        "page_build", "project", "project_card", "project_column", "public", "pull_request", "pull_request_comment",
        "pull_request_review", "pull_request_review_comment", "pull_request_target", "push", "registry_package", "release",
        "repository_dispatch", "schedule", "status", "watch", "workflow_call", "workflow_dispatch", "workflow_run",
    ]

    /// Events Gaara starts workflows for.
    static let deliveredEvents: Set<String> = [
        "push", "pull_request", "pull_request_target", "schedule", "workflow_dispatch", "workflow_call", "create", "delete",
    ]

    init(file: SourceFile) {
        session = DecodingSession(file: file)
    }

    mutating func decode(_ root: YAMLNode) -> Workflow {
        var workflow = Workflow(path: session.file.path)
        guard let pairs = session.mapping(root, "a workflow") else { return workflow }
        var sawOn = false
        var sawJobs = false
        var jobsNode: YAMLNode?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "the workflow") else { continue }
            switch key {
            case "name": workflow.name = session.string(pair.value, "'name'")
            case "run-name": workflow.runName = session.template(pair.value, "'run-name'", place: .runName)
            case "on":
                sawOn = true
                workflow.triggers = decodeTriggers(pair.value)
            case "env": workflow.env = session.valueMap(pair.value, "'env'", place: .workflowEnv)
            case "defaults": workflow.defaults = decodeDefaults(pair.value, place: nil)
            case "permissions": workflow.permissions = decodePermissions(pair.value)
            case "concurrency": workflow.concurrency = decodeConcurrency(pair.value, place: .workflowConcurrency)
            case "jobs":
                sawJobs = true
                jobsNode = pair.value
            default: session.unknownKey(pair.key, allowed: Self.topLevelKeys, in: "the workflow")
            }
        }
        if !sawOn { session.error("a workflow needs 'on' (the events that start it)", at: root.location) }
        if !sawJobs { session.error("a workflow needs 'jobs'", at: root.location) }
        if let jobsNode { workflow.jobs = decodeJobs(jobsNode) }
        return workflow
    }

    // MARK: Triggers

    mutating func decodeTriggers(_ node: YAMLNode) -> Triggers {
        var events: [EventTrigger] = []
        switch node.content {
        case .scalar:
            if let name = session.string(node, "'on'"), checkEventName(name, at: node.location) {
                events.append(EventTrigger(name: name, location: node.location))
            }
        case .sequence(let items):
            for item in items {
                if let name = session.string(item, "each event in 'on'"), checkEventName(name, at: item.location) {
                    events.append(EventTrigger(name: name, location: item.location))
                }
            }
        case .mapping(let pairs):
            for pair in pairs {
                guard let name = session.keyText(pair, in: "'on'"), checkEventName(name, at: pair.key.location) else { continue }
                events.append(decodeEvent(name, pair.value, at: pair.key.location))
            }
        }
        if events.isEmpty, node.pairs != nil || node.items != nil {
            session.error("'on' must name at least one event", at: node.location)
        }
        for event in events where !Self.deliveredEvents.contains(event.name) {
            session.warning("Gaara does not receive '\(event.name)' events yet; this trigger never starts the workflow", at: event.location)
        }
        return Triggers(events: events)
    }

    mutating func checkEventName(_ name: String, at location: SourceLocation) -> Bool {
        if Self.eventNames.contains(name) { return true }
        session.error("unknown event '\(name)'\(Suggestion.hint(for: name, in: Self.eventNames))", at: location)
        return false
    }

    /// The keys that filter an event by branch, tag or path (`push` and `pull_request` take them).
    static let filterKeys: Set<String> = ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]

    static func allowedEventKeys(_ event: String) -> [String] {
        switch event {
        case "push": ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]
        case "pull_request", "pull_request_target": ["branches", "branches-ignore", "paths", "paths-ignore", "types"]
        case "workflow_dispatch": ["inputs"]
        case "workflow_call": ["inputs", "outputs", "secrets"]
        case "workflow_run": ["workflows", "types", "branches", "branches-ignore"]
        default: ["types"]
        }
    }

    mutating func decodeEvent(_ name: String, _ node: YAMLNode, at location: SourceLocation) -> EventTrigger {
        var event = EventTrigger(name: name, location: location)
        if name == "schedule" {
            event.schedules = decodeSchedules(node)
            return event
        }
        guard let pairs = session.mapping(node, "the configuration of '\(name)'", allowNull: true) else { return event }
        let allowed = Self.allowedEventKeys(name)
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'\(name)'") else { continue }
            guard allowed.contains(key) else {
                // GitHub runs workflows that put filters on an event that takes none (helm's
                // release.yml has `on.create.tags`) and ignores them: so does Gaara, and says so.
                if Self.filterKeys.contains(key) {
                    session.warning(
                        "'\(key)' on 'on.\(name)' is ignored: the \(name) event takes no \(key) filter (GitHub ignores it too; the workflow runs on every \(name) event)",
                        at: pair.key.location)
                } else {
                    session.unknownKey(pair.key, allowed: allowed, in: "'on.\(name)'")
                }
                continue
            }
            switch key {
            case "branches": event.branches = decodePatterns(pair.value, key)
            case "branches-ignore": event.branchesIgnore = decodePatterns(pair.value, key)
            case "tags": event.tags = decodePatterns(pair.value, key)
            case "tags-ignore": event.tagsIgnore = decodePatterns(pair.value, key)
            case "paths": event.paths = decodePatterns(pair.value, key)
            case "paths-ignore": event.pathsIgnore = decodePatterns(pair.value, key)
            case "types": event.types = session.stringList(pair.value, "'types'")?.map(\.0)
            case "workflows": event.workflows = session.stringList(pair.value, "'workflows'")?.map(\.0)
            case "inputs": event.inputs = decodeInputs(pair.value, call: name == "workflow_call")
            case "outputs": event.outputs = decodeCallOutputs(pair.value)
            case "secrets": event.secrets = decodeCallSecrets(pair.value)
            default: break
            }
        }
        for (positive, negative) in [("branches", "branches-ignore"), ("tags", "tags-ignore"), ("paths", "paths-ignore")] {
            if let pair = pairs.first(where: { $0.key.scalarText == negative }), pairs.contains(where: { $0.key.scalarText == positive }) {
                session.error(
                    "'\(positive)' and '\(negative)' cannot both filter '\(name)'; use '!' patterns in '\(positive)' instead", at: pair.key.location)
            }
        }
        return event
    }

    mutating func decodePatterns(_ node: YAMLNode, _ key: String) -> [FilterPattern]? {
        guard let items = session.stringList(node, "'\(key)'") else { return nil }
        var patterns: [FilterPattern] = []
        for (text, location) in items {
            do {
                _ = try GlobPattern(text)
                patterns.append(FilterPattern(text, at: location))
            } catch {
                let column = location.column + error.offset + (isQuoted(at: location) ? 1 : 0)
                session.error("invalid pattern '\(text)' in '\(key)': \(error.message)", at: SourceLocation(line: location.line, column: column))
            }
        }
        if !patterns.isEmpty, patterns.allSatisfy({ $0.pattern.hasPrefix("!") }), !key.hasSuffix("-ignore") {
            session.warning("'\(key)' holds only '!' patterns, so it matches nothing; add a positive pattern first", at: node.location)
        }
        return patterns
    }

    func isQuoted(at location: SourceLocation) -> Bool {
        let line = session.file.line(location.line).unicodeScalars
        guard location.column - 1 < line.count else { return false }
        let scalar = line[line.index(line.startIndex, offsetBy: location.column - 1)]
        return scalar == "'" || scalar == "\""
    }

    mutating func decodeSchedules(_ node: YAMLNode) -> [CronSchedule] {
        guard let items = node.items else {
            session.error("'schedule' must be a sequence of '- cron: ...' entries, found \(node.kindDescription)", at: node.location)
            return []
        }
        var schedules: [CronSchedule] = []
        for item in items {
            guard let pairs = session.mapping(item, "each schedule entry") else { continue }
            for pair in pairs {
                guard let key = session.keyText(pair, in: "a schedule entry") else { continue }
                guard key == "cron" else {
                    session.unknownKey(pair.key, allowed: ["cron"], in: "a schedule entry")
                    continue
                }
                guard let text = session.string(pair.value, "'cron'") else { continue }
                do {
                    schedules.append(CronSchedule(expression: text, cron: try Cron(text), location: pair.value.location))
                } catch {
                    let column = pair.value.location.column + error.offset + (isQuoted(at: pair.value.location) ? 1 : 0)
                    session.error("invalid cron '\(text)': \(error.message)", at: SourceLocation(line: pair.value.location.line, column: column))
                }
            }
        }
        return schedules
    }

    mutating func decodeInputs(_ node: YAMLNode, call: Bool) -> [WorkflowInput] {
        guard let pairs = session.mapping(node, "'inputs'", allowNull: true) else { return [] }
        let allowed = call ? ["description", "required", "default", "type"] : ["description", "required", "default", "type", "options"]
        var inputs: [WorkflowInput] = []
        for pair in pairs {
            guard let name = session.keyText(pair, in: "'inputs'") else { continue }
            var input = WorkflowInput(name: name, location: pair.key.location)
            guard let fields = session.mapping(pair.value, "input '\(name)'", allowNull: true) else { continue }
            for field in fields {
                guard let key = session.keyText(field, in: "input '\(name)'") else { continue }
                switch key {
                case "description": input.description = session.string(field.value, "'description'")
                case "required": input.required = session.bool(field.value, "'required'") ?? false
                case "default":
                    input.defaultValue = session.template(field.value, "'default'", place: call ? .callInputDefault : nil)
                case "type":
                    guard let text = session.string(field.value, "'type'") else { continue }
                    let types: [WorkflowInput.InputType] = call ? [.string, .boolean, .number] : WorkflowInput.InputType.allCases
                    if let type = WorkflowInput.InputType(rawValue: text), types.contains(type) {
                        input.type = type
                    } else {
                        let names = types.map(\.rawValue)
                        session.warning(
                            "unknown input type '\(text)'; Gaara takes the input as a string (types: \(names.joined(separator: ", ")))\(Suggestion.hint(for: text, in: names))",
                            at: field.value.location)
                    }
                case "options" where !call:
                    input.options = session.stringList(field.value, "'options'")?.map(\.0) ?? []
                default: session.unknownKey(field.key, allowed: allowed, in: "input '\(name)'")
                }
            }
            if input.type == .choice, input.options.isEmpty {
                session.error("choice input '\(name)' needs 'options'", at: pair.key.location)
            }
            inputs.append(input)
        }
        return inputs
    }

    mutating func decodeCallOutputs(_ node: YAMLNode) -> [WorkflowCallOutput] {
        guard let pairs = session.mapping(node, "'outputs'", allowNull: true) else { return [] }
        var outputs: [WorkflowCallOutput] = []
        for pair in pairs {
            guard let name = session.keyText(pair, in: "'outputs'"), let fields = session.mapping(pair.value, "output '\(name)'") else { continue }
            var description: String?
            var value: WorkflowString?
            for field in fields {
                guard let key = session.keyText(field, in: "output '\(name)'") else { continue }
                switch key {
                case "description": description = session.string(field.value, "'description'")
                case "value": value = session.template(field.value, "'value'", place: .callOutputValue)
                default: session.unknownKey(field.key, allowed: ["description", "value"], in: "output '\(name)'")
                }
            }
            if let value {
                outputs.append(WorkflowCallOutput(name: name, description: description, value: value))
            } else if !fields.contains(where: { $0.key.scalarText == "value" }) {
                session.error("output '\(name)' needs a 'value'", at: pair.key.location)
            }
        }
        return outputs
    }

    mutating func decodeCallSecrets(_ node: YAMLNode) -> [WorkflowCallSecret] {
        guard let pairs = session.mapping(node, "'secrets'", allowNull: true) else { return [] }
        var secrets: [WorkflowCallSecret] = []
        for pair in pairs {
            guard let name = session.keyText(pair, in: "'secrets'") else { continue }
            var required = false
            if let fields = session.mapping(pair.value, "secret '\(name)'", allowNull: true) {
                for field in fields {
                    guard let key = session.keyText(field, in: "secret '\(name)'") else { continue }
                    switch key {
                    case "description": _ = session.string(field.value, "'description'")
                    case "required": required = session.bool(field.value, "'required'") ?? false
                    default: session.unknownKey(field.key, allowed: ["description", "required"], in: "secret '\(name)'")
                    }
                }
            }
            secrets.append(WorkflowCallSecret(name: name, required: required))
        }
        return secrets
    }

    // MARK: Shared blocks

    mutating func decodeDefaults(_ node: YAMLNode, place: ExpressionPlace?) -> RunDefaults? {
        guard let pairs = session.mapping(node, "'defaults'") else { return nil }
        var defaults = RunDefaults()
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'defaults'") else { continue }
            guard key == "run" else {
                session.unknownKey(pair.key, allowed: ["run"], in: "'defaults'")
                continue
            }
            guard let fields = session.mapping(pair.value, "'defaults.run'") else { continue }
            for field in fields {
                guard let name = session.keyText(field, in: "'defaults.run'") else { continue }
                switch name {
                case "shell": defaults.shell = session.template(field.value, "'shell'", place: place)
                case "working-directory": defaults.workingDirectory = session.template(field.value, "'working-directory'", place: place)
                default: session.unknownKey(field.key, allowed: ["shell", "working-directory"], in: "'defaults.run'")
                }
            }
        }
        return defaults
    }

    static let permissionScopes = [
        "actions", "artifact-metadata", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models",
        "packages",
        "pages", "pull-requests", "repository-projects", "security-events", "statuses",
    ]

    mutating func decodePermissions(_ node: YAMLNode) -> Permissions? {
        if let text = node.scalarText {
            guard ["read-all", "write-all"].contains(text) else {
                session.error("'permissions' must be read-all, write-all or a mapping of scopes, found '\(text)'", at: node.location)
                return nil
            }
            return .all(text)
        }
        guard let pairs = session.mapping(node, "'permissions'") else { return nil }
        var scopes: [String: String] = [:]
        for pair in pairs {
            guard let scope = session.keyText(pair, in: "'permissions'") else { continue }
            guard Self.permissionScopes.contains(scope) else {
                let hint = Suggestion.hint(for: scope, in: Self.permissionScopes)
                session.warning(
                    "unknown permission scope '\(scope)'\(hint); Gaara does not issue GITHUB_TOKEN scopes and ignores it", at: pair.key.location)
                continue
            }
            guard let level = session.string(pair.value, "permission '\(scope)'") else { continue }
            let levels = ["read", "write", "none"]
            guard levels.contains(level) else {
                session.error("permission '\(scope)' must be read, write or none, found '\(level)'", at: pair.value.location)
                continue
            }
            scopes[scope] = level
        }
        return .scopes(scopes)
    }

    mutating func decodeConcurrency(_ node: YAMLNode, place: ExpressionPlace) -> Concurrency? {
        if node.scalarText != nil {
            guard let group = session.template(node, "'concurrency'", place: place) else { return nil }
            return Concurrency(group: group, cancelInProgress: nil, location: node.location)
        }
        guard let pairs = session.mapping(node, "'concurrency'") else { return nil }
        var group: WorkflowString?
        var cancel: Dynamic<Bool>?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "'concurrency'") else { continue }
            switch key {
            case "group": group = session.template(pair.value, "'group'", place: place)
            case "cancel-in-progress": cancel = session.dynamicBool(pair.value, "'cancel-in-progress'", place: place)
            default: session.unknownKey(pair.key, allowed: ["group", "cancel-in-progress"], in: "'concurrency'")
            }
        }
        guard let group else {
            if !pairs.contains(where: { $0.key.scalarText == "group" }) {
                session.error("'concurrency' needs a 'group'", at: node.location)
            }
            return nil
        }
        return Concurrency(group: group, cancelInProgress: cancel, location: node.location)
    }
}
