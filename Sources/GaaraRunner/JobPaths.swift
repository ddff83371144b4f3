import Foundation

/// The folders of one job instance under the run's directory. A value, so that the parts of a job
/// that only read or write files (the backends, the built-in actions) get these and nothing else.
struct JobPaths: Sendable {
    /// The job's workspace (`GITHUB_WORKSPACE`): `work/SLUG` under the run's directory.
    let workspace: URL
    /// `RUNNER_TEMP`: script files and the file-command files.
    let temp: URL
    /// Where the job's step logs and its summary go.
    let logDirectory: URL
    /// `RUNNER_TOOL_CACHE`, shared by the run's jobs.
    let toolCache: URL
    /// The event payload (`GITHUB_EVENT_PATH`), shared by the run's jobs.
    let eventPath: String

    /// The folders of the job instance whose folder name is `slug`.
    init(runDirectory: URL, slug: String) {
        workspace = runDirectory.appendingPathComponent("work/\(slug)")
        temp = runDirectory.appendingPathComponent("tmp/\(slug)")
        logDirectory = runDirectory.appendingPathComponent("logs/\(slug)")
        toolCache = runDirectory.appendingPathComponent("tool-cache")
        eventPath = runDirectory.path + "/event.json"
    }
}
