import Crypto
import Foundation
import GaaraAlertCore

/// The samples' history at one-minute resolution, kept on disk for charts: per series and day one
/// fixed-size file of 1,440 slots (the last and the largest value of each minute, 32-bit floats,
/// NaN for a minute without data) — 11.5 KiB a series a day, written in place with one `pwrite`
/// of 8 bytes a minute, found by offset when read, and dropped a whole day at a time after the
/// retention. 30 days of 10 services (3 series each) and a machine (5) take 11.5 MiB.
public struct MetricRollups: Sendable {
    /// One series: a metric and its labels.
    public struct Series: Sendable, Hashable, Codable {
        /// The metric (`error_rate`).
        public var metric: String
        /// Its labels.
        public var labels: AlertLabels

        /// Creates a series.
        public init(metric: String, labels: AlertLabels) {
            self.metric = metric
            self.labels = labels
        }

        /// `error_rate{environment="production", service="web"}`.
        public var key: String { metric + LabelText.render(labels) }
    }

    /// One minute of a series.
    public struct Point: Sendable, Equatable {
        /// The minute's start (seconds since the epoch).
        public var time: Double
        /// The last value recorded in it.
        public var last: Double
        /// The largest.
        public var max: Double
    }

    /// The folder.
    public let root: URL
    /// Days kept.
    public let retentionDays: Int

    static let slots = 1440
    static let slotBytes = 8

    /// Rollups under `root`, kept `retentionDays` days.
    public init(root: URL, retentionDays: Int = 30) {
        self.root = root
        self.retentionDays = retentionDays
    }

    /// Records `samples` taken at `time` into their minutes.
    public func record(_ samples: [MetricSample], at time: Double) throws {
        let day = Int(time / 86400)
        let slot = Int(time.truncatingRemainder(dividingBy: 86400) / 60)
        for sample in samples where sample.value.isFinite {
            let series = Series(metric: sample.metric, labels: sample.labels)
            let folder = try folder(of: series, creating: true)
            let file = folder.appendingPathComponent("\(day).bin")
            let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
            defer { close(descriptor) }
            var size = stat()
            if fstat(descriptor, &size) == 0, size.st_size < Self.slots * Self.slotBytes {
                // A new day: every minute without data (NaN) until written.
                var empty = [Float](repeating: .nan, count: Self.slots * 2)
                _ = empty.withUnsafeMutableBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            }
            var pair: [Float] = [.nan, .nan]
            let offset = off_t(slot * Self.slotBytes)
            _ = pair.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Self.slotBytes, offset) }
            let value = Float(sample.value)
            pair = [value, pair[1].isNaN ? value : Swift.max(pair[1], value)]
            _ = pair.withUnsafeMutableBytes { pwrite(descriptor, $0.baseAddress, Self.slotBytes, offset) }
        }
    }

    /// The series recorded (for `metric` only, when given).
    public func series(metric: String? = nil) -> [Series] {
        let folders = (try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)) ?? []
        return folders.compactMap { folder -> Series? in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("series.json")),
                let series = try? JSONDecoder().decode(Series.self, from: data)
            else { return nil }
            return metric == nil || series.metric == metric ? series : nil
        }.sorted { $0.key < $1.key }
    }

    /// The minutes of `series` with data from `from` to `to`.
    public func points(_ series: Series, from: Double, to: Double) -> [Point] {
        guard let folder = try? folder(of: series, creating: false) else { return [] }
        var points: [Point] = []
        for day in Int(from / 86400)...Int(to / 86400) {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("\(day).bin")), data.count == Self.slots * Self.slotBytes else {
                continue
            }
            let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            for slot in 0..<Self.slots where !values[slot * 2].isNaN {
                let time = Double(day * 86400 + slot * 60)
                guard time >= from - 60, time <= to else { continue }
                points.append(Point(time: time, last: Double(values[slot * 2]), max: Double(values[slot * 2 + 1])))
            }
        }
        return points
    }

    /// Removes the days older than the retention at `now`; the bytes kept after.
    @discardableResult
    public func prune(at now: Double) -> Int {
        let oldest = Int(now / 86400) - retentionDays + 1
        var kept = 0
        for folder in (try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)) ?? [] {
            for file in (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.fileSizeKey])) ?? [] {
                guard file.pathExtension == "bin", let day = Int(file.deletingPathExtension().lastPathComponent) else { continue }
                if day < oldest {
                    try? FileManager.default.removeItem(at: file)
                } else {
                    kept += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
                }
            }
        }
        return kept
    }

    /// A series' folder: a digest of its key (labels may hold any character), with its key beside.
    private func folder(of series: Series, creating: Bool) throws -> URL {
        let digest = SHA256.hash(data: Data(series.key.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        let folder = root.appendingPathComponent(digest)
        if creating, !FileManager.default.fileExists(atPath: folder.appendingPathComponent("series.json").path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try JSONEncoder().encode(series).write(to: folder.appendingPathComponent("series.json"), options: .atomic)
        }
        return folder
    }
}
