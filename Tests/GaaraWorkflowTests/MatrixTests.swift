import GaaraExpressions
import GaaraWorkflow
import Testing

func matrix(_ json: String) throws -> [String] {
    try MatrixExpander.expand(ExpressionJSON.parse(json)).map { ExpressionJSON.serialize(.object($0), indent: false) }
}

@Test func cartesianProductInKeyOrder() throws {
    #expect(try matrix(#"{"os":["a","b"],"v":[1,2]}"#) == [#"{"os":"a","v":1}"#, #"{"os":"a","v":2}"#, #"{"os":"b","v":1}"#, #"{"os":"b","v":2}"#])
}

/// GitHub's documented example: "Expanding or adding matrix configurations".
@Test func includeFollowsGitHubsDocumentedExample() throws {
    let result = try matrix(
        #"""
        {"fruit":["apple","pear"],"animal":["cat","dog"],
         "include":[{"color":"green"},{"color":"pink","animal":"cat"},{"fruit":"apple","shape":"circle"},
                    {"fruit":"banana"},{"fruit":"banana","animal":"cat"}]}
        """#)
    #expect(
        result == [
            #"{"fruit":"apple","animal":"cat","color":"pink","shape":"circle"}"#,
            #"{"fruit":"apple","animal":"dog","color":"green","shape":"circle"}"#,
            #"{"fruit":"pear","animal":"cat","color":"pink"}"#,
            #"{"fruit":"pear","animal":"dog","color":"green"}"#,
            #"{"fruit":"banana"}"#,
            #"{"fruit":"banana","animal":"cat"}"#,
        ])
}

/// GitHub's documented example: "Excluding matrix configurations".
@Test func excludeRemovesPartialMatches() throws {
    let result = try matrix(
        #"""
        {"os":["macos-latest","windows-latest"],"version":[12,14,16],"environment":["staging","production"],
         "exclude":[{"os":"macos-latest","version":12,"environment":"production"},{"os":"windows-latest","version":16}]}
        """#)
    #expect(result.count == 12 - 1 - 2)
    #expect(!result.contains(#"{"os":"windows-latest","version":16,"environment":"staging"}"#))
}

@Test func includeOnlyMatrixAndObjectValues() throws {
    #expect(try matrix(#"{"include":[{"a":1},{"a":2,"b":"x"}]}"#) == [#"{"a":1}"#, #"{"a":2,"b":"x"}"#])
    #expect(try matrix(#"{"cfg":[{"cc":"gcc"},{"cc":"clang"}],"exclude":[{"cfg":{"cc":"gcc"}}]}"#) == [#"{"cfg":{"cc":"clang"}}"#])
}

@Test func matrixErrors() {
    #expect(throws: MatrixExpander.Failure.self) { try matrix(#"{"a":"not-an-array"}"#) }
    #expect(throws: MatrixExpander.Failure.self) { try matrix(#"{"a":[]}"#) }
    #expect(throws: MatrixExpander.Failure.self) { try matrix(#"{"include":["x"]}"#) }
    #expect(throws: MatrixExpander.Failure.self) { try matrix(#"[1]"#) }
    let big = "[" + (1...17).map(String.init).joined(separator: ",") + "]"
    #expect(throws: MatrixExpander.Failure.self) { try matrix(#"{"a":\#(big),"b":\#(big)}"#) }
}
