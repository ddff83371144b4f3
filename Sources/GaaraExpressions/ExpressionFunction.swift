/// The functions of the expression language, with their arity.
public enum ExpressionFunction: String, Sendable, CaseIterable {
    case contains
    case startsWith
    case endsWith
    case format
    case join
    case toJSON
    case fromJSON
    case hashFiles
    case success
    case always
    case cancelled
    case failure

    /// Looks a function up by name, case-insensitively as GitHub does.
    public init?(name: String) {
        let folded = name.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == folded }) else { return nil }
        self = match
    }

    /// The least and greatest number of arguments.
    public var arity: ClosedRange<Int> {
        switch self {
        case .contains, .startsWith, .endsWith: 2...2
        case .format, .hashFiles: 1...255
        case .join: 1...2
        case .toJSON, .fromJSON: 1...1
        case .success, .always, .cancelled, .failure: 0...0
        }
    }

    /// True for the job-status functions, which only `if` conditions may call.
    public var isStatusFunction: Bool {
        switch self {
        case .success, .always, .cancelled, .failure: true
        default: false
        }
    }
}
