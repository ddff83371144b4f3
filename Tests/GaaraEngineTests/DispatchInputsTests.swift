import GaaraEngine
import GaaraWorkflow
import Testing

/// `workflow_dispatch` inputs checked as GitHub checks them, for the server and `gaara run` alike.
@Suite struct DispatchInputsTests {
    static let inputs: [WorkflowInput] = {
        let text = """
            on:
              workflow_dispatch:
                inputs:
                  target: {type: choice, options: [staging, production], required: true}
                  dry-run: {type: boolean, default: false}
                  count: {type: number, default: 3}
                  note: {type: string}
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: "true"
            """
        return WorkflowLoader.load(text: text, path: "d.yml").workflow?.triggers["workflow_dispatch"]?.inputs ?? []
    }()

    @Test func defaultsFillInAndGivenValuesStay() throws {
        #expect(Self.inputs.count == 4)
        let typed = try DispatchInputs.check(Self.inputs, given: ["target": "production", "note": "hi"], workflow: "d.yml")
        #expect(typed == ["target": "production", "dry-run": "false", "count": "3", "note": "hi"])
    }

    @Test(arguments: [
        ([String: String](), "input 'target' is required"),
        (["target": ""], "input 'target' is required"),
        (["target": "prod"], "input 'target' must be one of staging, production, not 'prod'"),
        (["target": "staging", "dry-run": "yes"], "input 'dry-run' must be true or false, not 'yes'"),
        (["target": "staging", "count": "three"], "input 'count' must be a number, not 'three'"),
        (["target": "staging", "colour": "red"], "d.yml declares no input 'colour'"),
    ])
    func wrongInputsAreRefusedNamingTheInput(_ given: [String: String], _ message: String) {
        #expect(throws: DispatchInputError(message: message)) { try DispatchInputs.check(Self.inputs, given: given, workflow: "d.yml") }
    }

    @Test func anUnknownInputMayBeAllowedWhenSeveralWorkflowsAreDispatched() throws {
        let typed = try DispatchInputs.check(Self.inputs, given: ["target": "staging", "colour": "red"], workflow: "d.yml", refuseUnknown: false)
        #expect(typed["colour"] == nil && typed["target"] == "staging")
    }
}
