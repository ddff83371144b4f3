import Foundation
import GaaraAPI
import GaaraDeploy
import GaaraDeployCore
import GaaraStore
import Hummingbird

extension CIServer {
    /// Dashboard pages for environments: what waits for approval (with the Approve / Reject form
    /// for those who may decide), each repository's environments and deployments, the audit trail.
    func registerEnvironmentPages(_ router: Router<BasicRequestContext>) {
        page(router, "/approvals") { [self] _, _, caller in
            let pending = try await pending(try await store.waitingDeployments(), caller: caller)
            var html = "<h1>Waiting for approval</h1>"
            if pending.isEmpty {
                html +=
                    "<p class=\"empty\">Nothing waits for approval. A job that names a protected environment (<code>gaara env set REPO ENV --reviewer …</code>) waits here.</p>"
            }
            for item in pending { html += approvalPanel(item, caller: caller, back: "/approvals") }
            return DashboardHTML.page(title: "Approvals", body: html)
        }
        page(router, "/repos/{repo}/environments") { [self] _, context, _ in try await environmentsPage(try await repository(context)) }
        page(router, "/repos/{repo}/alerts") { [self] _, context, _ in try alertsPage(try await repository(context)) }
        page(router, "/repos/{repo}/rollouts/{id}") { [self] _, context, caller in
            try await rolloutPage(try await repository(context), id: try Reply.integer(context, "id"), caller: caller)
        }
        // The rollout page's buttons: promote, pause, resume, abort (a held analysis waits for them).
        router.post("/repos/{repo}/rollouts/{id}/steer") { [self] request, context in
            let caller = await caller(of: request)
            guard caller.role != nil else { return Response(status: .seeOther, headers: [.location: "/login"]) }
            let repository = try await repository(context)
            let id = try Reply.integer(context, "id")
            let back = "/repos/\(repository.name)/rollouts/\(id)"
            var request = request
            let form = Self.form(String(buffer: try await request.collectBody(upTo: 16 * 1024)))
            do {
                guard let role = caller.role, role >= .approver else {
                    throw HTTPError(
                        .forbidden, message: "steering a rollout needs role approver or higher; this token has \(caller.role?.rawValue ?? "none")")
                }
                guard let row = try await store.rollout(repositoryID: repository.id!, id: id) else {
                    throw HTTPError(.notFound, message: "repository '\(repository.name)' has no rollout \(id)")
                }
                let running = try await steer(
                    repository, environment: row.environment, action: form["action"] ?? "", comment: form["comment"], caller: caller)
                guard running.id == id else { throw HTTPError(.conflict, message: "rollout \(id) is not the one in progress") }
            } catch let error as HTTPError {
                let html = """
                    <h1>Not done</h1><p class="error">\(DashboardHTML.escape(error.body ?? "\(error.status)"))</p>\
                    <p><a href="\(DashboardHTML.escape(back))">Back</a></p>
                    """
                return Reply.html(DashboardHTML.page(title: "Not done", body: html), status: error.status)
            }
            return Response(status: .seeOther, headers: [.location: back])
        }
        page(router, "/repos/{repo}/environments/{env}/incidents/{number}") { [self] _, context, _ in
            let repository = try await repository(context)
            let environment = try environmentName(context)
            let number = try Reply.integer(context, "number")
            guard let incident = try incidents(repository, environment).first(where: { $0.number == number }) else {
                throw HTTPError(.notFound, message: "environment '\(environment)' has no incident \(number)")
            }
            let repo = DashboardHTML.escape(repository.name)
            let html = """
                <h1><a href="/repos/\(repo)">\(repo)</a> · <a href="/repos/\(repo)/environments#env-\(DashboardHTML.escape(environment))">\
                \(DashboardHTML.escape(environment))</a> · incident \(number)</h1><pre class="report">\(DashboardHTML.escape(incident.markdown))</pre>
                """
            return DashboardHTML.page(title: "Incident \(number) · \(environment)", body: html)
        }
        page(router, "/repos/{repo}/environments/{env}/releases/{release}/evidence") { [self] _, context, _ in
            let repository = try await repository(context)
            let environment = try environmentName(context)
            let release = Reply.parameter(context, "release")
            let entries = try evidence(repository, environment, release: release)
            guard !entries.isEmpty else { throw HTTPError(.notFound, message: "release '\(release.prefix(64))' has no evidence in '\(environment)'") }
            let repo = DashboardHTML.escape(repository.name)
            var html = """
                <h1><a href="/repos/\(repo)">\(repo)</a> · <a href="/repos/\(repo)/environments#env-\(DashboardHTML.escape(environment))">\
                \(DashboardHTML.escape(environment))</a> · \(DashboardHTML.escape(release)) evidence</h1>
                """
            for (index, entry) in entries.enumerated() {
                let text = (try? DecisionEvidence.decode(canonical: Data(entry.evidence.utf8)).text) ?? entry.evidence
                html += """
                    <section class="evidence"><h2>Rollout \(index + 1) of \(entries.count)</h2>\
                    <p class="\(entry.verified && entry.trustedKey ? "meta" : "error")">\(entry.verified ? "✔" : "✘") \(DashboardHTML.escape(entry.verdict))</p>\
                    <pre class="report">\(DashboardHTML.escape(text))</pre></section>
                    """
            }
            return DashboardHTML.page(title: "\(release) evidence · \(environment)", body: html)
        }
        page(router, "/audit") { [self] request, _, caller in
            guard let role = caller.role, role >= .admin else {
                throw HTTPError(.forbidden, message: "the audit trail needs role admin; this token has \(caller.role?.rawValue ?? "none")")
            }
            return try await auditPage(repository: request.uri.queryParameters.get("repository").map { String($0) })
        }
        router.post("/runs/{id}/review") { [self] request, context in
            let caller = await caller(of: request)
            guard caller.role != nil else { return Response(status: .seeOther, headers: [.location: "/login"]) }
            let runID = try Reply.integer(context, "id")
            var request = request
            let form = Self.form(String(buffer: try await request.collectBody(upTo: 16 * 1024)))
            let back = form["back"].flatMap { Self.isLocalPath($0) ? $0 : nil } ?? "/runs/\(runID)"
            do {
                guard let role = caller.role, role >= .approver else {
                    throw HTTPError(.forbidden, message: "approving needs role approver or higher; this token has \(caller.role?.rawValue ?? "none")")
                }
                _ = try await review(
                    runID, body: ReviewBody(environments: [form["environment"] ?? ""], state: form["state"] ?? "", comment: form["comment"]),
                    caller: caller)
            } catch let error as HTTPError {
                // Errors for people: on the page, with the way back.
                let html = """
                    <h1>Not done</h1><p class="error">\(DashboardHTML.escape(error.body ?? "\(error.status)"))</p>\
                    <p><a href="\(DashboardHTML.escape(back))">Back</a></p>
                    """
                return Reply.html(DashboardHTML.page(title: "Not done", body: html), status: error.status)
            }
            return Response(status: .seeOther, headers: [.location: back])
        }
    }

    /// One deployment waiting for review: who asked, for what, who may decide, and the form.
    func approvalPanel(_ item: PendingDeploymentJSON, caller: Caller, back: String) -> String {
        let deployment = item.deployment
        var html = """
            <section class="approval" data-environment="\(DashboardHTML.escape(deployment.environment))">\
            <h3>\(DashboardHTML.badge(status: "waiting", conclusion: nil)) Deploy to <b>\(DashboardHTML.escape(deployment.environment))</b></h3>\
            <p class="meta"><a href="/runs/\(deployment.runId)">run \(deployment.runId)</a> · \(DashboardHTML.escape(deployment.repository)) · \
            job \(DashboardHTML.escape(deployment.job)) · <code>\(deployment.sha.prefix(12))</code> · \(DashboardHTML.escape(Self.shortRef(deployment.ref))) · \
            by \(DashboardHTML.escape(deployment.creator))</p>\
            <p>Reviewers: \(item.reviewers.map(DashboardHTML.escape).joined(separator: ", "))\
            \(item.preventSelfReview ? " · the run's author may not approve it" : "")\
            \(item.timesOutAt.map { " · times out <time datetime=\"\(DashboardHTML.escape($0))\">\(DashboardHTML.escape($0))</time>" } ?? "")</p>
            """
        if item.currentUserCanApprove {
            html += """
                <form class="review" method="post" action="/runs/\(deployment.runId)/review">\
                <input type="hidden" name="environment" value="\(DashboardHTML.escape(deployment.environment))">\
                <input type="hidden" name="back" value="\(DashboardHTML.escape(back))">\
                <label>Comment <textarea name="comment" rows="2" maxlength="2000"></textarea></label>\
                <div class="buttons"><button name="state" value="approved" class="approve">Approve and deploy</button>\
                <button name="state" value="rejected" class="reject">Reject</button></div></form>
                """
        } else {
            html += "<p class=\"hint\">You (\(DashboardHTML.escape(caller.name))) cannot approve this deployment.</p>"
        }
        return html + "</section>"
    }

    /// The run page's part for environments: what waits, and the run's deployments.
    func runEnvironmentsSection(_ runID: Int64, caller: Caller) async throws -> String {
        let deployments = try await store.deployments(runID: runID)
        guard !deployments.isEmpty else { return "" }
        var html = ""
        let waiting = try await pending(deployments.filter { $0.state == "waiting" }, caller: caller)
        for item in waiting { html += approvalPanel(item, caller: caller, back: "/runs/\(runID)") }
        html += "<h2>Deployments</h2><div class=\"scroll\"><table class=\"deployments\"><thead><tr><th>Environment</th><th>State</th><th>Job</th>"
        html += "<th>URL</th><th>Decided by</th></tr></thead><tbody>"
        for deployment in deployments {
            html += try await deploymentRow(deployment, showRun: false)
        }
        return html + "</tbody></table></div>"
    }

    private func deploymentRow(_ deployment: DeploymentRecord, showRun: Bool) async throws -> String {
        let reviews = try await store.reviews(deployment.id!)
        let decided = reviews.map {
            "\(DashboardHTML.escape($0.reviewer)) (\(DashboardHTML.escape($0.role))) \($0.approved ? "approved" : "rejected")"
                + ($0.comment.isEmpty ? "" : ": “\(DashboardHTML.escape($0.comment))”")
        }.joined(separator: "<br>")
        let url = deployment.url.map { "<a href=\"\(DashboardHTML.escape($0))\">\(DashboardHTML.escape($0))</a>" } ?? ""
        let run = showRun ? "<td><a href=\"/runs/\(deployment.runID)\">run \(deployment.runID)</a> <code>\(deployment.sha.prefix(7))</code></td>" : ""
        let first = showRun ? "#\(deployment.id!)" : DashboardHTML.escape(deployment.environment)
        return """
            <tr><td>\(first)</td><td>\(DashboardHTML.badge(status: deployment.state, conclusion: nil))</td>\(run)\
            <td>\(DashboardHTML.escape(deployment.jobName))</td><td>\(url)</td><td>\(decided.isEmpty ? "—" : decided)</td>\
            \(showRun ? "<td>\(DashboardHTML.escape(deployment.creator))</td><td><time>\(APICoding.time(deployment.createdAt) ?? "")</time></td>" : "")</tr>
            """
    }

    func environmentsPage(_ repository: RepositoryRecord) async throws -> String {
        var names = Set(try await store.environments(repositoryID: repository.id!).map(\.name))
        let deployments = try await store.deployments(repositoryID: repository.id!, limit: 500)
        for deployment in deployments { names.insert(deployment.environment) }
        let rolloutRows = try await store.rollouts(repositoryID: repository.id!, limit: 500)
        for row in rolloutRows { names.insert(row.environment) }
        var html =
            "<h1><a href=\"/repos/\(DashboardHTML.escape(repository.name))\">\(DashboardHTML.escape(repository.name))</a> · Environments</h1>"
            + "<p><a href=\"/repos/\(DashboardHTML.escape(repository.name))/alerts\">Alerts</a></p>"
        if names.isEmpty {
            html +=
                "<p class=\"empty\">No environments yet: a job with <code>environment: NAME</code> creates one; <code>gaara env set \(DashboardHTML.escape(repository.name)) NAME --reviewer …</code> protects it.</p>"
        }
        for name in names.sorted() {
            let rules = try await desk.rules(repositoryID: repository.id!, environment: name)
            let ofEnvironment = deployments.filter { $0.environment == name }
            let current = ofEnvironment.first { $0.state == "success" }
            html += "<section class=\"environment\" id=\"env-\(DashboardHTML.escape(name))\"><h2>\(DashboardHTML.escape(name))</h2>"
            html += "<p class=\"meta\">Protection: \(DashboardHTML.escape(Self.describe(rules)))</p>"
            if let current {
                html += """
                    <p>Current: \(DashboardHTML.badge(status: current.state, conclusion: nil)) <code>\(current.sha.prefix(12))</code> from \
                    <a href="/runs/\(current.runID)">run \(current.runID)</a>\
                    \(current.url.map { " · <a href=\"\(DashboardHTML.escape($0))\">\(DashboardHTML.escape($0))</a>" } ?? "")</p>
                    """
            } else {
                html += "<p class=\"empty\">Nothing deployed successfully yet.</p>"
            }
            html += """
                <div class="scroll"><table class="deployments"><thead><tr><th>Deployment</th><th>State</th><th>Run</th><th>Job</th><th>URL</th>\
                <th>Decided by</th><th>Creator</th><th>Created</th></tr></thead><tbody>
                """
            for deployment in ofEnvironment.prefix(50) { html += try await deploymentRow(deployment, showRun: true) }
            html += "</tbody></table></div>"
            html += try releasesSection(repository, name, rollouts: rolloutRows.filter { $0.environment == name })
            html += "</section>"
        }
        return DashboardHTML.page(title: "\(repository.name) environments", body: html)
    }

    /// An environment's releases and rollouts the server ran (`gaara deploy --url`), if any.
    private func releasesSection(_ repository: RepositoryRecord, _ environment: String, rollouts rows: [RolloutRow]) throws -> String {
        let releases = RolloutDesk.isFolderName(environment) ? try rollouts.folder(repository.name, environment).history().releases : []
        guard !releases.isEmpty || !rows.isEmpty else { return "" }
        let repo = DashboardHTML.escape(repository.name)
        let env = DashboardHTML.escape(environment)
        let folder = RolloutDesk.isFolderName(environment) ? rollouts.folder(repository.name, environment) : nil
        var html = "<h3>Releases</h3><div class=\"scroll\"><table class=\"releases\"><thead><tr><th>Release</th><th>State</th>"
        html += "<th>Artifact</th><th>Commit</th><th>Creator</th><th>Created</th><th>Evidence</th></tr></thead><tbody>"
        for release in releases.reversed().prefix(50) {
            let hasEvidence = folder?.hasEvidence(release.id) ?? false
            html += """
                <tr><td>\(DashboardHTML.escape(release.id))</td><td>\(DashboardHTML.badge(status: release.state.rawValue, conclusion: nil))</td>\
                <td><code class="digest">\(DashboardHTML.escape(release.artifact))</code></td><td><code>\(DashboardHTML.escape(String((release.commit ?? "").prefix(12))))</code></td>\
                <td>\(DashboardHTML.escape(release.creator))</td><td><time>\(APICoding.time(release.created.timeIntervalSince1970) ?? "")</time></td>\
                <td>\(hasEvidence ? "<a href=\"/repos/\(repo)/environments/\(env)/releases/\(DashboardHTML.escape(release.id))/evidence\">signed decisions</a>" : "—")</td></tr>
                """
        }
        html += "</tbody></table></div><h3>Rollouts</h3><div class=\"scroll\"><table class=\"rollouts\"><thead><tr><th>Rollout</th>"
        html += "<th>State</th><th>Kind</th><th>Commit</th><th>Made live</th><th>By</th><th>Started</th></tr></thead><tbody>"
        for row in rows.prefix(50) {
            html += """
                <tr><td><a href="/repos/\(repo)/rollouts/\(row.id!)">#\(row.id!)</a></td><td>\(DashboardHTML.badge(status: row.state, conclusion: nil))</td>\
                <td>\(DashboardHTML.escape(row.kind))\(row.service.map { " " + DashboardHTML.escape($0) } ?? "")</td><td><code>\(row.sha.prefix(12))</code></td>\
                <td>\(DashboardHTML.escape(row.releases.isEmpty ? "—" : row.releases))</td><td>\(DashboardHTML.escape(row.actor))</td>\
                <td><time>\(APICoding.time(row.createdAt) ?? "")</time></td></tr>
                """
        }
        html += "</tbody></table></div>"
        let reports = try incidents(repository, environment)
        guard !reports.isEmpty else { return html }
        html += "<h3>Incidents</h3><div class=\"scroll\"><table class=\"incidents\"><thead><tr><th>Incident</th><th>Status</th><th>Rolled back</th>"
        html += "<th>Trigger</th><th>Detected</th><th>Time to detect</th><th>Time to restore</th></tr></thead><tbody>"
        for report in reports.prefix(50) {
            html += """
                <tr><td><a href="/repos/\(repo)/environments/\(env)/incidents/\(report.number)">#\(report.number)</a></td>\
                <td>\(report.resolvedBy.map { "resolved by " + DashboardHTML.escape($0) } ?? "<b>open</b>")</td>\
                <td>\(DashboardHTML.escape(report.failedRelease)) → \(DashboardHTML.escape(report.restoredRelease ?? "nothing"))</td>\
                <td>\(DashboardHTML.escape(String((report.trigger.split(separator: "\n").first ?? "").prefix(200))))</td>\
                <td><time>\(DashboardHTML.escape(report.detectedAt))</time></td><td>\(String(format: "%.1f s", report.timeToDetect))</td>\
                <td>\(String(format: "%.1f s", report.timeToRestore))</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }

    /// One rollout the server ran: who asked for what, how it ended, and its progress log (reloaded
    /// every 2 s while it runs, so the page works without JavaScript).
    func rolloutPage(_ repository: RepositoryRecord, id: Int64, caller: Caller) async throws -> String {
        guard let row = try await store.rollout(repositoryID: repository.id!, id: id) else {
            throw HTTPError(.notFound, message: "repository '\(repository.name)' has no rollout \(id)")
        }
        let repo = DashboardHTML.escape(repository.name)
        let (log, _) = Self.readLog(rollouts.logFile(repository: repository.name, id: id), from: 0)
        var html = """
            <h1><a href="/repos/\(repo)">\(repo)</a> · <a href="/repos/\(repo)/environments#env-\(DashboardHTML.escape(row.environment))">\
            \(DashboardHTML.escape(row.environment))</a> · \(DashboardHTML.escape(row.kind)) #\(id)</h1>\
            <p class="meta">\(DashboardHTML.badge(status: row.state, conclusion: nil)) <code>\(row.sha.prefix(12))</code> \
            (\(DashboardHTML.escape(Self.shortRef(row.ref)))) · by \(DashboardHTML.escape(row.actor)) · \
            <time>\(APICoding.time(row.createdAt) ?? "")</time>\(row.releases.isEmpty ? "" : " · made live: " + DashboardHTML.escape(row.releases))</p>
            """
        if let error = row.error { html += "<p class=\"error\">\(DashboardHTML.escape(error))</p>" }
        if row.state == "running", let role = caller.role, role >= .approver {
            // A held analysis (inconclusive, or worse with on-fail: pause) waits for one of these.
            html += """
                <form class="steer" method="post" action="/repos/\(repo)/rollouts/\(id)/steer">\
                <label>Comment <input name="comment" maxlength="1000" placeholder="why (kept in the signed evidence)"></label><div class="buttons">\
                <button name="action" value="promote" class="approve">Promote</button>\
                <button name="action" value="promote-full">Promote to 100%</button>\
                <button name="action" value="pause">Pause</button><button name="action" value="resume">Resume</button>\
                <button name="action" value="abort" class="reject">Abort and roll back</button></div></form>
                """
        }
        html += "<h2>Log</h2><div class=\"log\">\(DashboardHTML.log(log))</div>"
        guard row.state == "running" else { return DashboardHTML.page(title: "\(row.kind) #\(id) · \(row.environment)", body: html) }
        html = "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>" + html
        return DashboardHTML.page(title: "\(row.kind) #\(id) · \(row.environment)", body: html, script: "Gaara.refreshUnlessTyping(2000);")
    }

    func auditPage(repository: String?) async throws -> String {
        var html = "<h1>Audit trail</h1><div class=\"scroll\"><table class=\"audit\"><thead><tr><th>When</th><th>Who</th><th>Role</th><th>Action</th>"
        html += "<th>Repository</th><th>Target</th><th>Comment</th></tr></thead><tbody>"
        for entry in try await store.audit(repository: repository, limit: 500) {
            html += """
                <tr><td><time>\(APICoding.time(entry.createdAt) ?? "")</time></td><td>\(DashboardHTML.escape(entry.actor))</td>\
                <td>\(DashboardHTML.escape(entry.role))</td><td><code>\(DashboardHTML.escape(entry.action))</code></td>\
                <td>\(DashboardHTML.escape(entry.repository))</td><td>\(DashboardHTML.escape(entry.target))</td><td>\(DashboardHTML.escape(entry.comment))</td></tr>
                """
        }
        return DashboardHTML.page(title: "Audit trail", body: html + "</tbody></table></div>")
    }
}
