import GaaraWorkflow

/// Text views of the jobs an event runs: `--list` and `--graph`.
enum JobGraphText {
    /// Jobs in an order where every job comes after what it needs, with their depth in the graph.
    static func layered(_ workflow: Workflow, only: [String]) -> [(job: Job, depth: Int)] {
        var keep = Set(workflow.jobs.map(\.id))
        if !only.isEmpty {
            keep = []
            var stack = only
            while let id = stack.popLast() {
                guard keep.insert(id).inserted, let job = workflow.job(id) else { continue }
                stack += job.needs.map(\.id)
            }
        }
        var depth: [String: Int] = [:]
        func depthOf(_ id: String, _ visiting: Set<String>) -> Int {
            if let known = depth[id] { return known }
            guard let job = workflow.job(id), !visiting.contains(id) else { return 0 }
            let value = (job.needs.map { depthOf($0.id, visiting.union([id])) }.max() ?? -1) + 1
            depth[id] = value
            return value
        }
        let jobs = workflow.jobs.filter { keep.contains($0.id) }
        return jobs.map { ($0, depthOf($0.id, [])) }.sorted { ($0.depth, index(of: $0.job, in: jobs)) < ($1.depth, index(of: $1.job, in: jobs)) }
    }

    static func index(of job: Job, in jobs: [Job]) -> Int {
        jobs.firstIndex { $0.id == job.id } ?? 0
    }

    static func describe(_ job: Job) -> String {
        var parts: [String] = []
        if let name = job.name { parts.append("\"\(name.raw)\"") }
        if let matrix = job.strategy?.matrix {
            if let pairs = matrix.pairs {
                let keys = pairs.compactMap(\.key.scalarText).filter { $0 != "include" && $0 != "exclude" }
                parts.append("matrix: " + (keys.isEmpty ? "include" : keys.joined(separator: " × ")))
            } else {
                parts.append("matrix: \(matrix.scalarText ?? "")")
            }
        }
        if let call = job.call { parts.append("uses \(call.uses)") }
        if let condition = job.condition { parts.append("if: \(condition.raw)") }
        return parts.joined(separator: ", ")
    }

    static func list(_ workflows: [Workflow], only: [String]) -> String {
        var output = ""
        for workflow in workflows {
            output += "\(workflow.path) (\(workflow.name ?? workflow.path))\n"
            let rows = layered(workflow, only: only)
            let width = rows.map(\.job.id.count).max() ?? 0
            for (job, depth) in rows {
                let needs = job.needs.isEmpty ? "" : "  needs: " + job.needs.map(\.id).joined(separator: ", ")
                let details = describe(job)
                output +=
                    "  stage \(depth + 1)  " + job.id.padding(toLength: width, withPad: " ", startingAt: 0) + (details.isEmpty ? "" : "  " + details)
                    + needs + "\n"
            }
        }
        return output
    }

    static func graph(_ workflows: [Workflow], only: [String]) -> String {
        var output = ""
        for workflow in workflows {
            output += "\(workflow.path) (\(workflow.name ?? workflow.path))\n"
            let rows = layered(workflow, only: only)
            for (job, depth) in rows {
                let indent = String(repeating: "    ", count: depth)
                let arrow = job.needs.isEmpty ? "● " : "└─▶ "
                let needs = job.needs.count > 1 ? "  (after " + job.needs.map(\.id).joined(separator: " + ") + ")" : ""
                output += "  " + indent + arrow + job.id + needs + "\n"
            }
            let edges = rows.flatMap { row in row.job.needs.map { "\($0.id) -> \(row.job.id)" } }
            if !edges.isEmpty { output += "  edges: " + edges.joined(separator: ", ") + "\n" }
        }
        return output
    }
}
