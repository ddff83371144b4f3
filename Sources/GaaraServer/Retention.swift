import Foundation
import GaaraStore
import ServiceLifecycle

/// Removes what outlived its retention: artifacts of old runs, cache entries not used for a while.
/// Runs an hour apart; run records and their compressed logs are kept.
struct Retention: ServiceLifecycle.Service {
    let store: Store
    let runsDirectory: URL
    let cacheDirectory: URL
    let artifactRetentionDays: Double
    let cacheRetentionDays: Double

    /// Sweeps hourly until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep(now: Date())
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// One pass: returns how many artifact folders and cache entries it removed.
    @discardableResult
    func sweep(now: Date) async -> (artifacts: Int, caches: Int) {
        var artifacts = 0
        let cutoff = now.timeIntervalSince1970 - artifactRetentionDays * 86400
        for runID in (try? await store.runsFinished(before: cutoff)) ?? [] {
            let folder = runsDirectory.appendingPathComponent(String(runID))
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            try? FileManager.default.removeItem(at: folder)
            try? await store.expireArtifacts(runID: runID)
            artifacts += 1
        }
        var caches = 0
        let cacheRoot = cacheDirectory
        let cacheCutoff = now.addingTimeInterval(-cacheRetentionDays * 86400)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cacheRoot.path)) ?? [] {
            let entry = cacheRoot.appendingPathComponent(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: entry.path))?[.modificationDate] as? Date,
                modified < cacheCutoff
            else { continue }
            try? FileManager.default.removeItem(at: entry)
            caches += 1
        }
        return (artifacts, caches)
    }
}
