import Foundation
import GaaraCLI
import GaaraProcess

/// The `gaara` executable: everything lives in GaaraCLI.
@main
enum Entrypoint {
    static func main() async {
        // Every child of this process is started by GaaraProcess, so orphans can be reaped here.
        ChildProcess.adoptOrphans()
        let code = await GaaraCommand.runMain(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
