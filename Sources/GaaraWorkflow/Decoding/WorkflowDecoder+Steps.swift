extension WorkflowDecoder {
    static let stepKeys = [
        "id", "name", "if", "uses", "with", "run", "shell", "working-directory", "env", "continue-on-error", "timeout-minutes",
    ]

    mutating func decodeSteps(_ node: YAMLNode, place: ExpressionPlace, ifPlace: ExpressionPlace) -> [Step] {
        guard let items = node.items else {
            session.error("'steps' must be a sequence, found \(node.kindDescription)", at: node.location)
            return []
        }
        if items.isEmpty { session.error("'steps' must hold at least one step", at: node.location) }
        var steps: [Step] = []
        var seenIds: [String: SourceLocation] = [:]
        for item in items {
            guard let step = decodeStep(item, place: place, ifPlace: ifPlace) else { continue }
            if let id = step.id {
                let folded = id.lowercased()
                if let first = seenIds[folded] {
                    session.error("step id '\(id)' is already used by the step at line \(first.line)", at: idLocation(item) ?? item.location)
                } else {
                    seenIds[folded] = idLocation(item) ?? item.location
                }
            }
            steps.append(step)
        }
        return steps
    }

    func idLocation(_ node: YAMLNode) -> SourceLocation? {
        node.pairs?.first { $0.key.scalarText == "id" }?.value.location
    }

    mutating func decodeStep(_ node: YAMLNode, place: ExpressionPlace, ifPlace: ExpressionPlace) -> Step? {
        guard let pairs = session.mapping(node, "each step") else { return nil }
        var step = Step(location: node.location)
        var runLocation: SourceLocation?
        var usesLocation: SourceLocation?
        for pair in pairs {
            guard let key = session.keyText(pair, in: "a step") else { continue }
            let value = pair.value
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
                usesLocation = pair.key.location
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
            default: session.unknownKey(pair.key, allowed: Self.stepKeys, in: "a step")
            }
        }
        if let runLocation, usesLocation != nil {
            session.error("a step cannot have both 'run' and 'uses'", at: runLocation)
        } else if runLocation == nil, usesLocation == nil {
            session.error("a step needs 'run' or 'uses'", at: node.location)
        }
        if session.documentKind == "action", runLocation != nil, step.shell == nil {
            session.error("'shell' is required for 'run' steps in a composite action", at: runLocation!)
        }
        return step
    }
}
