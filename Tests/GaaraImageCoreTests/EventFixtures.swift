import Foundation
import GaaraImageCore

// Generated from docker/metadata-action's __tests__/fixtures (the .env files and the event payloads they name):
// each fixture is the context the action's workflow context source builds from it.

/// The event fixtures of the action's test-suite.
enum EventFixture: String, Sendable, CaseIterable {
    /// `event_create_branch.env`.
    case createBranch = "event_create_branch.env"
    /// `event_create_tag.env`.
    case createTag = "event_create_tag.env"
    /// `event_discussion_created.env`.
    case discussionCreated = "event_discussion_created.env"
    /// `event_discussion_pinned.env`.
    case discussionPinned = "event_discussion_pinned.env"
    /// `event_empty.env`.
    case empty = "event_empty.env"
    /// `event_issue_opened.env`.
    case issueOpened = "event_issue_opened.env"
    /// `event_null.env`.
    case nullEvent = "event_null.env"
    /// `event_pull_request.env`.
    case pullRequest = "event_pull_request.env"
    /// `event_pull_request_target.env`.
    case pullRequestTarget = "event_pull_request_target.env"
    /// `event_push_dev.env`.
    case pushDev = "event_push_dev.env"
    /// `event_push_invalidchars.env`.
    case pushInvalidChars = "event_push_invalidchars.env"
    /// `event_push_master.env`.
    case pushMaster = "event_push_master.env"
    /// `event_release_created.env`.
    case releaseCreated = "event_release_created.env"
    /// `event_schedule.env`.
    case schedule = "event_schedule.env"
    /// `event_tag_1.0dev4.env`.
    case tag1_0dev4 = "event_tag_1.0dev4.env"
    /// `event_tag_1.1beta2.env`.
    case tag1_1beta2 = "event_tag_1.1beta2.env"
    /// `event_tag_1.2.3rc2.env`.
    case tag1_2_3rc2 = "event_tag_1.2.3rc2.env"
    /// `event_tag_1.2.env`.
    case tag1_2 = "event_tag_1.2.env"
    /// `event_tag_1.2post1.env`.
    case tag1_2post1 = "event_tag_1.2post1.env"
    /// `event_tag_20200110-RC2.env`.
    case tag20200110RC2 = "event_tag_20200110-RC2.env"
    /// `event_tag_p1-v1.0.0.env`.
    case tagP1V1_0_0 = "event_tag_p1-v1.0.0.env"
    /// `event_tag_release1.env`.
    case tagRelease1 = "event_tag_release1.env"
    /// `event_tag_sometag.env`.
    case tagSometag = "event_tag_sometag.env"
    /// `event_tag_v1.1.1.env`.
    case tagV1_1_1 = "event_tag_v1.1.1.env"
    /// `event_tag_v1.2.3rc2.env`.
    case tagV1_2_3rc2 = "event_tag_v1.2.3rc2.env"
    /// `event_tag_v2.0.8-beta.67.env`.
    case tagV2_0_8Beta67 = "event_tag_v2.0.8-beta.67.env"
    /// `event_workflow_dispatch.env`.
    case workflowDispatch = "event_workflow_dispatch.env"
    /// `event_workflow_dispatch_dev.env`.
    case workflowDispatchDev = "event_workflow_dispatch_dev.env"

    /// The instant the suite mocks for `new Date()` and for moment (so `{{commit_date}}` prints it too).
    static let mockedNow = Date(timeIntervalSince1970: 1_578_616_200)  // 2020-01-10T00:30:00.000Z

    /// `__tests__/fixtures/repo.json`, the repository the suite's API mock returns.
    static let repository = MetadataRepository(
        name: "Hello-World", description: "This your first repo!", htmlURL: "https://github.com/octocat/Hello-World", licenseSPDXID: "MIT",
        defaultBranch: "master")

    /// The fixture's event name, ref, SHA and payload fields.
    var context: MetadataContext {
        switch self {
        case .createBranch:
            Self.context(
                "create", "refs/heads/dev", "5f3331d7f7044c18ca9f12c77d961c4d7cf3276a", MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .createTag:
            Self.context(
                "create", "refs/tags/v2.1.8-beta.67", "860c1904a1ce19322e91ac35af1ab07466440c37",
                MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .discussionCreated:
            Self.context(
                "discussion", "refs/heads/master", "266574110acf203503badf966df2ea24b5d732d7", MetadataEventPayload(repositoryDefaultBranch: "master")
            )
        case .discussionPinned:
            Self.context(
                "discussion", "refs/heads/master", "266574110acf203503badf966df2ea24b5d732d7", MetadataEventPayload(repositoryDefaultBranch: "master")
            )
        case .empty: Self.context("", "", "", MetadataEventPayload())
        case .issueOpened:
            Self.context(
                "issues", "refs/heads/master", "266574110acf203503badf966df2ea24b5d732d7", MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .nullEvent: Self.context("", "", "", MetadataEventPayload())
        case .pullRequest:
            Self.context(
                "pull_request", "refs/pull/15/merge", "a9c8c5828b91be19d9728548b24759e352367ef1",
                MetadataEventPayload(
                    number: 15, pullRequestBaseRef: "master", pullRequestHeadSHA: "3370e228f2209994d57af4427fe64e71bb79ac96",
                    repositoryDefaultBranch: "master"))
        case .pullRequestTarget:
            Self.context(
                "pull_request_target", "refs/heads/master", "266574110acf203503badf966df2ea24b5d732d7",
                MetadataEventPayload(
                    number: 15, pullRequestBaseRef: "master", pullRequestHeadSHA: "3370e228f2209994d57af4427fe64e71bb79ac96",
                    repositoryDefaultBranch: "master"))
        case .pushDev:
            Self.context(
                "push", "refs/heads/dev", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .pushInvalidChars:
            Self.context(
                "push", "refs/heads/my/feature#1245", "983315b5e8d46e46fc4c49869e85e7ee5fb289ba",
                MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .pushMaster:
            Self.context(
                "push", "refs/heads/master", "266574110acf203503badf966df2ea24b5d732d7", MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .releaseCreated: Self.context("release", "refs/tags/v1.1.1", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .schedule: Self.context("schedule", "refs/heads/master", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag1_0dev4: Self.context("push", "refs/tags/1.0dev4", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag1_1beta2: Self.context("push", "refs/tags/1.1beta2", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag1_2_3rc2: Self.context("push", "refs/tags/1.2.3rc2", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag1_2: Self.context("push", "refs/tags/1.2", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag1_2post1: Self.context("push", "refs/tags/1.2post1", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tag20200110RC2: Self.context("push", "refs/tags/20200110-RC2", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tagP1V1_0_0: Self.context("push", "refs/tags/p1/v1.0.0", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tagRelease1: Self.context("push", "refs/tags/release1", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tagSometag: Self.context("push", "refs/tags/sometag", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tagV1_1_1:
            Self.context(
                "push", "refs/tags/v1.1.1", "860c1904a1ce19322e91ac35af1ab07466440c37",
                MetadataEventPayload(baseRef: "refs/heads/master", repositoryDefaultBranch: "master"))
        case .tagV1_2_3rc2: Self.context("push", "refs/tags/v1.2.3rc2", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .tagV2_0_8Beta67: Self.context("push", "refs/tags/v2.0.8-beta.67", "860c1904a1ce19322e91ac35af1ab07466440c37", MetadataEventPayload())
        case .workflowDispatch:
            Self.context(
                "workflow_dispatch", "refs/heads/master", "860c1904a1ce19322e91ac35af1ab07466440c37",
                MetadataEventPayload(repositoryDefaultBranch: "master"))
        case .workflowDispatchDev:
            Self.context(
                "workflow_dispatch", "refs/heads/dev", "860c1904a1ce19322e91ac35af1ab07466440c37",
                MetadataEventPayload(repositoryDefaultBranch: "master"))
        }
    }

    private static func context(_ eventName: String, _ ref: String, _ sha: String, _ payload: MetadataEventPayload) -> MetadataContext {
        MetadataContext(
            eventName: eventName, ref: ref, sha: sha, commitDate: mockedNow, now: mockedNow, payload: payload, repository: repository)
    }
}
