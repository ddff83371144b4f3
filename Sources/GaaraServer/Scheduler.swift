import Foundation
import GaaraStore
import GaaraWorkflow
import Logging
import ServiceLifecycle

/// Fires `on.schedule` workflows: each second it looks at the current UTC minute and, for every
/// repository's default-branch workflows whose cron matches it, records the tick in the database
/// before starting the run, so a restart within the same minute never runs it twice.
struct Scheduler: ServiceLifecycle.Service {
    let store: Store
    let git: GitHost
    let triggers: Triggers
    let logger: Logger
    /// Starts the runs a tick queued.
    let start: @Sendable ([RunRecord]) async -> Void

    /// Ticks until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        var lastMinute: Int64 = 0
        while !Task.isCancelled {
            let now = Int64(Date().timeIntervalSince1970)
            let minute = now - now % 60
            if minute != lastMinute {
                lastMinute = minute
                await tick(minute)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Starts the scheduled runs due at `minute` (Unix seconds at the minute's start).
    func tick(_ minute: Int64) async {
        guard let repositories = try? await store.repositories() else { return }
        let date = Date(timeIntervalSince1970: Double(minute))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        for repository in repositories {
            let bare = URL(fileURLWithPath: repository.path)
            guard let sha = await git.resolve(bare, "refs/heads/" + repository.defaultBranch),
                let files = try? await git.workflows(bare, commit: sha, where: { $1.contains("schedule") })
            else { continue }
            for file in files {
                guard let workflow = file.loaded.workflow,
                    let trigger = workflow.triggers["schedule"]
                else { continue }
                for schedule in trigger.schedules {
                    let cron = schedule.expression
                    guard schedule.cron.matches(minute: c.minute!, hour: c.hour!, day: c.day!, month: c.month!, weekday: c.weekday! - 1)
                    else { continue }
                    do {
                        guard try await store.recordFire(repositoryID: repository.id!, workflowPath: file.path, cron: cron, at: Double(minute))
                        else { continue }
                        let run = try await triggers.schedule(
                            repository, workflowPath: file.path, workflowName: workflow.name ?? file.path, cron: cron, sha: sha)
                        await start([run])
                    } catch {
                        logger.error(
                            "cannot start a scheduled run",
                            metadata: [
                                "repository": "\(repository.name)", "workflow.path": "\(file.path)", "cron": "\(cron)", "error": "\(error)",
                            ])
                    }
                }
            }
        }
    }
}
