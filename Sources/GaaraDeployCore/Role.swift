/// What a token may do. Each role includes the ones before it:
/// viewer (read everything but secrets) < developer (dispatch, re-run, cancel) < approver
/// (deployment approvals) < admin (repositories, tokens, secrets, protection rules).
///
/// Kept in the deploy core because protection rules name reviewers by role.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer, developer, approver, admin

    private var rank: Int { Role.allCases.firstIndex(of: self)! }

    /// Orders roles by what they may do.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}
