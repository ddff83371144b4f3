import Foundation
import GaaraAlertCore
import Testing

@testable import GaaraAlerts

/// A container's counters from its cgroup, on a cgroup v2 host and on a v1 (or hybrid) one, laid
/// out as the kernel lays them out; and from this machine's real `/proc` for a real process.
struct ContainerStatsTests {
    static func tree(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-cgroup-\(UUID().uuidString)")
        for (path, text) in files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let netDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     900       9    0    0    0     0          0         0      900       9    0    0    0     0       0          0
          eth0:    4096      30    0    0    0     0          0         0     1024      12    0    0    0     0       0          0
        """

    @Test func aCgroupV2ContainerIsReadFromItsUnifiedGroup() throws {
        let root = try Self.tree([
            "proc/4242/cgroup": "0::/system.slice/docker-abc.scope\n",
            "proc/4242/net/dev": Self.netDev,
            "cgroup/cgroup.controllers": "cpu memory io pids\n",
            "cgroup/system.slice/docker-abc.scope/cpu.stat": "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n",
            "cgroup/system.slice/docker-abc.scope/memory.current": "52428800\n",
            "cgroup/system.slice/docker-abc.scope/memory.max": "104857600\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let reading = ContainerStats.reading(
            pid: 4242, name: "gaara-x-web-3", service: "web", release: "web-3", proc: root.appendingPathComponent("proc"),
            cgroupRoot: root.appendingPathComponent("cgroup"))
        #expect(
            reading
                == ContainerReading(
                    name: "gaara-x-web-3", service: "web", release: "web-3", cpuSeconds: 2.5, memoryBytes: 52_428_800,
                    memoryLimitBytes: 104_857_600, networkReceived: 4096, networkSent: 1024))
        try "max\n".write(to: root.appendingPathComponent("cgroup/system.slice/docker-abc.scope/memory.max"), atomically: true, encoding: .utf8)
        let unlimited = ContainerStats.reading(
            pid: 4242, name: "c", service: "web", release: "web-3", proc: root.appendingPathComponent("proc"),
            cgroupRoot: root.appendingPathComponent("cgroup"))
        #expect(unlimited.memoryLimitBytes == nil && unlimited.memoryBytes == 52_428_800)
    }

    @Test func aCgroupV1ContainerIsReadFromItsControllers() throws {
        let root = try Self.tree([
            "proc/7/cgroup": "12:pids:/docker/abc\n5:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n",
            "cgroup/cpu,cpuacct/docker/abc/cpuacct.usage": "1500000000\n",
            "cgroup/memory/docker/abc/memory.usage_in_bytes": "8192000\n",
            "cgroup/memory/docker/abc/memory.limit_in_bytes": "9223372036854771712\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let reading = ContainerStats.reading(
            pid: 7, name: "c", service: "api", release: "api-1", proc: root.appendingPathComponent("proc"),
            cgroupRoot: root.appendingPathComponent("cgroup"))
        #expect(reading.cpuSeconds == 1.5 && reading.memoryBytes == 8_192_000)
        #expect(reading.memoryLimitBytes == nil, "v1's 'no limit' is no limit")
        #expect(reading.networkReceived == nil, "no net/dev: left out")
        #expect(
            ContainerStats.paths("0::/a\n4:memory:/b\n3:cpu,cpuacct:/c\n")
                == .init(unified: "/a", controllers: ["memory": "/b", "cpu": "/c", "cpuacct": "/c"]))
    }

    @Test func thisProcessIsReadFromTheRealKernel() {
        // This test's own process stands in for a container's main process: the same files.
        let reading = ContainerStats.reading(pid: getpid(), name: "self", service: "tests", release: "tests-1")
        #expect(reading.networkReceived != nil, "/proc/self/net/dev is always there")
    }
}
