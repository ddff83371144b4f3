/// A step of a job or of a composite action.
public struct Step: Sendable {
    /// `id:`.
    public var id: String?
    /// `name:`.
    public var name: WorkflowString?
    /// `if:`.
    public var condition: Condition?
    /// `uses:`.
    public var uses: ActionReference?
    /// `with:`.
    public var with: ValueMap
    /// `run:`.
    public var run: WorkflowString?
    /// `shell:`.
    public var shell: String?
    /// `working-directory:`.
    public var workingDirectory: WorkflowString?
    /// `env:`.
    public var env: ValueMap
    /// `continue-on-error:`.
    public var continueOnError: Dynamic<Bool>?
    /// `timeout-minutes:`.
    public var timeoutMinutes: Dynamic<Double>?
    /// `background: true`: the step starts and the job goes on to the next one (GitHub, 2026-06-25).
    public var background = false
    /// What the step does when it is a control step (`wait`, `wait-all`, `cancel`) or a `parallel`
    /// group rather than a `run` or `uses` step.
    public var control: StepControl?
    /// Where the step starts.
    public var location: SourceLocation

    /// Creates an empty step.
    public init(location: SourceLocation) {
        self.location = location
        with = ValueMap()
        env = ValueMap()
    }

    /// This step and, for a `parallel` group, the steps of the group: every step that runs
    /// something (for checks that look at each `uses`).
    public var expanded: [Step] {
        if case .parallel(let members) = control { return members }
        return [self]
    }

    /// A display name: `name`, else `Run <first line>` or `Run <action>`, or for a control step
    /// the name GitHub gives it (`Wait`, `Wait for all`, `Cancel`, `Parallel group`).
    public var displayName: String {
        if let name { return name.raw }
        switch control {
        case .wait: return "Wait"
        case .waitAll: return "Wait for all"
        case .cancel: return "Cancel"
        case .parallel: return "Parallel group"
        case nil: break
        }
        if let run {
            let first = run.raw.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            return "Run " + first
        }
        if let uses { return "Run " + uses.raw }
        return "step"
    }
}

/// A step that runs nothing itself but coordinates background steps (GitHub's background steps,
/// GA 2026-06-25): it waits for them, stops one, or runs a group of steps at once.
public enum StepControl: Sendable {
    /// `wait: id` or `wait: [ids]`: blocks until those background steps have finished.
    case wait([String])
    /// `wait-all:`: blocks until every background step started so far has finished.
    case waitAll
    /// `cancel: id`: stops that background step (SIGINT, SIGTERM, then SIGKILL) and waits for it.
    case cancel(String)
    /// `parallel: [steps]`: runs the steps as background steps, then waits for all of them.
    case parallel([Step])
}

/// What a step's `uses:` points at.
public struct ActionReference: Sendable {
    /// Where the action comes from.
    public enum Kind: Sendable, Equatable {
        /// `./path` in the workspace.
        case local(path: String)
        /// `$/path`: in the workflow's own repository at the running commit, no checkout needed
        /// (GitHub's self-repository syntax, 2026-07-30).
        case selfRepository(path: String)
        /// `docker://image`.
        case docker(image: String)
        /// `owner/repo[/path]@ref`.
        case remote(owner: String, repository: String, path: String?, ref: String)
    }

    /// `uses:` as written.
    public let raw: String
    /// The parsed reference.
    public let kind: Kind
    /// Where it is written.
    public let location: SourceLocation

    /// Parses `uses:`; nil when it is none of the three forms.
    public init?(_ raw: String, location: SourceLocation) {
        self.raw = raw
        self.location = location
        if raw.hasPrefix("./") || raw == "." {
            kind = .local(path: raw)
        } else if raw.hasPrefix("$/") {
            let path = String(raw.dropFirst(2))
            // A path inside the repository: not empty, not absolute, never above its root.
            let parts = path.split(separator: "/").filter { $0 != "." }
            guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains("..") else { return nil }
            kind = .selfRepository(path: path)
        } else if raw.hasPrefix("docker://") {
            let image = String(raw.dropFirst("docker://".count))
            guard !image.isEmpty else { return nil }
            kind = .docker(image: image)
        } else {
            guard let at = raw.lastIndex(of: "@") else { return nil }
            let ref = String(raw[raw.index(after: at)...])
            let parts = raw[..<at].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, !ref.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            let path = parts.count > 2 ? parts[2...].joined(separator: "/") : nil
            kind = .remote(owner: parts[0], repository: parts[1], path: path, ref: ref)
        }
    }

    /// `owner/repo[/path]` without the ref, for remote actions.
    public var name: String? {
        guard case .remote(let owner, let repository, let path, _) = kind else { return nil }
        return [owner, repository, path].compactMap { $0 }.joined(separator: "/")
    }
}
