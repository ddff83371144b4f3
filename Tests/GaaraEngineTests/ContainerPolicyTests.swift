import GaaraEngine
import Testing

/// What a workflow may ask of the Docker engine under step isolation (issue #21, item 1: the
/// engine runs as the server, so a host mount would undo the sandbox).
struct ContainerPolicyTests {
    static let run = "/srv/gaara/runs/7"

    @Test(arguments: [
        (["-v", "/:/host"], false), (["--privileged"], false), (["--pid=host"], false), (["--network", "host"], false),
        (["--cap-add", "ALL"], false),
        (["--mount", "type=bind,src=/,dst=/h"], false), (["--device", "/dev/sda"], false), (["--security-opt", "seccomp=unconfined"], false),
        (["--userns=host"], false), (["--volumes-from", "x"], false), (["stray"], false),
        (["--cpus", "2", "--memory=1g"], true), (["--health-cmd", "pg_isready", "--health-interval", "5s", "--init"], true),
        (["-e", "A=1", "--user", "1000", "--hostname", "db"], true), ([], true),
    ])
    func options(_ words: [String], _ allowed: Bool) {
        #expect((ContainerPolicy.problem(image: "busybox", volumes: [], options: words, runFolders: [Self.run]) == nil) == allowed, "\(words)")
    }

    @Test(arguments: [
        ("/:/host", false), ("/var/run/docker.sock:/var/run/docker.sock", false), ("/srv/gaara:/data", false),
        ("/srv/gaara/runs/7/../../secrets.key:/k", false), ("/srv/gaara/runs/70:/x", false), ("../x:/x", false),
        ("cache:/cache", true), ("my-vol.1:/v:ro", true), ("/srv/gaara/runs/7/work/app:/app", true),
    ])
    func volumes(_ volume: String, _ allowed: Bool) {
        #expect((ContainerPolicy.problem(image: "busybox", volumes: [volume], options: [], runFolders: [Self.run]) == nil) == allowed, "\(volume)")
    }

    @Test func imagesCannotBeOptions() {
        #expect(ContainerPolicy.problem(image: "--privileged", volumes: [], options: [], runFolders: []) != nil)
        #expect(ContainerPolicy.problem(image: "postgres:16", volumes: [], options: [], runFolders: []) == nil)
    }
}
