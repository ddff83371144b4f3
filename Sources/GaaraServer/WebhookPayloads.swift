/// The fields of a GitHub, Gitea or Forgejo webhook the server reads (`push`, `pull_request`;
/// other events only need the repository). Every field is optional: which are required depends on
/// the event, and the parser says which one is missing.
struct GitHubLikePayload: Decodable {
    struct Repository: Decodable {
        var fullName: String?
        var cloneUrl: String?
    }

    struct Person: Decodable {
        var name: String?
        var login: String?
    }

    struct Branch: Decodable {
        var ref: String?
        var sha: String?
        var repo: Repository?
    }

    struct PullRequest: Decodable {
        var number: Int?
        var title: String?
        var merged: Bool?
        var head: Branch?
        var base: Branch?
    }

    var repository: Repository?
    var ref: String?
    var before: String?
    var after: String?
    var pusher: Person?
    var sender: Person?
    var action: String?
    var number: Int?
    var pullRequest: PullRequest?
}

/// The fields of a GitLab webhook the server reads (`Push Hook`, `Tag Push Hook`, `Merge Request Hook`).
struct GitLabPayload: Decodable {
    struct Project: Decodable {
        var pathWithNamespace: String?
        var gitHttpUrl: String?
        var httpUrl: String?
    }

    struct Commit: Decodable {
        var id: String?
    }

    struct Attributes: Decodable {
        var iid: Int?
        var title: String?
        var action: String?
        var oldrev: String?
        var sourceBranch: String?
        var targetBranch: String?
        var lastCommit: Commit?
        var source: Project?
    }

    struct User: Decodable {
        var username: String?
    }

    var project: Project?
    var ref: String?
    var before: String?
    var after: String?
    var userUsername: String?
    var userName: String?
    var objectAttributes: Attributes?
    var user: User?
}
