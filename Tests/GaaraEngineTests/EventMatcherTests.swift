import GaaraEngine
import GaaraWorkflow
import Testing

/// A workflow listening to `on` (YAML of the `on:` value), with one trivial job.
func workflow(on: String) throws -> Workflow {
    let text =
        "on:\n" + on.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        + "\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"
    let result = WorkflowLoader.load(text: text, path: "on.yml")
    let errors = result.diagnostics.filter { $0.severity == .error }
    try #require(errors.isEmpty, "\(errors)")
    return try #require(result.workflow)
}

func push(_ ref: String, files: [String]? = nil) -> TriggerEvent {
    TriggerEvent(name: "push", ref: ref, changedFiles: files)
}

func pullRequest(_ action: String?, base: String = "main", files: [String]? = nil, name: String = "pull_request") -> TriggerEvent {
    TriggerEvent(name: name, ref: "refs/pull/1/merge", baseRef: base, action: action, changedFiles: files)
}

/// `on:` → event → nil when the workflow runs, else a part of the reason it does not.
/// Rules from GitHub's "Events that trigger workflows" and "Workflow syntax" (`on.<push>.<branches|tags|paths>`).
let eventMatcherCases: [(String, TriggerEvent, String?)] = [
    // Events the workflow does or does not listen to
    ("push", push("refs/heads/anything"), nil),
    ("push", pullRequest("opened"), "does not listen to 'pull_request'"),
    ("[push, workflow_dispatch]", TriggerEvent(name: "workflow_dispatch", ref: "refs/heads/dev"), nil),
    ("workflow_dispatch:\n  inputs:\n    level:\n      type: string", TriggerEvent(name: "workflow_dispatch", ref: "refs/heads/main"), nil),
    ("workflow_dispatch", push("refs/heads/main"), "does not listen to 'push'"),
    ("schedule:\n  - cron: '0 3 * * *'", TriggerEvent(name: "schedule", ref: "refs/heads/main"), nil),
    ("schedule:\n  - cron: '0 3 * * *'", push("refs/heads/main"), "does not listen to 'push'"),
    // Branch filters, with negation (the last matching pattern decides)
    ("push:\n  branches: [main]", push("refs/heads/main"), nil),
    ("push:\n  branches: [main]", push("refs/heads/dev"), "branch 'dev' matches no pattern"),
    ("push:\n  branches: ['releases/**', '!releases/**-alpha']", push("refs/heads/releases/1.0"), nil),
    ("push:\n  branches: ['releases/**', '!releases/**-alpha']", push("refs/heads/releases/1.0-alpha"), "matches no pattern"),
    ("push:\n  branches: ['releases/**', '!releases/**-alpha', 'releases/**-alpha-ok']", push("refs/heads/releases/2-alpha-ok"), nil),
    ("push:\n  branches: ['feature/*']", push("refs/heads/feature/a/b"), "matches no pattern"),
    ("push:\n  branches-ignore: ['dependabot/**']", push("refs/heads/dependabot/npm/x"), "branch 'dependabot/npm/x' is ignored"),
    ("push:\n  branches-ignore: ['dependabot/**']", push("refs/heads/main"), nil),
    // Tag filters and tags-ignore
    ("push:\n  tags: ['v*']", push("refs/tags/v1.2.0"), nil),
    ("push:\n  tags: ['v*']", push("refs/tags/release-1"), "tag 'release-1' matches no pattern"),
    ("push:\n  tags-ignore: ['*-rc*']", push("refs/tags/v2-rc1"), "tag 'v2-rc1' is ignored"),
    ("push:\n  tags-ignore: ['*-rc*']", push("refs/tags/v2"), nil),
    ("push:\n  tags: ['v*', '!v0.*']", push("refs/tags/v0.9"), "matches no pattern"),
    // Branch filters alone ignore tags, and tag filters alone ignore branches
    ("push:\n  branches: [main]", push("refs/tags/v1"), "only branch filters are set"),
    ("push:\n  tags: ['v*']", push("refs/heads/main"), "only tag filters are set"),
    ("push:\n  branches: [main]\n  tags: ['v*']", push("refs/tags/v1"), nil),
    ("push:\n  branches: [main]\n  tags: ['v*']", push("refs/heads/main"), nil),
    // Path filters, paths-ignore, and tag pushes that skip them
    ("push:\n  paths: ['src/**']", push("refs/heads/main", files: ["src/a/b.swift", "README.md"]), nil),
    ("push:\n  paths: ['src/**']", push("refs/heads/main", files: ["README.md"]), "no changed file matches 'paths'"),
    ("push:\n  paths: ['src/**']", push("refs/heads/main"), nil),
    ("push:\n  paths: ['src/**', '!src/**.md']", push("refs/heads/main", files: ["src/notes.md"]), "no changed file matches 'paths'"),
    ("push:\n  paths: ['src/**', '!src/**.md']", push("refs/heads/main", files: ["src/notes.md", "src/x.swift"]), nil),
    (
        "push:\n  paths-ignore: ['docs/**', '*.md']", push("refs/heads/main", files: ["docs/a.md", "README.md"]),
        "every changed file matches 'paths-ignore'"
    ),
    ("push:\n  paths-ignore: ['docs/**']", push("refs/heads/main", files: ["docs/a.md", "Package.swift"]), nil),
    ("push:\n  paths-ignore: ['docs/**']", push("refs/heads/main", files: []), nil),
    ("push:\n  tags: ['v*']\n  paths: ['src/**']", push("refs/tags/v1", files: ["README.md"]), nil),
    ("push:\n  branches: [main]\n  paths: ['src/**']", push("refs/heads/dev", files: ["src/a"]), "branch 'dev' matches no pattern"),
    // Pull requests: activity types (opened, synchronize and reopened by default), base branch, paths
    ("pull_request", pullRequest("opened"), nil),
    ("pull_request", pullRequest("synchronize"), nil),
    ("pull_request", pullRequest("reopened"), nil),
    ("pull_request", pullRequest("closed"), "activity 'closed' is not in types"),
    ("pull_request", pullRequest("labeled"), "activity 'labeled' is not in types"),
    ("pull_request:\n  types: [closed, labeled]", pullRequest("closed"), nil),
    ("pull_request:\n  types: [closed]", pullRequest("opened"), "activity 'opened' is not in types"),
    ("pull_request:\n  branches: [main]", pullRequest("opened", base: "main"), nil),
    ("pull_request:\n  branches: [main]", pullRequest("opened", base: "dev"), "branch 'dev' matches no pattern"),
    ("pull_request:\n  branches: ['**', '!wip/**']", pullRequest("opened", base: "wip/x"), "matches no pattern"),
    ("pull_request:\n  branches-ignore: ['wip/**']", pullRequest("opened", base: "wip/x"), "branch 'wip/x' is ignored"),
    ("pull_request:\n  paths: ['src/**']", pullRequest("opened", files: ["docs/x"]), "no changed file matches 'paths'"),
    ("pull_request:\n  paths-ignore: ['docs/**']", pullRequest("synchronize", files: ["docs/x"]), "every changed file matches 'paths-ignore'"),
    ("pull_request_target", pullRequest("closed", name: "pull_request_target"), "activity 'closed' is not in types"),
    ("pull_request_target:\n  branches: [main]", pullRequest("opened", name: "pull_request_target"), nil),
    // Other events: types when given, workflow_run's branches
    ("issues:\n  types: [opened]", TriggerEvent(name: "issues", action: "opened"), nil),
    ("issues:\n  types: [opened]", TriggerEvent(name: "issues", action: "closed"), "activity 'closed' is not in types"),
    ("release", TriggerEvent(name: "release", action: "published"), nil),
    (
        "workflow_run:\n  workflows: [CI]\n  branches: [main]", TriggerEvent(name: "workflow_run", ref: "refs/heads/dev", action: "completed"),
        "branch 'dev' matches no pattern"
    ),
    ("workflow_run:\n  workflows: [CI]\n  branches: [main]", TriggerEvent(name: "workflow_run", ref: "refs/heads/main", action: "completed"), nil),
]

@Test(arguments: eventMatcherCases)
func eventMatcherDecides(_ on: String, _ event: TriggerEvent, _ reason: String?) throws {
    let decision = EventMatcher.decide(try workflow(on: on), event)
    switch (decision, reason) {
    case (.matches, nil): break
    case (.skipped(let actual), let expected?):
        #expect(actual.contains(expected), "on: \(on) — \(event.name) \(event.ref ?? "") \(event.action ?? ""): '\(actual)'")
    default:
        Issue.record("on: \(on) — \(event.name) \(event.ref ?? "") \(event.action ?? ""): got \(decision), expected \(reason ?? "a match")")
    }
}
