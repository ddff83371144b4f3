import Foundation
import GaaraAlertCore

/// Reads a container's counters the way the kernel keeps them, found through its main process:
/// its cgroup (v2's `cpu.stat`, `memory.current` and `memory.max`; on a v1 or hybrid host the
/// `cpuacct` and `memory` controllers) and its network namespace's `/proc/PID/net/dev`. No engine
/// API is asked: the same code reads Docker's, Podman's or containerd's containers.
public enum ContainerStats {
    /// A process's cgroups from `/proc/PID/cgroup`: the unified (v2) path, and v1's path per
    /// controller (`cpu,cpuacct` lines give both names).
    struct Paths: Equatable {
        var unified: String?
        var controllers: [String: String] = [:]
    }

    static func paths(_ text: String) -> Paths {
        var paths = Paths()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0", parts[1].isEmpty {
                paths.unified = String(parts[2])
            } else {
                for controller in parts[1].split(separator: ",") { paths.controllers[String(controller)] = String(parts[2]) }
            }
        }
        return paths
    }

    /// The reading of the container whose main process is `pid` (`proc` and `cgroupRoot` are for
    /// tests: other trees laid out the same way). A counter that cannot be read is left out.
    public static func reading(
        pid: Int32, name: String, service: String, release: String, proc: URL = URL(fileURLWithPath: "/proc"),
        cgroupRoot: URL = URL(fileURLWithPath: "/sys/fs/cgroup")
    ) -> ContainerReading {
        var reading = ContainerReading(name: name, service: service, release: release)
        let process = proc.appendingPathComponent(String(pid))
        func text(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }
        func number(_ url: URL) -> Double? { text(url).flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        if let cgroups = text(process.appendingPathComponent("cgroup")) {
            let paths = paths(cgroups)
            let pureV2 = FileManager.default.fileExists(atPath: cgroupRoot.appendingPathComponent("cgroup.controllers").path)
            if pureV2, let unified = paths.unified {
                let folder = cgroupRoot.appendingPathComponent(unified)
                reading.cpuSeconds = text(folder.appendingPathComponent("cpu.stat")).flatMap(usageSeconds)
                reading.memoryBytes = number(folder.appendingPathComponent("memory.current"))
                reading.memoryLimitBytes = number(folder.appendingPathComponent("memory.max"))  // "max": no limit, nil
            } else {
                if let path = paths.controllers["cpuacct"] {
                    let folders = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"].map { cgroupRoot.appendingPathComponent($0).appendingPathComponent(path) }
                    reading.cpuSeconds = folders.lazy.compactMap { number($0.appendingPathComponent("cpuacct.usage")) }.first.map { $0 / 1e9 }
                }
                if let path = paths.controllers["memory"] {
                    let folder = cgroupRoot.appendingPathComponent("memory").appendingPathComponent(path)
                    reading.memoryBytes = number(folder.appendingPathComponent("memory.usage_in_bytes"))
                    // v1 writes "no limit" as the largest page-aligned number (about 2^63).
                    reading.memoryLimitBytes = number(folder.appendingPathComponent("memory.limit_in_bytes")).flatMap { $0 < 0x1p62 ? $0 : nil }
                }
            }
        }
        if let dev = text(process.appendingPathComponent("net/dev")), let (received, sent) = HostMetricsSource.networkBytes(dev) {
            reading.networkReceived = received
            reading.networkSent = sent
        }
        return reading
    }

    /// `usage_usec` from a v2 `cpu.stat`, in seconds.
    static func usageSeconds(_ stat: String) -> Double? {
        for line in stat.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "usage_usec", let micros = Double(parts[1]) { return micros / 1e6 }
        }
        return nil
    }
}
