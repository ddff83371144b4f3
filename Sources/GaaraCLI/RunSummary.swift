import GaaraEngine

/// The one summary `gaara run` ends with: every workflow's jobs in one table, failures first, the
/// annotations, and a last line that says what the exit status says. Several workflows can match
/// one event; each printing its own table as it ended let a failure scroll away while the last
/// line said `success`.
struct RunSummary: Sendable {
    /// A workflow that ran (or began to).
    struct Workflow: Sendable {
        /// Its file (`.github/workflows/ci.yml`), which tells workflows apart.
        var path: String
        /// Its display name.
        var name: String
        /// Its result, nil when it never finished (interrupted).
        var result: JobResult?
        /// Seconds it took.
        var duration: Double = 0
    }

    /// One job's line.
    struct Job: Sendable {
        /// The path of its workflow.
        var workflow: String
        /// Its display name.
        var name: String
        /// `success`, `failure`, `cancelled` or `skipped`.
        var result: String
        /// Seconds it took.
        var duration: Double
    }

    /// The workflows, as they started.
    var workflows: [Workflow] = []
    /// The jobs, as they ended (skipped ones when they were skipped).
    var jobs: [Job] = []
    /// Annotations, each already prefixed with its job.
    var annotations: [String] = []
    /// Images pushed, each `name@digest (tags)`.
    var images: [String] = []

    /// The workflow of `path`, added when new.
    mutating func workflow(_ path: String, name: String? = nil) -> Int {
        if let index = workflows.firstIndex(where: { $0.path == path }) {
            if let name { workflows[index].name = name }
            return index
        }
        workflows.append(Workflow(path: path, name: name ?? path))
        return workflows.count - 1
    }

    /// Lines to print (without colours; `paint` adds them): the table, the annotations, and the
    /// verdict for `exitStatus` as the last line.
    func lines(exitStatus: Int32, duration: Double, paint: (String, String) -> String = { text, _ in text }) -> [String] {
        let several = workflows.count > 1
        let names = Dictionary(workflows.map { ($0.path, $0.name) }, uniquingKeysWith: { first, _ in first })
        // Failures first, then cancelled, then the rest as they finished.
        let rank = ["failure": 0, "cancelled": 1, "success": 2, "skipped": 3]
        let ordered = jobs.enumerated().sorted { lhs, rhs in
            let (left, right) = (rank[lhs.element.result] ?? 1, rank[rhs.element.result] ?? 1)
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        var lines = [""]
        let jobWidth = max(3, ordered.map(\.name.count).max() ?? 0)
        let workflowWidth = max(8, ordered.map { names[$0.workflow]?.count ?? 0 }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        lines.append("  " + (several ? pad("WORKFLOW", workflowWidth) + "  " : "") + pad("JOB", jobWidth) + "  RESULT     DURATION")
        for job in ordered {
            lines.append(
                "  " + (several ? pad(names[job.workflow] ?? job.workflow, workflowWidth) + "  " : "") + pad(job.name, jobWidth) + "  "
                    + paint(pad(job.result, 9), Self.color(job.result)) + "  "
                    + (job.result == "skipped" ? "-" : ConsoleReporter.duration(job.duration)))
        }
        if !annotations.isEmpty {
            lines.append("  Annotations:")
            lines += annotations.map { "    " + $0 }
        }
        if !images.isEmpty {
            lines.append("  Images pushed:")
            lines += images.map { "    " + $0 }
        }
        lines.append(paint(verdict(exitStatus: exitStatus, duration: duration), exitStatus == 0 ? "1;32" : exitStatus == 1 ? "1;31" : "1;33"))
        return lines
    }

    /// The last line: the outcome the exit status stands for, what failed, and the status.
    func verdict(exitStatus: Int32, duration: Double) -> String {
        let outcome = exitStatus == 0 ? "success" : exitStatus == 130 ? "interrupted" : exitStatus == 1 ? "failure" : "error"
        var counts: [String: Int] = [:]
        for job in jobs { counts[job.result, default: 0] += 1 }
        let parts = ["failure", "cancelled", "success", "skipped"].compactMap { result in counts[result].map { "\($0) \(result)" } }
        let failed = workflows.filter { $0.result == .failure || $0.result == .cancelled || $0.result == nil }
        let scope =
            workflows.count == 1
            ? workflows[0].name
            : failed.isEmpty
                ? "\(workflows.count) workflows"
                : "\(failed.count) of \(workflows.count) workflows (\(failed.map(\.name).joined(separator: ", ")))"
        let jobsText = jobs.isEmpty ? "no jobs" : "\(jobs.count) job\(jobs.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
        return "\(outcome): \(scope) — \(jobsText) in \(ConsoleReporter.duration(duration)) (exit \(exitStatus))"
    }

    /// The terminal colour of a result.
    static func color(_ result: String) -> String {
        result == "success" ? "32" : result == "failure" ? "31" : result == "skipped" ? "2" : "33"
    }
}
