import GaaraExpressions
import GaaraWorkflow

/// An event that may start workflows: what happened, on which ref, touching which files.
public struct TriggerEvent: Sendable {
    /// The event name (`push`, `pull_request`, `workflow_dispatch`, ...).
    public var name: String
    /// The full ref (`refs/heads/main`, `refs/tags/v1.0`); for pull requests, the head ref.
    public var ref: String?
    /// For pull requests: the branch the change targets (without `refs/heads/`).
    public var baseRef: String?
    /// The activity type (`opened`, `synchronize`, ...).
    public var action: String?
    /// Files the event changed, when known; nil makes path filters pass.
    public var changedFiles: [String]?
    /// The event payload (`github.event`).
    public var payload: ExpressionValue

    /// Creates an event.
    public init(
        name: String, ref: String? = nil, baseRef: String? = nil, action: String? = nil, changedFiles: [String]? = nil,
        payload: ExpressionValue = .object([(String, ExpressionValue)]())
    ) {
        self.name = name
        self.ref = ref
        self.baseRef = baseRef
        self.action = action
        self.changedFiles = changedFiles
        self.payload = payload
    }
}

/// Decides whether a workflow's `on:` accepts an event, applying branch, tag, path and type filters
/// as GitHub does.
public enum EventMatcher {
    /// Activity types that trigger `pull_request` and `pull_request_target` when `types` is absent.
    public static let defaultPullRequestTypes = ["opened", "synchronize", "reopened"]

    /// The outcome with the reason when it does not match.
    public enum Decision: Sendable, Equatable {
        case matches
        case skipped(String)
    }

    /// Decides whether `workflow` runs for `event`.
    public static func decide(_ workflow: Workflow, _ event: TriggerEvent) -> Decision {
        guard let trigger = workflow.triggers[event.name] else {
            return .skipped("the workflow does not listen to '\(event.name)'")
        }
        switch event.name {
        case "push":
            return decidePush(trigger, event)
        case "pull_request", "pull_request_target":
            if let action = event.action, !(trigger.types ?? defaultPullRequestTypes).contains(action) {
                return .skipped("activity '\(action)' is not in types")
            }
            if let base = event.baseRef, let reason = refFilter(base, include: trigger.branches, exclude: trigger.branchesIgnore, kind: "branch") {
                return .skipped(reason)
            }
            return pathFilter(trigger, event)
        default:
            if let types = trigger.types, let action = event.action, !types.contains(action) {
                return .skipped("activity '\(action)' is not in types")
            }
            if event.name == "workflow_run", let branch = event.ref.map(shortRef),
                let reason = refFilter(branch, include: trigger.branches, exclude: trigger.branchesIgnore, kind: "branch")
            {
                return .skipped(reason)
            }
            return .matches
        }
    }

    static func decidePush(_ trigger: EventTrigger, _ event: TriggerEvent) -> Decision {
        guard let ref = event.ref else { return .matches }
        let hasBranchFilters = trigger.branches != nil || trigger.branchesIgnore != nil
        let hasTagFilters = trigger.tags != nil || trigger.tagsIgnore != nil
        if ref.hasPrefix("refs/tags/") {
            let tag = String(ref.dropFirst("refs/tags/".count))
            if hasBranchFilters && !hasTagFilters { return .skipped("only branch filters are set, and '\(tag)' is a tag") }
            if let reason = refFilter(tag, include: trigger.tags, exclude: trigger.tagsIgnore, kind: "tag") { return .skipped(reason) }
            // Path filters are not evaluated for tag pushes.
            return .matches
        }
        let branch = shortRef(ref)
        if hasTagFilters && !hasBranchFilters { return .skipped("only tag filters are set, and '\(branch)' is a branch") }
        if let reason = refFilter(branch, include: trigger.branches, exclude: trigger.branchesIgnore, kind: "branch") { return .skipped(reason) }
        return pathFilter(trigger, event)
    }

    static func shortRef(_ ref: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        return ref
    }

    /// nil when the name passes the filters, else the reason it does not.
    static func refFilter(_ name: String, include: [FilterPattern]?, exclude: [FilterPattern]?, kind: String) -> String? {
        if let include {
            guard filter(include).includes(name) else { return "\(kind) '\(name)' matches no pattern in the filter" }
        }
        if let exclude, filter(exclude.map { FilterPattern($0.pattern, at: $0.location) }).includes(name) {
            return "\(kind) '\(name)' is ignored"
        }
        return nil
    }

    static func pathFilter(_ trigger: EventTrigger, _ event: TriggerEvent) -> Decision {
        guard let files = event.changedFiles else { return .matches }
        if let paths = trigger.paths {
            let matcher = filter(paths)
            guard files.contains(where: matcher.includes) else { return .skipped("no changed file matches 'paths'") }
        }
        if let ignored = trigger.pathsIgnore {
            let matcher = filter(ignored)
            if !files.isEmpty, files.allSatisfy(matcher.includes) { return .skipped("every changed file matches 'paths-ignore'") }
        }
        return .matches
    }

    static func filter(_ patterns: [FilterPattern]) -> GlobFilter {
        GlobFilter(patterns.compactMap { try? GlobPattern($0.pattern) })
    }
}
