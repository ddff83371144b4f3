import Foundation
import GaaraWorkflow
import Testing

/// GitHub's background and parallel steps (issue #14) as the decoder reads them: the model of a
/// valid workflow, and the composite-action rule the invalid fixtures cannot show.
@Suite struct BackgroundStepsDecodingTests {
    @Test func aWorkflowWithEveryKindOfStepDecodes() throws {
        let result = WorkflowLoader.load(
            text: """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - id: server
                        name: Start server
                        run: npm start
                        background: true
                      - id: build-frontend
                        uses: ./.github/actions/build
                        background: true
                        continue-on-error: true
                      - wait: [server, build-frontend]
                        name: Both
                        id: both
                        continue-on-error: true
                      - wait: server
                      - wait-all:
                      - wait-all: true
                      - cancel: server
                      - parallel:
                          - run: npm run build:docs
                          - id: types
                            uses: ./.github/actions/types
                            if: github.event_name == 'push'
                          - name: Lint
                            run: npm run lint
                            timeout-minutes: 5
                      - run: npm test
                        background: false
                """, path: "ci.yml")
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.description))")
        let steps = try #require(result.workflow?.jobs.first?.steps)
        #expect(steps.count == 9)
        #expect(steps[0].background && steps[0].run != nil && steps[0].control == nil)
        #expect(steps[1].background && steps[1].uses != nil)
        guard case .wait(let both)? = steps[2].control else {
            Issue.record("\(steps[2])")
            return
        }
        #expect(both == ["server", "build-frontend"] && steps[2].id == "both" && steps[2].continueOnError != nil)
        guard case .wait(let one)? = steps[3].control, case .waitAll? = steps[4].control, case .waitAll? = steps[5].control,
            case .cancel(let target)? = steps[6].control, case .parallel(let group)? = steps[7].control
        else {
            Issue.record("\(steps)")
            return
        }
        #expect(one == ["server"] && target == "server")
        #expect(group.count == 3 && group[1].id == "types" && group[1].condition != nil && group[2].timeoutMinutes != nil)
        #expect(steps[7].expanded.count == 3 && steps[8].expanded.count == 1)
        #expect(!steps[8].background)
        #expect(steps[3].displayName == "Wait" && steps[4].displayName == "Wait for all" && steps[6].displayName == "Cancel")
        #expect(steps[7].displayName == "Parallel group" && steps[2].displayName == "Both")
    }

    /// Public workflows that use the keys (vuejs/core's, under Fixtures/public): they validate with
    /// no error (warnings only: remote actions not built into Gaara, a Windows runner), and their groups decode with their steps and the ids later steps read.
    @Test func publicWorkflowsWithParallelGroupsValidate() throws {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/public")
        var groups: [String: [[String]]] = [:]
        for name in ["vuejs-core-test.yml", "vuejs-core-size-report.yml"] {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let result = WorkflowLoader.load(text: text, path: name)
            #expect(!result.hasErrors, "\(name): \(result.diagnostics.map(\.description))")
            #expect(result.diagnostics.allSatisfy { $0.severity == .warning }, "\(result.diagnostics)")
            for job in result.workflow?.jobs ?? [] {
                for step in job.steps {
                    guard case .parallel(let members) = step.control else { continue }
                    groups[name, default: []].append(members.map { $0.id ?? $0.name?.raw ?? "" })
                }
            }
        }
        #expect(
            groups["vuejs-core-test.yml"] == [["Run compiler unit tests", "Run ssr unit tests"], ["Run eslint", "Run prettier"]], "\(groups)")
        #expect(groups["vuejs-core-size-report.yml"] == [["pr-number", "pr-base"]], "\(groups)")
    }

    @Test func aCompositeActionCannotDeclareBackgroundSteps() {
        let result = ActionLoader.load(
            text: """
                name: Services
                runs:
                  using: composite
                  steps:
                    - run: ./start-db
                      shell: bash
                      background: true
                    - wait-all:
                    - parallel:
                        - run: make
                          shell: bash
                """, path: "action.yml")
        let messages = result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
        let rule = "a composite action can run as a background step, but cannot declare background steps itself"
        #expect(
            messages == [
                "7:7: 'background' is not allowed in a composite action's steps: \(rule)",
                "8:7: 'wait-all' is not allowed in a composite action's steps: \(rule)",
                "9:7: 'parallel' is not allowed in a composite action's steps: \(rule)",
            ], "\(messages)")
    }
}
