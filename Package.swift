// swift-tools-version: 6.1
import PackageDescription

/// Gaara: a self-hosted CI/CD engine. See docs/architecture.md for the map of targets.
let package = Package(
    name: "Gaara",
    // Linux only (epoll, cgroups, pidfds, bubblewrap): no Apple platform is declared.
    products: [
        .executable(name: "gaara", targets: ["gaara"]),
        .library(name: "GaaraExpressions", targets: ["GaaraExpressions"]),
        .library(name: "GaaraWorkflow", targets: ["GaaraWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Pure core: the `${{ }}` expression language. No I/O, no dependencies.
        .target(name: "GaaraExpressions"),
        // Pure core: workflow model, YAML loading with positions, validation, cron, globs.
        .target(
            name: "GaaraWorkflow",
            dependencies: ["GaaraExpressions", "GaaraDeployCore", "GaaraAlertCore", .product(name: "Yams", package: "Yams")]
        ),
        // Pure core: event matching, the job scheduler, runner protocol parsing, secret masking.
        .target(name: "GaaraEngine", dependencies: ["GaaraWorkflow", "GaaraExpressions"]),
        // Adapter: child processes (posix_spawn, process groups, one reaper, streamed output).
        .target(name: "GaaraProcess", dependencies: ["CGaaraSystem"]),
        // The Linux calls Glibc's module does not export: pipe2, eventfd, pidfd_open, prctl, spawn chdir,
        // epoll, accept4, TCP sockets, and a link-safe recursive chown.
        .target(name: "CGaaraSystem"),
        // Adapter: runs workflows on the host (and Docker): steps, built-in actions, composite and reusable workflows.
        .target(
            name: "GaaraRunner",
            dependencies: [
                "GaaraEngine", "GaaraWorkflow", "GaaraExpressions", "GaaraProcess", "GaaraImageCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Pure core: streaming readers of test, coverage and security reports.
        .target(name: "GaaraReports", dependencies: ["GaaraExpressions"]),
        // Pure core: quality gates (configuration, evaluation, patch coverage, output formats).
        .target(name: "GaaraGates", dependencies: ["GaaraReports", "GaaraWorkflow", "GaaraEngine"]),
        // Pure core: the traffic router's decisions (weighted sticky splits, target health, latency histograms).
        .target(name: "GaaraRouterCore"),
        // Adapter: the traffic router (SwiftNIO proxy, health checks, metrics, admin API).
        .target(
            name: "GaaraRouter",
            dependencies: [
                "GaaraRouterCore", "CGaaraSystem", "GaaraEvents", "GaaraHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // C: zlib, for gzip-compressed step logs.
        .systemLibrary(name: "CGaaraZlib", providers: [.apt(["zlib1g-dev"])]),
        // Adapter: the server's database (SQLite through GRDB): repositories, runs, jobs, steps, statuses, users, tokens.
        .target(name: "GaaraStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Pure core: deployment decisions: roles, environment protection rules (reviewers, wait timer,
        // branch and tag policies) and the decision over rules, actor, ref and time.
        .target(name: "GaaraDeployCore", dependencies: ["GaaraExpressions"]),
        // Adapter: deployment targets (supervised local processes, containers, SSH hosts) behind one protocol
        // with a recording fake; traffic moved through Gaara's router's admin API; analysis steps judged by
        // GaaraAnalysis on the router's counts.
        .target(
            name: "GaaraDeploy",
            dependencies: [
                "GaaraDeployCore", "GaaraAnalysis", "GaaraExpressions", "GaaraProcess", "GaaraHTTP", "GaaraRouter", "GaaraRouterCore",
                "GaaraWorkflow", "GaaraMail", "GaaraAlertCore", "GaaraAlerts",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Pure core: alerting with Alertmanager's semantics: rules with `for` evaluated over metric
        // samples, the routing tree, grouping, group wait/interval, repeats, inhibition, silences,
        // resolution; a state machine fed a clock that returns the notifications to send. No I/O.
        .target(name: "GaaraAlertCore"),
        // Adapter: alerting at work: the dispatcher's notifications delivered to Slack, PagerDuty,
        // signed webhooks (Alertmanager's format) and email; host metrics from /proc; the loop that
        // feeds metric sources to GaaraAlertCore's evaluator and dispatcher on a clock.
        .target(
            name: "GaaraAlerts",
            dependencies: [
                "GaaraAlertCore", "GaaraHTTP", "GaaraMail",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Adapter: email over SMTP on SwiftNIO (STARTTLS through NIOSSL, AUTH PLAIN/LOGIN), with
        // the message rendering and the SMTP dialogue as I/O-free parts.
        .target(
            name: "GaaraMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Pure core: the canary judge (always-valid sequential tests of error rates and latency,
        // canary against baseline over the same window); no I/O, no dependencies.
        .target(name: "GaaraAnalysis"),
        // Pure core: docker/metadata-action's tags, labels and annotations computed from the run's event; no I/O, no dependencies.
        .target(name: "GaaraImageCore"),
        // Pure core: the REST API's request and response types, shared by the server, the CLI and the tests.
        .target(name: "GaaraAPI", dependencies: ["GaaraReports"]),
        // Pure core: the lifecycle event stream (runs, jobs, gates, statuses, target health; later
        // deployments and alerts), the consumer protocol, the bus that fans events out, a recording fake.
        .target(name: "GaaraEvents"),
        // Adapter: the one outbound HTTP client (AsyncHTTPClient): timeouts, bounded retries with
        // backoff and Retry-After, and deliveries to the outside recorded in a delivery log.
        .target(
            name: "GaaraHTTP",
            dependencies: [
                "GaaraMail",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Adapter: the CI server (Hummingbird): git hosting and triggers, the run queue, REST API, live logs, dashboard.
        .target(
            name: "GaaraServer",
            dependencies: [
                "GaaraStore", "GaaraRunner", "GaaraWorkflow", "GaaraEngine", "GaaraExpressions", "GaaraProcess", "GaaraAPI", "GaaraEvents",
                "GaaraHTTP", "GaaraDeploy", "GaaraDeployCore", "GaaraImageCore", "CGaaraZlib", "GaaraAlerts", "GaaraAlertCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // The dashboard's CSS and JavaScript, compiled into the binary.
            resources: [.embedInCode("Dashboard/app.css"), .embedInCode("Dashboard/app.js")]
        ),
        // Command-line front end: argument parsing and output formatting.
        .target(
            name: "GaaraCLI",
            dependencies: [
                "GaaraWorkflow", "GaaraEngine", "GaaraExpressions", "GaaraRunner", "GaaraProcess", "GaaraReports", "GaaraGates", "GaaraServer",
                "GaaraRouter", "GaaraRouterCore", "GaaraAPI", "GaaraHTTP", "GaaraDeploy", "GaaraDeployCore", "GaaraAlerts", "GaaraAlertCore",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The thin executable.
        .executableTarget(name: "gaara", dependencies: ["GaaraCLI", "GaaraProcess"]),
        .testTarget(name: "GaaraExpressionsTests", dependencies: ["GaaraExpressions"]),
        .testTarget(
            name: "GaaraWorkflowTests",
            dependencies: ["GaaraWorkflow", "GaaraExpressions", "GaaraDeployCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "GaaraEngineTests", dependencies: ["GaaraEngine", "GaaraWorkflow", "GaaraExpressions"]),
        .testTarget(name: "GaaraProcessTests", dependencies: ["GaaraProcess"]),
        .testTarget(name: "GaaraReportsTests", dependencies: ["GaaraReports"], resources: [.copy("reference_counts.py")]),
        .testTarget(name: "GaaraGatesTests", dependencies: ["GaaraGates", "GaaraReports"]),
        .testTarget(name: "GaaraRouterCoreTests", dependencies: ["GaaraRouterCore"]),
        .testTarget(name: "GaaraRouterTests", dependencies: ["GaaraRouter", "GaaraRouterCore", "GaaraEvents", "GaaraProcess"]),
        .testTarget(name: "GaaraRunnerTests", dependencies: ["GaaraRunner", "GaaraWorkflow", "GaaraEngine", "GaaraProcess"]),
        .testTarget(name: "GaaraStoreTests", dependencies: ["GaaraStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "GaaraCLITests", dependencies: ["gaara", "GaaraTestSupport", "GaaraHTTP", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "GaaraServerTests",
            dependencies: [
                "GaaraServer", "GaaraStore", "GaaraAPI", "GaaraDeployCore", "GaaraEvents", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(name: "GaaraEventsTests", dependencies: ["GaaraEvents"]),
        .testTarget(name: "GaaraHTTPTests", dependencies: ["GaaraHTTP"]),
        .testTarget(name: "GaaraDeployCoreTests", dependencies: ["GaaraDeployCore", "GaaraExpressions"]),
        .testTarget(name: "GaaraImageCoreTests", dependencies: ["GaaraImageCore"]),
        .testTarget(name: "GaaraAlertCoreTests", dependencies: ["GaaraAlertCore"]),
        .testTarget(name: "GaaraAlertsTests", dependencies: ["GaaraAlerts", "GaaraAlertCore", "GaaraHTTP", "GaaraTestSupport"]),
        .testTarget(name: "GaaraMailTests", dependencies: ["GaaraMail", "GaaraTestSupport"]),
        // Test support: real services the tests start (an SMTP server), shared by the test targets.
        .target(
            name: "GaaraTestSupport", dependencies: ["GaaraHTTP"], path: "Tests/GaaraTestSupport", exclude: ["smtp-server.py", "http-receiver.py"]),
        .testTarget(name: "GaaraAnalysisTests", dependencies: ["GaaraAnalysis", "GaaraRouterCore"]),
        .testTarget(
            name: "GaaraDeployTests",
            dependencies: [
                "GaaraDeploy", "GaaraDeployCore", "GaaraExpressions", "GaaraHTTP", "GaaraProcess", "GaaraRouter", "GaaraRouterCore", "GaaraAlertCore",
                "GaaraTestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
