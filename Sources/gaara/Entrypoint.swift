import Foundation
import GaaraCLI

/// The `gaara` executable: everything lives in GaaraCLI.
@main
enum Entrypoint {
    static func main() async {
        let code = await GaaraCommand.runMain(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
