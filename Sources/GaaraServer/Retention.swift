import Foundation
import GaaraStore

/// Removes what outlived its retention: artifacts of old runs, cache entries not used for a while.
/// Runs an hour apart; run records and their compressed logs are kept.
struct Retention: Sendable {
    let server: CIServer

    func run() async {
        while !Task.isCancelled {
            await sweep(now: Date())
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// One pass: returns how many artifact folders and cache entries it removed.
    @discardableResult
    func sweep(now: Date) async -> (artifacts: Int, caches: Int) {
        let configuration = server.configuration
        var artifacts = 0
        let cutoff = now.timeIntervalSince1970 - configuration.artifactRetentionDays * 86400
        for runID in (try? await server.store.runsFinished(before: cutoff)) ?? [] {
            let folder = server.runsDirectory.appendingPathComponent(String(runID))
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            try? FileManager.default.removeItem(at: folder)
            try? await server.store.expireArtifacts(runID: runID)
            artifacts += 1
        }
        var caches = 0
        let cacheRoot = configuration.dataDirectory.appendingPathComponent("cache")
        let cacheCutoff = now.addingTimeInterval(-configuration.cacheRetentionDays * 86400)
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
