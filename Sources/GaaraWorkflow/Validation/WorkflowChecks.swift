/// Checks that need the whole workflow: the `needs` graph and which actions Gaara can run.
struct WorkflowChecks {
    /// Actions Gaara runs natively, by `owner/repo[/path]` (lower-cased).
    static let builtinActions: Set<String> = [
        "actions/checkout", "actions/setup-python", "actions/setup-node", "actions/cache", "actions/cache/restore",
        "actions/cache/save", "actions/upload-artifact", "actions/download-artifact", "docker/login-action", "docker/setup-buildx-action",
        "docker/setup-qemu-action", "docker/metadata-action", "docker/build-push-action",
    ]

    static func run(_ workflow: Workflow, into diagnostics: inout [Diagnostic]) {
        checkNeeds(workflow, into: &diagnostics)
        checkActions(workflow, into: &diagnostics)
    }

    static func checkNeeds(_ workflow: Workflow, into diagnostics: inout [Diagnostic]) {
        let ids = workflow.jobs.map(\.id)
        let known = Set(ids)
        for job in workflow.jobs {
            for need in job.needs {
                if need.id == job.id {
                    diagnostics.append(.error("job '\(job.id)' needs itself", at: need.location))
                } else if !known.contains(need.id) {
                    diagnostics.append(
                        .error("job '\(job.id)' needs unknown job '\(need.id)'\(Suggestion.hint(for: need.id, in: ids))", at: need.location))
                }
            }
        }
        // Depth-first search for cycles; each cycle is reported once, at the edge that closes it.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        let byId = Dictionary(workflow.jobs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func visit(_ id: String, _ path: [String]) {
            state[id] = 1
            for need in byId[id]?.needs ?? [] where need.id != id && known.contains(need.id) {
                switch state[need.id] {
                case 1:
                    let cycle = (path + [id]).drop { $0 != need.id } + [need.id]
                    diagnostics.append(.error("jobs form a cycle: \(cycle.joined(separator: " → "))", at: need.location))
                case 2: continue
                default: visit(need.id, path + [id])
                }
            }
            state[id] = 2
        }
        for id in ids where state[id] == nil { visit(id, []) }
    }

    static func checkActions(_ workflow: Workflow, into diagnostics: inout [Diagnostic]) {
        for job in workflow.jobs {
            for step in job.steps.flatMap(\.expanded) {
                guard let uses = step.uses, let name = uses.name else { continue }
                if !builtinActions.contains(name.lowercased()) {
                    diagnostics.append(
                        .warning(
                            "action '\(uses.raw)' is not built into Gaara; running this step needs a local copy (./path) or a docker:// image",
                            at: uses.location))
                }
            }
        }
    }
}
