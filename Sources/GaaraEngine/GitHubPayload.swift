import GaaraExpressions

/// The parts of GitHub-shaped event payloads (`github.event`) that `gaara run` and the server
/// both build: a push, its commits, the sender. Pure: callers read git, this only shapes values.
public enum GitHubPayload {
    /// A `push` payload for one ref update.
    ///
    /// `created` is the caller's: the server knows a ref is new (`before` is ``GitNames/zeroSHA``),
    /// a local run does not (a root commit has no parent, yet no ref was created).
    public static func push(
        ref: String, before: String, after: String, created: Bool, commits: [ExpressionValue], pusher: (name: String, email: String),
        repository: ExpressionValue, sender: ExpressionValue
    ) -> ExpressionValue {
        .object([
            ("ref", .string(ref)), ("before", .string(before)), ("after", .string(after)),
            ("created", .bool(created)), ("deleted", .bool(false)), ("forced", .bool(false)),
            ("base_ref", .null), ("compare", .string("")), ("commits", .array(commits)), ("head_commit", commits.last ?? .null),
            ("pusher", .object([("name", .string(pusher.name)), ("email", .string(pusher.email))])),
            ("repository", repository), ("sender", sender),
        ])
    }

    /// A commit as push payloads show it (`id`, `message`, `timestamp`, `author`, `committer`).
    public static func commit(
        id: String, message: String, timestamp: String, author: (name: String, email: String), committer: (name: String, email: String)
    ) -> ExpressionValue {
        .object([
            ("id", .string(id)), ("tree_id", .string("")), ("message", .string(message)), ("timestamp", .string(timestamp)),
            ("author", person(author)), ("committer", person(committer)),
        ])
    }

    /// The user an event comes from (`sender`, a pull request's `user`).
    public static func sender(_ login: String) -> ExpressionValue {
        .object([("login", .string(login)), ("type", .string("User"))])
    }

    private static func person(_ person: (name: String, email: String)) -> ExpressionValue {
        .object([("name", .string(person.name)), ("email", .string(person.email)), ("username", .string(person.name))])
    }
}
