/// What a workflow may ask of the Docker engine when steps are isolated. The engine runs as the
/// server (root, in effect), so `options: -v /:/host`, `--privileged` or `--pid=host` would give
/// a workflow the host: under isolation only options that shape the container itself are taken,
/// and volumes are named volumes or folders of the run.
public enum ContainerPolicy {
    /// Options that take a value (`--cpus 2` or `--cpus=2`).
    static let optionsWithValues: Set<String> = [
        "--cpus", "--cpu-shares", "-c", "--memory", "-m", "--memory-swap", "--memory-reservation", "--shm-size", "--pids-limit", "--ulimit",
        "--health-cmd", "--health-interval", "--health-timeout", "--health-retries", "--health-start-period", "--hostname", "-h", "--add-host",
        "--env", "-e", "--workdir", "-w", "--user", "-u", "--entrypoint", "--tmpfs", "--label", "-l", "--stop-signal", "--stop-timeout",
        "--platform", "--network-alias", "--dns", "--dns-search", "--expose", "--restart",
    ]
    /// Options that are flags.
    static let flags: Set<String> = ["--init", "--read-only", "--no-healthcheck", "--rm", "-t", "--tty", "-i", "--interactive"]

    /// Why `image`, `volumes` and `options` (already split into words) are refused under
    /// isolation, or nil. `runFolders` are the paths a volume's host side may be in.
    public static func problem(image: String, volumes: [String], options: [String], runFolders: [String]) -> String? {
        if image.hasPrefix("-") || image.isEmpty { return "the image name '\(image)' is not an image" }
        for volume in volumes {
            let source = String(volume.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if isNamedVolume(source) { continue }
            guard source.hasPrefix("/"), !source.split(separator: "/").contains(".."),
                runFolders.contains(where: { source == $0 || source.hasPrefix($0 + "/") })
            else {
                return
                    "the volume '\(volume)' mounts a host path outside the run's folders; under step isolation only named volumes and the run's folders can be mounted"
            }
        }
        var index = 0
        while index < options.count {
            let word = options[index]
            guard word.hasPrefix("-") else {
                return "'\(word)' in options is not an option"
            }
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            if flags.contains(name) {
                index += 1
            } else if optionsWithValues.contains(name) {
                index += word.contains("=") ? 1 : 2
            } else {
                return
                    "the container option '\(name)' is not allowed under step isolation (it could reach the host: only resource, health, user, environment and naming options are)"
            }
        }
        return nil
    }

    /// A Docker volume name: `[A-Za-z0-9][A-Za-z0-9_.-]*`.
    static func isNamedVolume(_ text: String) -> Bool {
        guard let first = text.utf8.first, isAlphanumeric(first) else { return false }
        return text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
