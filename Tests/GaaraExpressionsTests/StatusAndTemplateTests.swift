import GaaraExpressions
import Testing

/// (condition, job status, expected run decision): an `if` without a status function means
/// `success() && (...)`.
let conditionCases: [(String, JobStatus, Bool)] = [
    ("true", .success, true),
    ("true", .failure, false),
    ("true", .cancelled, false),
    ("always()", .failure, true),
    ("always()", .cancelled, true),
    ("failure()", .failure, true),
    ("failure()", .success, false),
    ("failure()", .cancelled, false),
    ("cancelled()", .cancelled, true),
    ("cancelled()", .success, false),
    ("success()", .success, true),
    ("success() || failure()", .failure, true),
    ("!cancelled()", .failure, true),
    ("github.event_name == 'push'", .failure, false),
    ("failure() && github.event_name == 'push'", .failure, true),
    ("''", .success, false),
    ("'false'", .success, true),
]

@Test(arguments: conditionCases)
func conditionsApplyImplicitSuccess(_ testCase: (String, JobStatus, Bool)) throws {
    let (condition, status, expected) = testCase
    var context = sampleContext
    context.status = status
    let syntax = try ExpressionParser.parse(condition)
    #expect(try ExpressionEvaluator.evaluateCondition(syntax, in: context) == expected, "\(condition) with \(status)")
}

@Test func templatesKeepTypeOfASoleExpression() throws {
    let sole = try Template.parse("${{ fromJSON('[1,2]') }}")
    #expect(render(try sole.evaluate(in: sampleContext)) == "[1,2]")
    let number = try Template.parse("${{ inputs.level }}")
    #expect(render(try number.evaluate(in: sampleContext)) == "3")
}

@Test func templatesInterpolateStrings() throws {
    let template = try Template.parse("Hello ${{ inputs.name }} on ${{matrix.os}}!")
    #expect(try template.evaluateString(in: sampleContext) == "Hello world on ubuntu-latest!")
    let padded = try Template.parse(" ${{ inputs.level }}")
    #expect(render(try padded.evaluate(in: sampleContext)) == "' 3'")
    let braces = try Template.parse("${{ '}}' }} and ${{ format('{{0}}') }}")
    #expect(try braces.evaluateString(in: sampleContext) == "}} and {0}")
    #expect(!(try Template.parse("plain text")).hasExpressions)
}

@Test func templateErrorsPointInsideTheString() {
    #expect {
        _ = try Template.parse("echo ${{ github.ref = 'x' }}")
    } throws: { error in
        (error as? ExpressionSyntaxError)?.offset == 20
    }
    #expect {
        _ = try Template.parse("echo ${{ github.ref")
    } throws: { error in
        (error as? ExpressionSyntaxError)?.offset == 5
    }
}
