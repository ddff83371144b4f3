// swift-tools-version: 6.1
import PackageDescription

/// Gaara: a self-hosted CI/CD engine. See docs/architecture.md for the map of targets.
let package = Package(
    name: "Gaara",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gaara", targets: ["gaara"]),
        .library(name: "GaaraExpressions", targets: ["GaaraExpressions"]),
        .library(name: "GaaraWorkflow", targets: ["GaaraWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Pure core: the `${{ }}` expression language. No I/O, no dependencies.
        .target(name: "GaaraExpressions"),
        // Pure core: workflow model, YAML loading with positions, validation, cron, globs.
        .target(
            name: "GaaraWorkflow",
            dependencies: ["GaaraExpressions", .product(name: "Yams", package: "Yams")]
        ),
        // Command-line front end: argument parsing and output formatting.
        .target(
            name: "GaaraCLI",
            dependencies: [
                "GaaraWorkflow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The thin executable.
        .executableTarget(name: "gaara", dependencies: ["GaaraCLI"]),
        .testTarget(name: "GaaraExpressionsTests", dependencies: ["GaaraExpressions"]),
        .testTarget(
            name: "GaaraWorkflowTests",
            dependencies: ["GaaraWorkflow"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "GaaraCLITests", dependencies: ["GaaraCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
