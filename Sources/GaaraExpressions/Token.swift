/// A lexical token of an expression.
struct Token: Sendable, Equatable {
    /// What kind of token this is.
    enum Kind: Sendable, Equatable {
        case null
        case boolean(Bool)
        case number(Double)
        case string(String)
        /// A context name or function name (a keyword not after a dot).
        case identifier(String)
        /// A property name after a dot.
        case propertyName(String)
        case startGroup, endGroup, startIndex, endIndex, separator, dereference, wildcard
        case not, equal, notEqual, less, lessOrEqual, greater, greaterOrEqual, and, or
        /// A character sequence that is not a token.
        case unexpected
    }

    let kind: Kind
    /// The text of the token as written.
    let raw: String
    /// The zero-based offset of the token in the expression, in Unicode scalars.
    let offset: Int
}
