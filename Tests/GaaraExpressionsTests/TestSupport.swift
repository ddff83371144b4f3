import GaaraExpressions

/// Renders a value compactly for table comparisons: strings quoted with single quotes,
/// arrays and objects as compact JSON.
func render(_ value: ExpressionValue) -> String {
    switch value {
    case .string(let text): "'\(text)'"
    case .array, .object: ExpressionJSON.serialize(value, indent: false)
    default: value.coercedString.isEmpty ? "null" : value.coercedString
    }
}

/// A context like a push run's, shared by the evaluation tables.
let sampleContext: EvaluationContext = {
    let event = try! ExpressionJSON.parse(
        """
        {"ref":"refs/heads/main","commits":[{"message":"fix: one","author":{"name":"Ann"}},{"message":"feat: two","author":{"name":"Bo"}}],
         "pull_request":{"labels":[{"name":"bug"},{"name":"ci"}],"number":42,"draft":false},
         "nested":[[1,2],[3,4]],"empty":[]}
        """)
    return EvaluationContext(contexts: [
        "github": .object([
            ("event_name", .string("push")), ("ref", .string("refs/heads/main")), ("ref_name", .string("main")),
            ("sha", .string("abc123")), ("repository", .string("octo/hello")), ("event", event),
            ("run_number", .string("7")),
        ]),
        "env": .object([("GREETING", .string("hello")), ("EMPTY", .string("")), ("NUM", .string("42"))]),
        "matrix": .object([("os", .string("ubuntu-latest")), ("node", .number(20)), ("flags", .array([.string("a"), .string("b")]))]),
        "steps": .object([
            (
                "build",
                .object([("outcome", .string("success")), ("conclusion", .string("success")), ("outputs", .object([("version", .string("1.2.3"))]))])
            ),
            ("test-run", .object([("outcome", .string("failure")), ("conclusion", .string("success")), ("outputs", .object([]))])),
        ]),
        "needs": .object([
            ("setup", .object([("result", .string("success")), ("outputs", .object([("matrix", .string("{\"os\":[\"a\",\"b\"]}"))]))]))
        ]),
        "inputs": .object([("debug", .bool(true)), ("level", .number(3)), ("name", .string("world"))]),
    ])
}()
