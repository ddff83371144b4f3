import Foundation

/// What the action reads about the run: the event's name, ref and SHA, a few fields of the event payload, the
/// repository as GitHub's API describes it, and the two times its dates print. The caller gathers these (Gaara
/// knows them from the run and its repository); the computation adds the action's own adjustments.
public struct MetadataContext: Sendable, Equatable {
    /// `github.event_name` (`push`, `pull_request`, `schedule`...).
    public var eventName: String
    /// `github.ref` (`refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/15/merge`); for `context: git`, the
    /// checkout's ref.
    public var ref: String
    /// `github.sha`; for `context: git`, the checkout's commit.
    public var sha: String
    /// The commit's date (`{{commit_date}}`): the action takes it from the payload's commits, else from the API,
    /// else the current time; for `context: git`, the commit's committer date.
    public var commitDate: Date
    /// The current time (`{{date}}`, `type=schedule`, the `org.opencontainers.image.created` label).
    public var now: Date
    /// The fields of the event payload the action reads.
    public var payload: MetadataEventPayload
    /// The repository as GitHub's API describes it.
    public var repository: MetadataRepository

    /// Creates a context.
    public init(
        eventName: String, ref: String, sha: String, commitDate: Date, now: Date, payload: MetadataEventPayload = MetadataEventPayload(),
        repository: MetadataRepository = MetadataRepository()
    ) {
        self.eventName = eventName
        self.ref = ref
        self.sha = sha
        self.commitDate = commitDate
        self.now = now
        self.payload = payload
        self.repository = repository
    }

    /// The context the action computes with (`getContextFromWorkflow`): a `pull_request_target` run's ref is
    /// the pull request's merge ref, and with `DOCKER_METADATA_PR_HEAD_SHA` set to true a pull request run's SHA
    /// is its head's. A `context: git` run is taken as given.
    func adjusted(for source: MetadataInputs.ContextSource, environment: MetadataEnvironment) -> MetadataContext {
        guard source == .workflow else { return self }
        var context = self
        if eventName.contains("pull_request_target") {
            context.ref = "refs/pull/\(payload.number.map(String.init) ?? "undefined")/merge"
        }
        if let flag = environment.prHeadSHA, flag.lowercased().contains("true"), eventName.contains("pull_request"),
            let head = payload.pullRequestHeadSHA
        {
            context.sha = head
        }
        return context
    }
}

/// The fields of the event payload (`github.event`) the action reads.
public struct MetadataEventPayload: Sendable, Equatable {
    /// `number`: a pull request event's number (a `pull_request_target` run's ref is built from it).
    public var number: Int?
    /// `base_ref`: on a tag push, the branch the tag was pushed from (`{{base_ref}}`).
    public var baseRef: String?
    /// `pull_request.base.ref`: a pull request's target branch (`{{base_ref}}` on pull request refs).
    public var pullRequestBaseRef: String?
    /// `pull_request.head.sha`: used with `DOCKER_METADATA_PR_HEAD_SHA`.
    public var pullRequestHeadSHA: String?
    /// `repository.default_branch` (`{{is_default_branch}}`; absent from some payloads, such as `schedule`'s).
    public var repositoryDefaultBranch: String?

    /// Creates the payload's fields.
    public init(
        number: Int? = nil, baseRef: String? = nil, pullRequestBaseRef: String? = nil, pullRequestHeadSHA: String? = nil,
        repositoryDefaultBranch: String? = nil
    ) {
        self.number = number
        self.baseRef = baseRef
        self.pullRequestBaseRef = pullRequestBaseRef
        self.pullRequestHeadSHA = pullRequestHeadSHA
        self.repositoryDefaultBranch = repositoryDefaultBranch
    }
}

/// The repository as GitHub's API (`GET /repos/{owner}/{repo}`) describes it: the default labels come from it.
public struct MetadataRepository: Sendable, Equatable {
    /// `name` (`org.opencontainers.image.title`).
    public var name: String?
    /// `description` (`org.opencontainers.image.description`).
    public var description: String?
    /// `html_url` (`org.opencontainers.image.url` and `.source`).
    public var htmlURL: String?
    /// `license.spdx_id` (`org.opencontainers.image.licenses`).
    public var licenseSPDXID: String?
    /// `default_branch` (`type=edge` without `branch=`).
    public var defaultBranch: String?

    /// Creates the repository's fields.
    public init(name: String? = nil, description: String? = nil, htmlURL: String? = nil, licenseSPDXID: String? = nil, defaultBranch: String? = nil) {
        self.name = name
        self.description = description
        self.htmlURL = htmlURL
        self.licenseSPDXID = licenseSPDXID
        self.defaultBranch = defaultBranch
    }
}
