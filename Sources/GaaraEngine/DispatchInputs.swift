import GaaraWorkflow

/// Why the inputs given to a `workflow_dispatch` are refused, as GitHub refuses them.
public struct DispatchInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the input.
    public let message: String

    /// Creates an error.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// The inputs of a `workflow_dispatch` checked against what the workflow declares (the server's
/// dispatch API, the dashboard's form and `gaara run workflow_dispatch` all check them here).
public enum DispatchInputs {
    /// The values by input name, defaults filled in; throws for a required input left empty, a
    /// boolean that is not `true`/`false`, a number that is none, a choice not among its options,
    /// and (with `refuseUnknown`) a name the workflow does not declare.
    public static func check(
        _ declared: [WorkflowInput], given: [String: String], workflow: String, refuseUnknown: Bool = true
    ) throws(DispatchInputError) -> [String: String] {
        var typed: [String: String] = [:]
        for input in declared {
            let value = given[input.name] ?? input.defaultValue?.raw
            if input.required, value == nil || value == "" {
                throw DispatchInputError(message: "input '\(input.name)' is required")
            }
            guard let value else { continue }
            switch input.type {
            case .boolean where !["true", "false"].contains(value.lowercased()):
                throw DispatchInputError(message: "input '\(input.name)' must be true or false, not '\(value)'")
            case .number where Double(value) == nil:
                throw DispatchInputError(message: "input '\(input.name)' must be a number, not '\(value)'")
            case .choice where !input.options.isEmpty && !input.options.contains(value):
                throw DispatchInputError(message: "input '\(input.name)' must be one of \(input.options.joined(separator: ", ")), not '\(value)'")
            default: typed[input.name] = value
            }
        }
        if refuseUnknown, let unknown = given.keys.sorted().first(where: { name in !declared.contains { $0.name == name } }) {
            throw DispatchInputError(message: "\(workflow) declares no input '\(unknown)'")
        }
        return typed
    }
}
