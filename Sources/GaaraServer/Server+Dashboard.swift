import Foundation
import GaaraAPI
import GaaraStore
import GaaraWorkflow
import Hummingbird

extension CIServer {
    /// The dashboard: server-rendered pages that read without JavaScript and go live with it.
    func registerDashboard(_ router: Router<BasicRequestContext>) {
        router.get("/static/app.css") { _, _ in Reply.text(DashboardAssets.css, type: "text/css; charset=utf-8") }
        router.get("/static/app.js") { _, _ in Reply.text(DashboardAssets.javascript, type: "text/javascript; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/login") { [self] request, _ in
            if let token = request.uri.queryParameters.get("token") {
                return await signIn(String(token), next: request.uri.queryParameters.get("next").map { String($0) })
            }
            return Reply.html(
                DashboardHTML.page(
                    title: "Sign in",
                    body: """
                        <h1>Sign in</h1><form method="post" action="/login" class="login"><label>Access token \
                        <input type="password" name="token" autocomplete="current-password" required></label><button>Sign in</button></form>
                        <p class="hint">Tokens come from <code>gaara token create</code>; the first admin token is printed when the server first starts.</p>
                        """))
        }
        router.post("/login") { [self] request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 4096)
            let form = Self.form(String(buffer: body))
            return await signIn(form["token"] ?? "", next: form["next"])
        }
        router.get("/logout") { _, _ in
            Response(status: .seeOther, headers: [.location: "/login", .setCookie: "gaara_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"])
        }
        page(router, "/") { [self] request, _, _ in try await runsPage(request) }
        page(router, "/runs/{id}") { [self] _, context, caller in try await runPage(try Reply.integer(context, "id"), caller: caller) }
        page(router, "/repos") { [self] _, _, _ in try await repositoriesPage() }
        page(router, "/repos/{repo}") { [self] _, context, caller in try await repositoryPage(try await repository(context), caller: caller) }
        router.post("/repos/{repo}/dispatch") { [self] request, context in
            let caller = await caller(of: request)
            guard let role = caller.role else { return Response(status: .seeOther, headers: [.location: "/login"]) }
            guard role >= .developer else { throw HTTPError(.forbidden, message: "dispatching needs role developer or higher") }
            let repository = try await repository(context)
            var request = request
            let form = Self.form(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
            var inputs: [String: String] = [:]
            for (key, value) in form where key.hasPrefix("input.") { inputs[String(key.dropFirst(6))] = value }
            let run = try await triggering {
                try await triggers.dispatch(
                    repository, workflow: form["workflow"] ?? "", ref: form["ref"].flatMap { $0.isEmpty ? nil : $0 }, inputs: inputs,
                    actor: caller.name)
            }
            await startAll([run])
            return Response(status: .seeOther, headers: [.location: "/runs/\(run.id!)"])
        }
    }

    /// A page that needs a viewer token: without one, the browser goes to the sign-in page.
    func page(
        _ router: Router<BasicRequestContext>, _ path: String,
        _ render: @escaping @Sendable (Request, BasicRequestContext, Caller) async throws -> String
    ) {
        router.get(RouterPath(path)) { [self] request, context in
            let caller = await caller(of: request)
            guard caller.role != nil else {
                return Response(status: .seeOther, headers: [.location: "/login?next=" + DashboardHTML.query(request.uri.path)])
            }
            return Reply.html(try await render(request, context, caller))
        }
    }

    /// Sets the dashboard's cookie for a token the server knows (401 and the sign-in page for any
    /// other), then goes to `next` when it is a path of this server.
    private func signIn(_ token: String, next: String?) async -> Response {
        guard !token.hasPrefix("local:"), await tokens.role(of: token) != nil else {
            return Reply.html(
                DashboardHTML.page(
                    title: "Sign in",
                    body: """
                        <h1>Sign in</h1><p class="error">That token is not valid.</p><form method="post" action="/login" class="login">\
                        <label>Access token <input type="password" name="token" autocomplete="current-password" required></label>\
                        <button>Sign in</button></form>
                        """), status: .unauthorized)
        }
        let target = next.flatMap { Self.isLocalPath($0) ? $0 : nil } ?? "/"
        let cookie = "gaara_token=\(token.filter { $0.isLetter || $0.isNumber || $0 == "_" }); Path=/; HttpOnly; SameSite=Strict"
        return Response(status: .seeOther, headers: [.location: target, .setCookie: cookie])
    }

    /// Whether `next` is a path on this server (not `//host`, `/\\host` or anything else a browser
    /// could read as another origin): `/`, then path and query characters only.
    static func isLocalPath(_ next: String) -> Bool {
        guard next.hasPrefix("/"), !next.hasPrefix("//"), next.utf8.count <= 2048 else { return false }
        return next.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || "/-._~?=&%+,;:@".utf8.contains(byte)
        }
    }

    static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in (String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    // MARK: Pages

    /// What an empty runs list says: with a filter, that nothing matches; without one, how a run
    /// starts (a push to a repository's push URL, or adding a repository first).
    func emptyRunsList(filtered: Bool) async throws -> String {
        if filtered { return "<p class=\"empty\">No runs match.</p>" }
        let repositories = try await store.repositories()
        guard !repositories.isEmpty else {
            return
                "<p class=\"empty\">No runs yet. Add a repository with <code>gaara repo add NAME</code>, then push to it: the push starts its workflows.</p>"
        }
        let targets = repositories.prefix(5).map { "<li><code>git push \(DashboardHTML.escape(git.path(of: $0.name).path)) main</code></li>" }
        return
            "<p class=\"empty\">No runs yet. A push starts the workflows whose filters accept it:</p><ul class=\"push-urls\">\(targets.joined())</ul>"
    }

    func runsPage(_ request: Request) async throws -> String {
        let filter = try runFilter(request)
        let (runs, total) = try await store.runs(filter)
        let repositories = try await store.repositories().map(\.name)
        func select(_ name: String, _ options: [String], _ current: String?) -> String {
            let items = ([""] + options).map { option in
                "<option value=\"\(DashboardHTML.escape(option))\"\(option == (current ?? "") ? " selected" : "")>\(option.isEmpty ? "any" : DashboardHTML.escape(option))</option>"
            }
            return "<label>\(name) <select name=\"\(name)\">\(items.joined())</select></label>"
        }
        var html = "<h1>Runs</h1><form class=\"filters\" method=\"get\" action=\"/\">"
        html += select("repository", repositories, filter.repository)
        html += "<label>branch <input name=\"branch\" value=\"\(DashboardHTML.escape(filter.branch ?? ""))\" size=\"12\"></label>"
        html += select("status", ["queued", "running", "completed", "success", "failure", "cancelled", "interrupted"], filter.status)
        html += select("event", ["push", "pull_request", "workflow_dispatch", "schedule"], filter.event)
        html += "<button>Filter</button></form>"
        // The list below the filters is swapped in place when runs change (`Gaara.liveList`).
        html += "<div class=\"run-list\">"
        html +=
            "<table class=\"runs\"><thead><tr><th>Status</th><th>Run</th><th>Repository</th><th>Event</th><th>Ref</th><th>Commit</th><th>Actor</th><th>Started</th><th>Duration</th></tr></thead><tbody>"
        for summary in runs {
            let run = summary.run
            let duration = run.startedAt.map { ($0, run.finishedAt ?? Date().timeIntervalSince1970) }.map { $1 - $0 }
            html += """
                <tr data-run="\(run.id!)"><td>\(DashboardHTML.badge(status: run.status.rawValue, conclusion: run.conclusion?.rawValue))</td>\
                <td><a href="/runs/\(run.id!)">\(DashboardHTML.escape(run.workflowName)) #\(run.number)</a></td>\
                <td><a href="/repos/\(DashboardHTML.escape(summary.repository))">\(DashboardHTML.escape(summary.repository))</a></td>\
                <td>\(DashboardHTML.escape(run.event))</td><td>\(DashboardHTML.escape(Self.shortRef(run.ref)))</td>\
                <td><code>\(run.sha.prefix(8))</code></td><td>\(DashboardHTML.escape(run.actor))</td>\
                <td>\(APICoding.time(run.startedAt ?? run.createdAt) ?? "")</td><td>\(DashboardHTML.duration(duration))</td></tr>
                """
        }
        html += "</tbody></table>"
        if runs.isEmpty { html += try await emptyRunsList(filtered: request.uri.queryParameters.contains { !$0.value.isEmpty }) }
        let pages = max(1, (total + filter.perPage - 1) / filter.perPage)
        var query = request.uri.queryParameters.filter { $0.key != "page" }.map { "\($0.key)=\(DashboardHTML.query(String($0.value)))" }
        query.sort()
        let base = "/?" + (query.isEmpty ? "" : query.joined(separator: "&") + "&")
        html += "<nav class=\"pages\">"
        if filter.page > 1 { html += "<a rel=\"prev\" href=\"\(DashboardHTML.escape(base))page=\(filter.page - 1)\">← Newer</a>" }
        html += "<span>Page \(filter.page) of \(pages) · \(total) runs</span>"
        if filter.page < pages { html += "<a rel=\"next\" href=\"\(DashboardHTML.escape(base))page=\(filter.page + 1)\">Older →</a>" }
        html += "</nav></div>"
        return DashboardHTML.page(title: "Runs", body: html, script: "Gaara.liveList();")
    }

    func runPage(_ runID: Int64, caller: Caller) async throws -> String {
        let detail = try await runDetail(runID)
        let run = detail.run
        // A run whose only unfinished jobs wait for their environments says so, not "running".
        let unfinished = detail.jobs.filter { $0.status != "completed" }
        let shown = run.status == "running" && !unfinished.isEmpty && unfinished.allSatisfy { $0.status == "waiting" } ? "waiting" : run.status
        var html = """
            <h1>\(DashboardHTML.badge(status: shown, conclusion: run.conclusion)) \(DashboardHTML.escape(run.workflow)) #\(run.number)</h1>
            <p class="meta"><a href="/repos/\(DashboardHTML.escape(run.repository))">\(DashboardHTML.escape(run.repository))</a> · \
            \(DashboardHTML.escape(run.event)) · \(DashboardHTML.escape(Self.shortRef(run.ref))) · <code>\(run.sha.prefix(12))</code> · \
            by \(DashboardHTML.escape(run.actor)) · attempt \(run.attempt)\(run.rerunOf.map { " · re-run of <a href=\"/runs/\($0)\">#\($0)</a>" } ?? "")</p>
            """
        html += try await jobGraph(run, jobs: detail.jobs)
        html += try await runEnvironmentsSection(runID, caller: caller)
        if let gates = detail.gates {
            html +=
                "<h2>Quality gate \(DashboardHTML.badge(status: "completed", conclusion: detail.gatesPassed == true ? "success" : "failure"))</h2>"
            html +=
                "<table class=\"gates\"><thead><tr><th>Gate</th><th>Status</th><th>Measured</th><th>Threshold</th><th>Details</th></tr></thead><tbody>"
            for gate in gates {
                html += """
                    <tr><td>\(DashboardHTML.escape(gate.name))<br><code>\(DashboardHTML.escape(gate.context))</code></td>\
                    <td>\(DashboardHTML.badge(status: gate.status, conclusion: nil))</td><td>\(DashboardHTML.escape(gate.measured))</td>\
                    <td>\(DashboardHTML.escape(gate.threshold))</td><td>\(gate.details.map(DashboardHTML.escape).joined(separator: "<br>"))</td></tr>
                    """
            }
            html += "</tbody></table>"
        }
        if !detail.annotations.isEmpty {
            html += "<h2>Annotations</h2><ul class=\"annotations\">"
            for note in detail.annotations {
                let place = note.file.map { " <code>\(DashboardHTML.escape($0))\(note.line.map { ":\($0)" } ?? "")</code>" } ?? ""
                html +=
                    "<li class=\"\(DashboardHTML.escape(note.level))\"><b>\(DashboardHTML.escape(note.level))</b> \(DashboardHTML.escape(note.job)):\(place) \(DashboardHTML.escape(note.message))</li>"
            }
            html += "</ul>"
        }
        if !detail.artifacts.isEmpty {
            html += "<h2>Artifacts</h2><ul class=\"artifacts\">"
            for artifact in detail.artifacts {
                let size = ByteCountFormatter.string(fromByteCount: artifact.size, countStyle: .file)
                html +=
                    artifact.expired
                    ? "<li>\(DashboardHTML.escape(artifact.name)) (expired)</li>"
                    : "<li><a href=\"\(DashboardHTML.escape(artifact.downloadUrl))\">\(DashboardHTML.escape(artifact.name))</a> · \(artifact.files) files · \(size)</li>"
            }
            html += "</ul>"
        }
        if !detail.images.isEmpty {
            // The digest is what a deployment ships: shown whole, breaking anywhere on a phone.
            html +=
                "<h2>Images</h2><div class=\"scroll\"><table class=\"images\"><thead><tr><th>Image</th><th>Tags</th><th>Digest</th><th>Size</th><th>Job</th></tr></thead><tbody>"
            for image in detail.images {
                let size = ByteCountFormatter.string(fromByteCount: image.size, countStyle: .file)
                html += """
                    <tr><td>\(DashboardHTML.escape(image.name))</td><td>\(image.tags.map(DashboardHTML.escape).joined(separator: ", "))</td>\
                    <td><code class="digest">\(DashboardHTML.escape(image.digest))</code></td><td>\(size)</td>\
                    <td>\(DashboardHTML.escape(image.job))</td></tr>
                    """
            }
            html += "</tbody></table></div>"
        }
        html += "<h2>Jobs</h2><div id=\"jobs\">"
        var pageRemaining = logLimits.page
        for job in detail.jobs {
            let folder = StepLogs.jobFolder(key: job.key, index: job.matrixIndex)
            html += """
                <section class="job" id="job-\(DashboardHTML.escape(folder))" data-job="\(DashboardHTML.escape(folder))">\
                <h3>\(DashboardHTML.badge(status: job.status, conclusion: job.conclusion)) \(DashboardHTML.escape(job.name)) \
                <small>\(DashboardHTML.duration(job.durationSeconds))</small></h3>
                """
            let steps = logs.steps(runID: run.id, key: job.key, index: job.matrixIndex)
            var entries: [(Int, String, String?, String?, Double?)] = []
            if steps.contains(0) { entries.append((0, "Set up job", "completed", nil, nil)) }
            for step in job.steps { entries.append((step.number, step.name, step.status, step.conclusion, step.durationSeconds)) }
            for (number, name, status, conclusion, seconds) in entries {
                let raw = "/api/runs/\(run.id)/logs?job=\(job.id)&step=\(number)"
                let excerpt = logExcerpt(
                    logs.jobDirectory(runID: run.id, key: job.key, index: job.matrixIndex).appendingPathComponent("\(number).log").path,
                    pageRemaining: &pageRemaining)
                let open = conclusion == "failure" || status == "running" ? " open" : ""
                html += """
                    <details class="step" data-step="\(number)"\(open)><summary>\(DashboardHTML.badge(status: status ?? "", conclusion: conclusion)) \
                    \(DashboardHTML.escape(name)) <small>\(DashboardHTML.duration(seconds))</small>\
                    \(steps.contains(number) ? " <a class=\"raw\" href=\"\(DashboardHTML.escape(raw))\">raw</a>" : "")</summary>\
                    <div class="log" data-bytes="\(excerpt.shown)" data-raw="\(DashboardHTML.escape(raw))">\(DashboardHTML.log(excerpt.text, raw: raw))</div></details>
                    """
            }
            html += "</section>"
        }
        html += "</div>"
        let live = run.status == "completed" ? "false" : "true"
        return DashboardHTML.page(title: "\(run.workflow) #\(run.number)", body: html, script: "Gaara.liveRun(\(run.id), \(live));")
    }

    /// What the run page shows of a step log (``LogLimits``): its beginning, up to the step's share
    /// and what is left of the page's, read in 64 KiB blocks, with markers where it was cut.
    func logExcerpt(_ base: String, pageRemaining: inout Int) -> (text: String, shown: Int) {
        guard let reader = try? StepLogReader.open(base) else { return ("", 0) }
        guard pageRemaining > 0 else { return (LogLimits.pageMarker(limit: logLimits.page), 0) }
        var trimmer = LogTrimmer(lineLimit: logLimits.line, budget: min(logLimits.step, pageRemaining))
        var output: [UInt8] = []
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { block.deallocate() }
        while !trimmer.overflowed, let count = try? reader.read(into: block), count > 0 {
            trimmer.feed(UnsafeRawBufferPointer(rebasing: block[0..<count]), into: &output)
        }
        if trimmer.overflowed {
            output += Array(LogLimits.stepMarker(shown: trimmer.consumed, total: reader.cheapSize()).utf8)
        } else {
            trimmer.finish(into: &output)
        }
        pageRemaining -= trimmer.consumed
        return (String(decoding: output, as: UTF8.self), trimmer.consumed)
    }

    /// The jobs laid out in columns by their depth in the `needs` graph, coloured by state.
    private func jobGraph(_ run: RunJSON, jobs: [JobJSON]) async throws -> String {
        guard let repository = try await store.repository(named: run.repository),
            let workflow = await git.workflow(URL(fileURLWithPath: repository.path), commit: run.sha, path: run.workflowPath)?.loaded.workflow
        else { return "" }
        var depth: [String: Int] = [:]
        func level(_ id: String, _ seen: Set<String>) -> Int {
            if let known = depth[id] { return known }
            guard let job = workflow.job(id), !seen.contains(id) else { return 0 }
            let value = job.needs.map { level($0.id, seen.union([id])) + 1 }.max() ?? 0
            depth[id] = value
            return value
        }
        for job in workflow.jobs { _ = level(job.id, []) }
        let columns = (depth.values.max() ?? 0) + 1
        var html = "<h2>Job graph</h2><div class=\"graph\" style=\"--columns:\(columns)\">"
        for column in 0..<columns {
            html += "<div class=\"column\">"
            for job in workflow.jobs where depth[job.id] == column {
                let instances = jobs.filter { $0.key == job.id }
                let state =
                    instances.isEmpty
                    ? (run.status == "completed" ? "skipped" : "queued")
                    : instances.contains { $0.conclusion == "failure" }
                        ? "failure"
                        : instances.contains { $0.status == "waiting" }
                            ? "waiting"
                            : instances.contains { $0.status != "completed" }
                                ? "running"
                                : instances.allSatisfy { $0.conclusion == "skipped" }
                                    ? "skipped"
                                    : instances.contains { $0.conclusion == "cancelled" } ? "cancelled" : "success"
                let needs = job.needs.map(\.id).joined(separator: ", ")
                html += """
                    <a class="node \(state)" data-node="\(DashboardHTML.escape(job.id))" href="#job-\(DashboardHTML.escape(StepLogs.jobFolder(key: job.id, index: instances.first?.matrixIndex ?? 0)))" \
                    title="\(needs.isEmpty ? "" : "needs " + DashboardHTML.escape(needs))">\(DashboardHTML.escape(job.name?.raw ?? job.id))\
                    \(instances.count > 1 ? " <small>×\(instances.count)</small>" : "")</a>
                    """
            }
            html += "</div>"
        }
        return html + "</div>"
    }

    func repositoriesPage() async throws -> String {
        var html = "<h1>Repositories</h1><table><thead><tr><th>Name</th><th>Upstream</th><th>Default branch</th><th>Push URL</th></tr></thead><tbody>"
        for repository in try await store.repositories() {
            html += """
                <tr><td><a href="/repos/\(DashboardHTML.escape(repository.name))">\(DashboardHTML.escape(repository.name))</a></td>\
                <td>\(DashboardHTML.escape(repository.upstream ?? ""))</td><td>\(DashboardHTML.escape(repository.defaultBranch))</td>\
                <td><code>\(DashboardHTML.escape(repository.path))</code></td></tr>
                """
        }
        html += "</tbody></table><p class=\"hint\">Add one with <code>gaara repo add NAME</code>, then <code>git push</code> to its push URL.</p>"
        return DashboardHTML.page(title: "Repositories", body: html)
    }

    func repositoryPage(_ repository: RepositoryRecord, caller: Caller) async throws -> String {
        var html =
            "<h1>\(DashboardHTML.escape(repository.name))</h1><p class=\"meta\">push to <code>\(DashboardHTML.escape(repository.path))</code> · "
            + "<a href=\"/repos/\(DashboardHTML.escape(repository.name))/environments\">Environments and deployments</a></p>"
        html += "<h2>Workflows</h2>"
        let workflows = try await workflows(repository, ref: nil)
        if workflows.isEmpty { html += "<p class=\"empty\">No workflows on \(DashboardHTML.escape(repository.defaultBranch)) yet.</p>" }
        for workflow in workflows {
            html +=
                "<section class=\"workflow\"><h3>\(DashboardHTML.escape(workflow.name)) <small><code>\(DashboardHTML.escape(workflow.path))</code></small></h3>"
            html += "<p>on: \(workflow.events.map(DashboardHTML.escape).joined(separator: ", "))</p>"
            for error in workflow.errors { html += "<p class=\"error\">\(DashboardHTML.escape(error))</p>" }
            if workflow.events.contains("workflow_dispatch"), let role = caller.role, role >= .developer {
                html += """
                    <form class="dispatch" method="post" action="/repos/\(DashboardHTML.escape(repository.name))/dispatch">\
                    <input type="hidden" name="workflow" value="\(DashboardHTML.escape(workflow.path))">\
                    <label>ref <input name="ref" placeholder="\(DashboardHTML.escape(repository.defaultBranch))"></label>
                    """
                for input in workflow.dispatchInputs {
                    let name = "input." + input.name
                    let label = DashboardHTML.escape(input.name) + (input.required ? " *" : "")
                    if input.type == "boolean" {
                        html +=
                            "<label>\(label) <select name=\"\(DashboardHTML.escape(name))\"><option\(input.defaultValue == "true" ? " selected" : "")>true</option><option\(input.defaultValue != "true" ? " selected" : "")>false</option></select></label>"
                    } else if input.type == "choice" {
                        let options = input.options.map {
                            "<option\($0 == input.defaultValue ? " selected" : "")>\(DashboardHTML.escape($0))</option>"
                        }
                        html += "<label>\(label) <select name=\"\(DashboardHTML.escape(name))\">\(options.joined())</select></label>"
                    } else {
                        html +=
                            "<label>\(label) <input name=\"\(DashboardHTML.escape(name))\" value=\"\(DashboardHTML.escape(input.defaultValue ?? ""))\"\(input.required ? " required" : "")></label>"
                    }
                }
                html += "<button>Run workflow</button></form>"
            }
            html += "</section>"
        }
        let (runs, _) = try await store.runs(RunFilter(repository: repository.name, perPage: 10))
        html += "<h2>Recent runs</h2><ul class=\"recent\">"
        for summary in runs {
            let run = summary.run
            html +=
                "<li>\(DashboardHTML.badge(status: run.status.rawValue, conclusion: run.conclusion?.rawValue)) <a href=\"/runs/\(run.id!)\">\(DashboardHTML.escape(run.workflowName)) #\(run.number)</a> · \(DashboardHTML.escape(run.event)) · \(DashboardHTML.escape(Self.shortRef(run.ref)))</li>"
        }
        html += "</ul>"
        return DashboardHTML.page(title: repository.name, body: html)
    }

    static func shortRef(_ ref: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        return ref
    }
}
