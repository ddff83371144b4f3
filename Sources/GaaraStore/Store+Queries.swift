import Foundation
import GRDB

extension Store {
    // MARK: Repositories

    /// Adds a repository; fails when the name is taken.
    public func addRepository(_ record: RepositoryRecord) async throws -> RepositoryRecord {
        try await pool.write { db in
            var record = record
            try record.insert(db)
            return record
        }
    }

    /// All repositories by name.
    public func repositories() async throws -> [RepositoryRecord] {
        try await pool.read { db in try RepositoryRecord.order(Column("name")).fetchAll(db) }
    }

    /// A repository by name.
    public func repository(named name: String) async throws -> RepositoryRecord? {
        try await pool.read { db in try RepositoryRecord.filter(Column("name") == name).fetchOne(db) }
    }

    /// A repository by id.
    public func repository(id: Int64) async throws -> RepositoryRecord? {
        try await pool.read { db in try RepositoryRecord.fetchOne(db, key: id) }
    }

    /// Updates a repository.
    public func updateRepository(_ record: RepositoryRecord) async throws {
        try await pool.write { db in try record.update(db) }
    }

    // MARK: Runs

    /// Creates a queued run with the next number of its repository.
    public func createRun(_ record: RunRecord) async throws -> RunRecord {
        try await pool.write { db in
            var record = record
            let last = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM run WHERE repositoryID = ?", arguments: [record.repositoryID]) ?? 0
            record.number = last + 1
            try record.insert(db)
            return record
        }
    }

    /// A run by id.
    public func run(id: Int64) async throws -> RunRecord? {
        try await pool.read { db in try RunRecord.fetchOne(db, key: id) }
    }

    /// Runs matching a filter, newest first, and the total count.
    public func runs(_ filter: RunFilter) async throws -> (runs: [RunSummary], total: Int) {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let repository = filter.repository {
                conditions.append("repository.name = ?")
                arguments.append(repository)
            }
            if let branch = filter.branch {
                conditions.append("(run.ref = ? OR run.ref = ?)")
                arguments.append(branch)
                arguments.append("refs/heads/" + branch)
            }
            if let status = filter.status {
                if RunStatus(rawValue: status) != nil {
                    conditions.append("run.status = ?")
                } else {
                    conditions.append("run.conclusion = ?")
                }
                arguments.append(status)
            }
            if let event = filter.event {
                conditions.append("run.event = ?")
                arguments.append(event)
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let perPage = min(max(filter.perPage, 1), 100)
            let offset = (max(filter.page, 1) - 1) * perPage
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM run JOIN repository ON repository.id = run.repositoryID \(whereClause)",
                    arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT run.*, repository.name AS repositoryName FROM run JOIN repository ON repository.id = run.repositoryID
                    \(whereClause) ORDER BY run.id DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments + [perPage, offset]))
            let runs = try rows.map { row in RunSummary(run: try RunRecord(row: row), repository: row["repositoryName"]) }
            return (runs, total)
        }
    }

    /// Runs waiting to start, oldest first.
    public func queuedRuns() async throws -> [RunRecord] {
        try await pool.read { db in
            try RunRecord.filter(Column("status") == RunStatus.queued.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// Marks a run as started.
    public func startRun(_ id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE run SET status = 'running', startedAt = ? WHERE id = ?", arguments: [Date().timeIntervalSince1970, id])
        }
    }

    /// Marks a run (and its unfinished jobs and steps) as completed.
    public func finishRun(_ id: Int64, conclusion: RunConclusion) async throws {
        try await pool.write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: "UPDATE run SET status = 'completed', conclusion = ?, finishedAt = ? WHERE id = ?", arguments: [conclusion.rawValue, now, id])
            let unfinished = conclusion == .success ? RunConclusion.skipped : conclusion
            try db.execute(
                sql: "UPDATE job SET status = 'completed', conclusion = ?, finishedAt = ? WHERE runID = ? AND status != 'completed'",
                arguments: [unfinished.rawValue, now, id])
            try db.execute(
                sql: """
                    UPDATE step SET status = 'completed', conclusion = ?, outcome = ?, finishedAt = ?
                    WHERE status != 'completed' AND jobID IN (SELECT id FROM job WHERE runID = ?)
                    """, arguments: [unfinished.rawValue, unfinished.rawValue, now, id])
        }
    }

    /// After a crash or restart: runs that were running become interrupted (with their jobs and
    /// steps); queued runs stay queued to be started again. Returns the interrupted run ids.
    public func recoverInterruptedRuns() async throws -> [Int64] {
        let running = try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM run WHERE status = 'running'")
        }
        for id in running { try await finishRun(id, conclusion: .interrupted) }
        return running
    }

    // MARK: Jobs and steps

    /// Records that a job instance started; returns its id.
    public func startJob(runID: Int64, key: String, index: Int, name: String) async throws -> Int64 {
        try await pool.write { db in
            let now = Date().timeIntervalSince1970
            if var existing = try JobRecord.filter(Column("runID") == runID && Column("jobKey") == key && Column("matrixIndex") == index).fetchOne(db)
            {
                existing.status = .running
                existing.name = name
                existing.startedAt = now
                try existing.update(db)
                return existing.id!
            }
            var job = JobRecord(
                runID: runID, jobKey: key, matrixIndex: index, name: name, status: .running, conclusion: nil, startedAt: now, finishedAt: nil,
                outputsJSON: "{}")
            try job.insert(db)
            return job.id!
        }
    }

    /// Records a job that will not run.
    public func skipJob(runID: Int64, key: String, name: String) async throws {
        try await pool.write { db in
            var job = JobRecord(
                runID: runID, jobKey: key, matrixIndex: 0, name: name, status: .completed, conclusion: .skipped, startedAt: nil, finishedAt: nil,
                outputsJSON: "{}")
            try job.insert(db, onConflict: .replace)
        }
    }

    /// Records that a job instance finished.
    public func finishJob(_ id: Int64, conclusion: RunConclusion, outputsJSON: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE job SET status = 'completed', conclusion = ?, finishedAt = ?, outputsJSON = ? WHERE id = ?",
                arguments: [conclusion.rawValue, Date().timeIntervalSince1970, outputsJSON, id])
        }
    }

    /// Records that a step started.
    public func startStep(jobID: Int64, number: Int, name: String) async throws {
        try await pool.write { db in
            var step = StepRecord(
                jobID: jobID, number: number, name: name, status: .running, outcome: nil, conclusion: nil, startedAt: Date().timeIntervalSince1970,
                finishedAt: nil, error: nil)
            try step.insert(db, onConflict: .replace)
        }
    }

    /// Records that a step finished (or was skipped without starting).
    public func finishStep(jobID: Int64, number: Int, name: String, outcome: RunConclusion, conclusion: RunConclusion, error: String?) async throws {
        try await pool.write { db in
            let now = Date().timeIntervalSince1970
            if var step = try StepRecord.filter(Column("jobID") == jobID && Column("number") == number).fetchOne(db) {
                step.status = .completed
                step.outcome = outcome
                step.conclusion = conclusion
                step.finishedAt = now
                step.error = error
                try step.update(db)
            } else {
                var step = StepRecord(
                    jobID: jobID, number: number, name: name, status: .completed, outcome: outcome, conclusion: conclusion, startedAt: nil,
                    finishedAt: now, error: error)
                try step.insert(db)
            }
        }
    }

    /// The jobs of a run with their steps, in start order.
    public func jobs(runID: Int64) async throws -> [(job: JobRecord, steps: [StepRecord])] {
        try await pool.read { db in
            let jobs = try JobRecord.filter(Column("runID") == runID).order(Column("id")).fetchAll(db)
            return try jobs.map { job in
                (job, try StepRecord.filter(Column("jobID") == job.id!).order(Column("number")).fetchAll(db))
            }
        }
    }

    // MARK: Annotations and statuses

    /// Adds an annotation.
    public func addAnnotation(_ record: AnnotationRecord) async throws {
        try await pool.write { db in
            var record = record
            try record.insert(db)
        }
    }

    /// The annotations of a run.
    public func annotations(runID: Int64) async throws -> [AnnotationRecord] {
        try await pool.read { db in try AnnotationRecord.filter(Column("runID") == runID).order(Column("id")).fetchAll(db) }
    }

    /// Sets the latest state of a status context on a commit.
    public func setStatus(_ record: CommitStatusRecord) async throws {
        try await pool.write { db in try record.insert(db, onConflict: .replace) }
    }

    /// The statuses of a commit.
    public func statuses(repositoryID: Int64, sha: String) async throws -> [CommitStatusRecord] {
        try await pool.read { db in
            try CommitStatusRecord.filter(Column("repositoryID") == repositoryID && Column("sha") == sha).order(Column("context")).fetchAll(db)
        }
    }

    // MARK: Tokens

    /// Stores a token hash.
    public func addToken(name: String, hash: String, role: String) async throws -> TokenRecord {
        try await pool.write { db in
            var token = TokenRecord(name: name, hash: hash, role: role, createdAt: Date().timeIntervalSince1970, lastUsedAt: nil)
            try token.insert(db)
            return token
        }
    }

    /// The token with this hash.
    public func token(hash: String) async throws -> TokenRecord? {
        try await pool.read { db in try TokenRecord.filter(Column("hash") == hash).fetchOne(db) }
    }

    /// All tokens (hashes included; callers must not show them).
    public func tokens() async throws -> [TokenRecord] {
        try await pool.read { db in try TokenRecord.order(Column("id")).fetchAll(db) }
    }

    /// Removes a token; returns whether it existed.
    public func deleteToken(id: Int64) async throws -> Bool {
        try await pool.write { db in try TokenRecord.deleteOne(db, key: id) }
    }

    /// How many tokens exist.
    public func tokenCount() async throws -> Int {
        try await pool.read { db in try TokenRecord.fetchCount(db) }
    }

    // MARK: Schedules and webhooks

    /// When a schedule last fired (Unix seconds), nil if never.
    public func lastFire(repositoryID: Int64, workflowPath: String, cron: String) async throws -> Double? {
        try await pool.read { db in
            try Double.fetchOne(
                db, sql: "SELECT lastFire FROM scheduleState WHERE repositoryID = ? AND workflowPath = ? AND cron = ?",
                arguments: [repositoryID, workflowPath, cron])
        }
    }

    /// Records a schedule firing; returns false when that tick was already recorded (no double run).
    public func recordFire(repositoryID: Int64, workflowPath: String, cron: String, at time: Double) async throws -> Bool {
        try await pool.write { db in
            let last = try Double.fetchOne(
                db, sql: "SELECT lastFire FROM scheduleState WHERE repositoryID = ? AND workflowPath = ? AND cron = ?",
                arguments: [repositoryID, workflowPath, cron])
            if let last, last >= time { return false }
            try db.execute(
                sql: "INSERT OR REPLACE INTO scheduleState (repositoryID, workflowPath, cron, lastFire) VALUES (?, ?, ?, ?)",
                arguments: [repositoryID, workflowPath, cron, time])
            return true
        }
    }

    /// Records a webhook delivery id; returns false for a replay.
    public func recordDelivery(_ id: String) async throws -> Bool {
        try await recordDelivery([id])
    }

    /// Records a delivery under every one of `ids` (its delivery header and its body's digest) in
    /// one transaction; false, recording nothing, when any of them was seen before: a signed body
    /// sent again with a new or missing delivery header is still a replay.
    public func recordDelivery(_ ids: [String]) async throws -> Bool {
        try await pool.write { db in
            for id in ids where try Bool.fetchOne(db, sql: "SELECT 1 FROM webhookDelivery WHERE id = ?", arguments: [id]) == true {
                return false
            }
            for id in Set(ids) {
                try db.execute(sql: "INSERT INTO webhookDelivery (id, receivedAt) VALUES (?, ?)", arguments: [id, Date().timeIntervalSince1970])
            }
            return true
        }
    }
}
