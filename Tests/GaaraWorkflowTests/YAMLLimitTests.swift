import GaaraWorkflow
import Testing

/// YAML that expands without bound is refused with a position, quickly and in little memory
/// (issue #21, item 3: a 494-byte alias bomb took the server to 7.6 GB).
struct YAMLLimitTests {
    /// `levels` levels of `fanout` aliases each: fanout^levels scalars from a few hundred bytes.
    static func bomb(levels: Int, fanout: Int) -> String {
        var lines = ["on: push", "a0: &a0 [" + Array(repeating: "\"lol\"", count: fanout).joined(separator: ",") + "]"]
        for level in 1..<levels {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: fanout).joined(separator: ",") + "]")
        }
        lines.append("jobs: {b: {runs-on: x, steps: [{run: echo}], env: {X: *a\(levels - 1)}}}")
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(9, 9), (30, 2), (4, 500)])
    func aliasBombsAreRefusedWithAPosition(_ levels: Int, _ fanout: Int) {
        let text = Self.bomb(levels: levels, fanout: fanout)
        let result = WorkflowLoader.load(text: text, path: "bomb.yml")
        let error = result.diagnostics.first { $0.severity == .error }
        #expect(result.workflow == nil)
        #expect(error?.message.contains("expands to more than") == true, "\(result.diagnostics)")
        #expect((error?.location.line ?? 0) >= 2)
    }

    @Test func aliasesWithinTheBudgetStillWork() {
        let text = """
            on: push
            env: &common {A: "1", B: "2"}
            jobs:
              b: {runs-on: x, env: *common, steps: [{run: echo}]}
            """
        let result = WorkflowLoader.load(text: text, path: "ok.yml")
        #expect(!result.hasErrors, "\(result.diagnostics)")
    }

    @Test func hugeScalarsRepeatedByAliasesAreRefused() {
        let big = String(repeating: "x", count: 1024 * 1024)
        let text = "on: push\nbig: &big \"\(big)\"\nlist: [" + Array(repeating: "*big", count: 100).joined(separator: ",") + "]\n"
        let result = WorkflowLoader.load(text: text, path: "big.yml")
        #expect(result.diagnostics.contains { $0.message.contains("expands to more than") }, "\(result.diagnostics.map(\.message))")
    }
}
