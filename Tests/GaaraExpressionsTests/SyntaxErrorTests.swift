import GaaraExpressions
import Testing

/// Expression → (expected message prefix, expected zero-based offset).
let syntaxErrorCases: [(String, String, Int)] = [
    ("github.ref = 'main'", "unexpected symbol '='", 11),
    ("a & b", "unexpected symbol '&'", 2),
    ("a | b", "unexpected symbol '|'", 2),
    ("'unterminated", "unterminated string", 0),
    ("\"double\"", "unexpected symbol '\"double\"'", 0),
    ("1 +", "unexpected symbol '+'", 2),
    ("(1 == 1", "unexpected end of expression", 7),
    ("1 == 1)", "unexpected symbol ')'", 6),
    ("github.", "unexpected end of expression", 7),
    ("github..ref", "unexpected symbol '.'", 7),
    ("nosuch(1)", "unrecognized function 'nosuch'", 0),
    ("contains('a')", "too few arguments for contains()", 0),
    ("startsWith('a', 'b', 'c')", "too many arguments for startsWith()", 0),
    ("success(1)", "too many arguments for success()", 0),
    ("format()", "too few arguments for format()", 0),
    ("toJSON()", "too few arguments for toJSON()", 0),
    ("'abc'[0]", "unexpected symbol '['", 5),
    ("1.foo", "unexpected symbol '1.foo'", 0),
    ("a b", "unexpected symbol 'b'", 2),
    ("", "expected an expression", 0),
    ("!", "unexpected end of expression", 1),
    ("a[", "unexpected end of expression", 2),
    ("a[1", "unexpected end of expression", 3),
    ("fromJSON('x'", "unexpected end of expression", 12),
    ("contains('a',)", "unexpected symbol ')'", 13),
    ("==", "unexpected symbol '=='", 0),
    ("1 == == 2", "unexpected symbol '=='", 5),
    ("github.*foo", "unexpected symbol 'foo'", 8),
    ("9abc", "unexpected symbol '9abc'", 0),
    ("$x", "unexpected symbol '$x'", 0),
]

@Test(arguments: syntaxErrorCases)
func reportsSyntaxErrors(_ testCase: (String, String, Int)) {
    let (expression, message, offset) = testCase
    #expect {
        _ = try ExpressionParser.parse(expression)
    } throws: { error in
        guard let error = error as? ExpressionSyntaxError else { return false }
        #expect(error.message.hasPrefix(message), "\(expression): \(error.message)")
        #expect(error.offset == offset, "\(expression): offset \(error.offset)")
        return true
    }
}

@Test func rejectsOverlongAndOverdeepExpressions() {
    #expect(throws: ExpressionSyntaxError.self) { try ExpressionParser.parse(String(repeating: "a", count: 21_001)) }
    #expect(throws: ExpressionSyntaxError.self) { try ExpressionParser.parse(String(repeating: "!", count: 60) + "true") }
    #expect(throws: ExpressionSyntaxError.self) {
        try ExpressionParser.parse(String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60))
    }
}

/// Runtime errors: bad format strings and invalid JSON.
@Test(arguments: [
    "format('{0')",
    "format('{a}', 1)",
    "format('}')",
    "format('{1}', 'only one')",
    "format('{0}')",
    "fromJSON('{')",
    "fromJSON('')",
    "fromJSON('[1,]')",
    "fromJSON('tru')",
    "fromJSON('{\"a\" 1}')",
    "hashFiles('**/*.lock')",
])
func reportsEvaluationErrors(_ expression: String) {
    #expect(throws: ExpressionEvaluationError.self) { try ExpressionEvaluator.evaluate(expression, in: sampleContext) }
}
