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
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Pure core: the `${{ }}` expression language. No I/O, no dependencies.
        .target(name: "GaaraExpressions"),
        // Pure core: workflow model, YAML loading with positions, validation, cron, globs.
        .target(
            name: "GaaraWorkflow",
            dependencies: ["GaaraExpressions", .product(name: "Yams", package: "Yams")]
        ),
        // Pure core: event matching, the job scheduler, runner protocol parsing, secret masking.
        .target(name: "GaaraEngine", dependencies: ["GaaraWorkflow", "GaaraExpressions"]),
        // Adapter: child processes (posix_spawn, process groups, one reaper, streamed output).
        .target(name: "GaaraProcess", dependencies: ["CGaaraSystem"]),
        // The few Linux calls Glibc's module does not export (pipe2, eventfd, prctl, spawn chdir).
        .target(name: "CGaaraSystem"),
        // Adapter: runs workflows on the host (and Docker): steps, built-in actions, composite and reusable workflows.
        .target(
            name: "GaaraRunner",
            dependencies: [
                "GaaraEngine", "GaaraWorkflow", "GaaraExpressions", "GaaraProcess", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Pure core: streaming readers of test, coverage and security reports.
        .target(name: "GaaraReports", dependencies: ["GaaraExpressions"]),
        // Pure core: quality gates (configuration, evaluation, patch coverage, output formats).
        .target(name: "GaaraGates", dependencies: ["GaaraReports", "GaaraWorkflow", "GaaraEngine"]),
        // Command-line front end: argument parsing and output formatting.
        .target(
            name: "GaaraCLI",
            dependencies: [
                "GaaraWorkflow", "GaaraEngine", "GaaraRunner", "GaaraProcess", "GaaraReports", "GaaraGates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The thin executable.
        .executableTarget(name: "gaara", dependencies: ["GaaraCLI", "GaaraProcess"]),
        .testTarget(name: "GaaraExpressionsTests", dependencies: ["GaaraExpressions"]),
        .testTarget(
            name: "GaaraWorkflowTests",
            dependencies: ["GaaraWorkflow"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "GaaraEngineTests", dependencies: ["GaaraEngine"]),
        .testTarget(name: "GaaraProcessTests", dependencies: ["GaaraProcess"]),
        .testTarget(name: "GaaraReportsTests", dependencies: ["GaaraReports"], resources: [.copy("reference_counts.py")]),
        .testTarget(name: "GaaraGatesTests", dependencies: ["GaaraGates"]),
        .testTarget(name: "GaaraCLITests", dependencies: ["GaaraCLI"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
