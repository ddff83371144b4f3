import GaaraExpressions

/// libFuzzer entry: parses the input as an expression and as a template, evaluates what parses,
/// and round-trips JSON. Any trap (crash) or hang is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let context = EvaluationContext(contexts: [
        "github": .object([("event_name", .string("push")), ("event", .object([("commits", .array([.object([("message", .string("m"))])]))]))]),
        "matrix": .object([("os", .string("linux"))]),
    ])
    if let syntax = try? ExpressionParser.parse(text) {
        _ = try? ExpressionEvaluator.evaluate(syntax, in: context)
        _ = try? ExpressionEvaluator.evaluateCondition(syntax, in: context)
    }
    if let template = try? Template.parse(text) {
        _ = try? template.evaluate(in: context)
    }
    if let value = try? ExpressionJSON.parse(text) {
        let again = ExpressionJSON.serialize(value)
        _ = try? ExpressionJSON.parse(again)
    }
    _ = ExpressionValue.parseNumber(text)
    return 0
}
