/// The environment a job builds up for its steps: workflow and job `env`, then what its steps add
/// with `GITHUB_ENV` and `GITHUB_PATH`. Step environments are computed from it, host and defaults
/// first (``JobExecution/environment(for:scope:files:stepEnv:)``).
struct JobEnvironment: Sendable {
    /// Workflow and job `env`, evaluated at job start.
    var base: [String: String] = [:]
    /// Variables added with `GITHUB_ENV`.
    var added: [String: String] = [:]
    /// Directories added with `GITHUB_PATH` (and by setup actions), newest first.
    var addedPath: [String] = []

    /// Adds a variable a step wrote to `GITHUB_ENV`. `NODE_OPTIONS` and `LD_PRELOAD` are dropped, as
    /// GitHub does: they would run a step's code inside every later process, the runner's too.
    mutating func add(_ name: String, _ value: String) {
        if name == "NODE_OPTIONS" || name.uppercased() == "LD_PRELOAD" { return }
        added[name] = value
    }

    /// Puts `directory` first on `PATH` (moving it there when it was added before).
    mutating func prependPath(_ directory: String) {
        addedPath.removeAll { $0 == directory }
        addedPath.insert(directory, at: 0)
    }
}
