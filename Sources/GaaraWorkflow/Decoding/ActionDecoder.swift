/// Decodes an action's metadata file (`action.yml`).
struct ActionDecoder {
    var workflowDecoder: WorkflowDecoder

    static let keys = ["name", "author", "description", "inputs", "outputs", "runs", "branding"]

    init(file: SourceFile) {
        workflowDecoder = WorkflowDecoder(file: file)
        workflowDecoder.session.documentKind = "action"
    }

    var diagnostics: [Diagnostic] { workflowDecoder.session.diagnostics }

    mutating func decode(_ root: YAMLNode) -> ActionMetadata? {
        guard let pairs = workflowDecoder.session.mapping(root, "an action") else { return nil }
        var name: String?
        var description: String?
        var author: String?
        var inputs: [ActionMetadata.Input] = []
        var outputs: [ActionMetadata.Output] = []
        var runs: ActionMetadata.Runs?
        for pair in pairs {
            guard let key = workflowDecoder.session.keyText(pair, in: "the action") else { continue }
            switch key {
            case "name": name = workflowDecoder.session.string(pair.value, "'name'")
            case "description": description = workflowDecoder.session.string(pair.value, "'description'")
            case "author": author = workflowDecoder.session.string(pair.value, "'author'")
            case "inputs": inputs = decodeInputs(pair.value)
            case "outputs": outputs = decodeOutputs(pair.value)
            case "runs": runs = decodeRuns(pair.value)
            case "branding": _ = workflowDecoder.session.mapping(pair.value, "'branding'")
            default: workflowDecoder.session.unknownKey(pair.key, allowed: Self.keys, in: "the action")
            }
        }
        if name == nil, !pairs.contains(where: { $0.key.scalarText == "name" }) {
            workflowDecoder.session.error("an action needs a 'name'", at: root.location)
        }
        guard let runs else {
            if !pairs.contains(where: { $0.key.scalarText == "runs" }) {
                workflowDecoder.session.error("an action needs 'runs'", at: root.location)
            }
            return nil
        }
        return ActionMetadata(
            path: workflowDecoder.session.file.path, name: name ?? "", description: description, author: author, inputs: inputs,
            outputs: outputs, runs: runs)
    }

    mutating func decodeInputs(_ node: YAMLNode) -> [ActionMetadata.Input] {
        guard let pairs = workflowDecoder.session.mapping(node, "'inputs'", allowNull: true) else { return [] }
        var inputs: [ActionMetadata.Input] = []
        for pair in pairs {
            guard let name = workflowDecoder.session.keyText(pair, in: "'inputs'") else { continue }
            var input = ActionMetadata.Input(name: name, required: false)
            for field in workflowDecoder.session.mapping(pair.value, "input '\(name)'", allowNull: true) ?? [] {
                guard let key = workflowDecoder.session.keyText(field, in: "input '\(name)'") else { continue }
                switch key {
                case "description": input.description = workflowDecoder.session.string(field.value, "'description'")
                case "required": input.required = field.value.scalarType == .bool(true)
                case "default": input.defaultValue = workflowDecoder.session.template(field.value, "'default'", place: .actionInputDefault)
                case "deprecationMessage": input.deprecationMessage = workflowDecoder.session.string(field.value, "'deprecationMessage'")
                default:
                    workflowDecoder.session.unknownKey(
                        field.key, allowed: ["description", "required", "default", "deprecationMessage"], in: "input '\(name)'")
                }
            }
            inputs.append(input)
        }
        return inputs
    }

    mutating func decodeOutputs(_ node: YAMLNode) -> [ActionMetadata.Output] {
        guard let pairs = workflowDecoder.session.mapping(node, "'outputs'", allowNull: true) else { return [] }
        var outputs: [ActionMetadata.Output] = []
        for pair in pairs {
            guard let name = workflowDecoder.session.keyText(pair, in: "'outputs'") else { continue }
            var output = ActionMetadata.Output(name: name)
            for field in workflowDecoder.session.mapping(pair.value, "output '\(name)'", allowNull: true) ?? [] {
                guard let key = workflowDecoder.session.keyText(field, in: "output '\(name)'") else { continue }
                switch key {
                case "description": output.description = workflowDecoder.session.string(field.value, "'description'")
                case "value": output.value = workflowDecoder.session.template(field.value, "'value'", place: .actionStep)
                default: workflowDecoder.session.unknownKey(field.key, allowed: ["description", "value"], in: "output '\(name)'")
                }
            }
            outputs.append(output)
        }
        return outputs
    }

    mutating func decodeRuns(_ node: YAMLNode) -> ActionMetadata.Runs? {
        guard let pairs = workflowDecoder.session.mapping(node, "'runs'") else { return nil }
        guard let usingNode = node["using"], let using = workflowDecoder.session.string(usingNode, "'using'") else {
            workflowDecoder.session.error("'runs' needs 'using' (composite, node20, node24 or docker)", at: node.location)
            return nil
        }
        var fields: [String: String] = [:]
        var steps: [Step] = []
        var arguments: [WorkflowString] = []
        var env = ValueMap()
        let allowed: [String]
        switch using {
        case "composite": allowed = ["using", "steps"]
        case "docker": allowed = ["using", "image", "entrypoint", "args", "env", "pre-entrypoint", "post-entrypoint", "pre-if", "post-if"]
        case "node12", "node16", "node20", "node24": allowed = ["using", "main", "pre", "post", "pre-if", "post-if"]
        default:
            workflowDecoder.session.error("unknown 'using: \(using)'; use composite, node20, node24 or docker", at: usingNode.location)
            return nil
        }
        for pair in pairs {
            guard let key = workflowDecoder.session.keyText(pair, in: "'runs'") else { continue }
            guard allowed.contains(key) else {
                workflowDecoder.session.unknownKey(pair.key, allowed: allowed, in: "'runs' of a \(using) action")
                continue
            }
            switch key {
            case "steps": steps = workflowDecoder.decodeSteps(pair.value, place: .actionStep, ifPlace: .actionStepIf)
            case "args":
                arguments = (pair.value.items ?? []).compactMap { workflowDecoder.session.template($0, "each argument", place: .actionStep) }
            case "env": env = workflowDecoder.session.valueMap(pair.value, "'env'", place: .actionStep)
            default: fields[key] = workflowDecoder.session.string(pair.value, "'\(key)'")
            }
        }
        switch using {
        case "composite":
            if !pairs.contains(where: { $0.key.scalarText == "steps" }) {
                workflowDecoder.session.error("a composite action needs 'steps'", at: node.location)
            }
            return .composite(steps)
        case "docker":
            guard let image = fields["image"] else {
                workflowDecoder.session.error("a docker action needs 'image'", at: node.location)
                return nil
            }
            return .docker(
                image: image, entrypoint: fields["entrypoint"], arguments: arguments, env: env, preEntrypoint: fields["pre-entrypoint"],
                postEntrypoint: fields["post-entrypoint"])
        default:
            guard let main = fields["main"] else {
                workflowDecoder.session.error("a \(using) action needs 'main'", at: node.location)
                return nil
            }
            return .node(version: using, main: main, pre: fields["pre"], post: fields["post"], preIf: fields["pre-if"], postIf: fields["post-if"])
        }
    }
}

/// Loads action metadata (`action.yml`).
public enum ActionLoader {
    /// The result of loading an action file.
    public struct Result: Sendable {
        /// The file that was read.
        public let file: SourceFile
        /// The decoded metadata, nil when it is unusable.
        public let action: ActionMetadata?
        /// Every problem, in file order.
        public let diagnostics: [Diagnostic]

        /// True when any diagnostic is an error.
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// Loads and validates an action's metadata from its text.
    public static func load(text: String, path: String) -> Result {
        let file = SourceFile(path: path, text: text)
        let (root, yamlError) = YAMLLoader.load(file)
        guard let root else {
            return Result(file: file, action: nil, diagnostics: yamlError.map { [$0] } ?? [])
        }
        var decoder = ActionDecoder(file: file)
        let action = decoder.decode(root)
        return Result(file: file, action: action, diagnostics: WorkflowLoader.sorted(decoder.diagnostics))
    }
}
