// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer harnesses for Gaara's parsers. Build and run with `fuzz/run TARGET SECONDS`.
let package = Package(
    name: "GaaraFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzExpression", dependencies: [.product(name: "GaaraExpressions", package: "main")]),
        .executableTarget(name: "FuzzWorkflow", dependencies: [.product(name: "GaaraWorkflow", package: "main")]),
    ],
    swiftLanguageModes: [.v6]
)
