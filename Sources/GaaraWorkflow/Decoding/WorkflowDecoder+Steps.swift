extension WorkflowDecoder {
    static let stepKeys = [
        "id", "name", "if", "uses", "with", "run", "shell", "working-directory", "env", "continue-on-error", "timeout-minutes", "background",
        "wait", "wait-all", "cancel", "parallel",
    ]
    /// The keys a `wait`, `wait-all` or `cancel` step may have besides its own (GitHub's schema):
    /// they always run, so no `if`.
    static let controlKeys: Set<String> = ["id", "name", "continue-on-error"]
    /// What makes a step what it is; a step has exactly one.
    static let kindKeys = ["run", "uses", "wait", "wait-all", "cancel", "parallel"]

    mutating func decodeSteps(_ node: YAMLNode, place: ExpressionPlace, ifPlace: ExpressionPlace) -> [Step] {
        guard let items = node.items else {
            session.error("'steps' must be a sequence, found \(node.kindDescription)", at: node.location)
            return []
        }
        if items.isEmpty { session.error("'steps' must hold at least one step", at: node.location) }
        var seenIds: [String: SourceLocation] = [:]
        return decodeStepList(items, place: place, ifPlace: ifPlace, seenIds: &seenIds)
    }

    /// Decodes steps in order; a `wait` or `cancel` may name only a step of this list written
    /// before it (not one inside a `parallel` group: the group waited for those already).
    private mutating func decodeStepList(
        _ items: [YAMLNode], place: ExpressionPlace, ifPlace: ExpressionPlace, seenIds: inout [String: SourceLocation]
    ) -> [Step] {
        var steps: [Step] = []
        var known: Set<String> = []
        for item in items {
            guard let step = decodeStep(item, place: place, ifPlace: ifPlace) else { continue }
            checkTargets(step, item, known: known)
            if case .parallel(let group) = step.control, let groupItems = item["parallel"]?.items {
                // One `steps` context for the whole job: ids stay unique across groups too.
                for (member, node) in zip(group, groupItems) { remember(member, node, seenIds: &seenIds) }
            }
            remember(step, item, seenIds: &seenIds)
            if let id = step.id { known.insert(id) }
            steps.append(step)
        }
        return steps
    }

    /// Records a step's id; reports one used before.
    private mutating func remember(_ step: Step, _ node: YAMLNode, seenIds: inout [String: SourceLocation]) {
        guard let id = step.id else { return }
        let folded = id.lowercased()
        if let first = seenIds[folded] {
            session.error("step id '\(id)' is already used by the step at line \(first.line)", at: idLocation(node) ?? node.location)
        } else {
            seenIds[folded] = idLocation(node) ?? node.location
        }
    }

    /// `wait` and `cancel` name steps written before them (GitHub matches ids exactly here), not
    /// themselves, and not GitHub's reserved `__` ids.
    private mutating func checkTargets(_ step: Step, _ node: YAMLNode, known: Set<String>) {
        let key: String
        switch step.control {
        case .wait: key = "wait"
        case .cancel: key = "cancel"
        default: return
        }
        guard let value = node[key] else { return }
        for target in value.items ?? [value] {
            guard let id = target.scalarText, !id.isEmpty else { continue }
            if id.contains("${{") {
                session.error("'\(key)' takes step ids as written: expressions are not allowed here", at: target.location)
            } else if id.hasPrefix("__") {
                session.error("'\(key)' cannot name '\(id)': step ids starting with '__' are reserved", at: target.location)
            } else if let own = step.id, own.lowercased() == id.lowercased() {
                session.error("step '\(own)' cannot \(key == "wait" ? "wait for" : "cancel") itself", at: target.location)
            } else if !known.contains(id) {
                session.error(
                    "'\(key)' names the unknown step id '\(id)': it must be the id of a step written before it\(Suggestion.hint(for: id, in: known))",
                    at: target.location)
            }
        }
    }

    func idLocation(_ node: YAMLNode) -> SourceLocation? {
        node.pairs?.first { $0.key.scalarText == "id" }?.value.location
    }

    mutating func decodeStep(_ node: YAMLNode, place: ExpressionPlace, ifPlace: ExpressionPlace, inParallel: Bool = false) -> Step? {
        guard let pairs = session.mapping(node, "each step") else { return nil }
        var step = Step(location: node.location)
        var kinds: [(String, SourceLocation)] = []
        var runLocation: SourceLocation?
        var backgroundLocation: SourceLocation?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "a step") else { continue }
            let value = pair.value
            if Self.kindKeys.contains(key) { kinds.append((key, pair.key.location)) }
            switch key {
            case "id":
                guard let id = session.string(value, "'id'") else { continue }
                if !Self.isValidIdentifier(id) {
                    session.error("step id '\(id)' must start with a letter or '_' and hold only letters, digits, '-' and '_'", at: value.location)
                }
                step.id = id
            case "name": step.name = session.template(value, "'name'", place: place)
            case "if": step.condition = session.condition(value, place: ifPlace)
            case "uses":
                guard let text = session.string(value, "'uses'") else { continue }
                if text.contains("${{") {
                    session.error("'uses' cannot hold expressions; name the action literally", at: value.location)
                    continue
                }
                guard let reference = ActionReference(text, location: value.location) else {
                    session.error(
                        "'uses' must be ./path, $/path (inside the repository), docker://image or owner/repo[/path]@ref, found '\(text)'",
                        at: value.location)
                    continue
                }
                step.uses = reference
            case "with": step.with = session.valueMap(value, "'with'", place: place)
            case "run":
                runLocation = pair.key.location
                step.run = session.template(value, "'run'", place: place)
            case "shell": step.shell = session.string(value, "'shell'")
            case "working-directory": step.workingDirectory = session.template(value, "'working-directory'", place: place)
            case "env": step.env = session.valueMap(value, "'env'", place: place)
            case "continue-on-error": step.continueOnError = session.dynamicBool(value, "'continue-on-error'", place: place)
            case "timeout-minutes": step.timeoutMinutes = session.dynamicNumber(value, "'timeout-minutes'", place: place)
            case "background":
                backgroundLocation = pair.key.location
                // A literal, as in GitHub's schema: the job must know before it starts the step.
                step.background = session.bool(value, "'background'") ?? false
            case "wait":
                guard let targets = session.stringList(value, "'wait'") else { continue }
                if targets.isEmpty { session.error("'wait' must name at least one step id", at: value.location) }
                for (target, location) in targets where target.isEmpty { session.error("'wait' cannot name an empty step id", at: location) }
                step.control = .wait(targets.map(\.0))
            case "wait-all":
                // A bare `wait-all:` or `wait-all: true`.
                if value.scalarType != .null, value.scalarType != .bool(true) {
                    session.error(
                        "the value of 'wait-all' must be true or omitted, found \(value.scalarText.map { "'\($0)'" } ?? value.kindDescription)",
                        at: value.location)
                }
                step.control = .waitAll
            case "cancel":
                guard let target = session.string(value, "'cancel'") else { continue }
                if target.isEmpty { session.error("'cancel' must name a step id", at: value.location) }
                step.control = .cancel(target)
            case "parallel": step.control = .parallel(decodeParallel(value, place: place, ifPlace: ifPlace))
            default: session.unknownKey(pair.key, allowed: Self.stepKeys, in: "a step")
            }
        }
        checkKind(step, pairs: pairs, kinds: kinds, node: node, backgroundLocation: backgroundLocation, inParallel: inParallel)
        if session.documentKind == "action", let runLocation, step.shell == nil {
            session.error("'shell' is required for 'run' steps in a composite action", at: runLocation)
        }
        return step
    }

    /// One kind per step, and only the keys that kind has (GitHub's workflow schema: `wait`,
    /// `wait-all` and `cancel` steps have a name, an id and continue-on-error; a `parallel` step has
    /// nothing else; `background` goes on `run` and `uses` steps).
    private mutating func checkKind(
        _ step: Step, pairs: [YAMLNode.Pair], kinds: [(String, SourceLocation)], node: YAMLNode, backgroundLocation: SourceLocation?,
        inParallel: Bool
    ) {
        guard let (kind, location) = kinds.first else {
            session.error("a step needs 'run' or 'uses' (or is a 'wait', 'wait-all', 'cancel' or 'parallel' step)", at: node.location)
            return
        }
        if kinds.count > 1 {
            let (second, secondLocation) = kinds[1]
            if Set([kind, second]) == ["run", "uses"] {
                session.error("a step cannot have both 'run' and 'uses'", at: kind == "run" ? location : secondLocation)
            } else {
                session.error("a step cannot have both '\(kind)' and '\(second)': it is one kind of step", at: secondLocation)
            }
            return
        }
        let isControl = kind != "run" && kind != "uses"
        if isControl, session.documentKind == "action" {
            session.error(
                "'\(kind)' is not allowed in a composite action's steps: a composite action can run as a background step, but cannot declare background steps itself",
                at: location)
            return
        }
        if let backgroundLocation {
            if session.documentKind == "action" {
                session.error(
                    "'background' is not allowed in a composite action's steps: a composite action can run as a background step, but cannot declare background steps itself",
                    at: backgroundLocation)
            } else if inParallel {
                session.error(
                    "'background' is not allowed inside a parallel block: its steps run as background steps already", at: backgroundLocation)
            } else if isControl {
                session.error("'background' goes on 'run' and 'uses' steps, not on a '\(kind)' step", at: backgroundLocation)
            }
        }
        if inParallel, isControl {
            session.error(
                kind == "parallel" ? "nested 'parallel' blocks are not allowed" : "'\(kind)' is not allowed inside a parallel block", at: location)
            return
        }
        guard isControl else { return }
        let allowed: Set<String> = kind == "parallel" ? ["parallel"] : Self.controlKeys.union([kind])
        for pair in pairs {
            guard let key = pair.key.scalarText, !allowed.contains(key), Self.stepKeys.contains(key), key != "background" else { continue }
            let why =
                kind == "parallel"
                ? "a 'parallel' step holds only its list of steps"
                : key == "if" ? "a '\(kind)' step always runs" : "a '\(kind)' step has only 'name', 'id' and 'continue-on-error'"
            session.error("'\(key)' is not allowed on a '\(kind)' step: \(why)", at: pair.key.location)
        }
    }

    /// `parallel:`: a non-empty list of `run` and `uses` steps.
    private mutating func decodeParallel(_ node: YAMLNode, place: ExpressionPlace, ifPlace: ExpressionPlace) -> [Step] {
        guard let items = node.items else {
            session.error("'parallel' must be a sequence of steps, found \(node.kindDescription)", at: node.location)
            return []
        }
        if items.isEmpty { session.error("'parallel' must hold at least one step", at: node.location) }
        var steps: [Step] = []
        for item in items {
            if let step = decodeStep(item, place: place, ifPlace: ifPlace, inParallel: true) { steps.append(step) }
        }
        return steps
    }
}
