import GaaraDeployCore
import Testing

@testable import GaaraWorkflow

/// `.gaara/deploy.yml` read with defaults, and every mistake reported at its `line:col`.
struct DeployConfigTests {
    static func load(_ text: String) -> DeployConfigLoader.Result {
        DeployConfigLoader.load(text: text, path: ".gaara/deploy.yml")
    }

    /// `line:col: message` of each error.
    static func errors(_ text: String) -> [String] {
        load(text).diagnostics.filter { $0.severity == .error }.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }

    @Test func aFullConfigurationReadsWithItsDefaults() throws {
        let result = Self.load(
            """
            services:
              backend:
                image: 127.0.0.1:5000/gaara-app/backend
                port: 8080
                env: {LOG_LEVEL: info, WORKERS: 2}
                secrets: [DATABASE_URL]
                health: {path: /up, interval: 500ms, healthy-threshold: 1}
              notes:
                command: python3 -m app --port $PORT
                release-dir: backend
                port: 8081
                stop-grace: 5s
                proxy: {host: notes.localhost, path-prefix: /notes}
            environments:
              staging:
                hosts: local
                router: 127.0.0.1:8000
                smoke-tests: scripts/smoke_tests.sh
              production:
                hosts: [deploy@web-1, deploy@web-2:2222]
                strategy:
                  canary:
                    steps: [{weight: 5, pause: 2m}, {weight: 25, pause: {}}, 100]
                scale-down-delay: 10m
                keep: 5
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let config = try #require(result.config)
        let backend = try #require(config.service("backend"))
        #expect(backend.artifact == .image("127.0.0.1:5000/gaara-app/backend") && backend.port == 8080)
        #expect(backend.env == ["LOG_LEVEL": "info", "WORKERS": "2"] && backend.secrets == ["DATABASE_URL"])
        #expect(backend.health.path == "/up" && backend.health.interval == 0.5 && backend.health.healthyThreshold == 1)
        #expect(backend.health.timeout == 2 && backend.health.unhealthyThreshold == 3 && backend.stopGrace == 10, "defaults")
        let notes = try #require(config.service("notes"))
        #expect(notes.artifact == .command("python3 -m app --port $PORT", directory: "backend") && notes.stopGrace == 5)
        #expect(notes.proxyHosts == ["notes.localhost"] && notes.pathPrefix == "/notes")
        #expect(backend.proxyHosts.isEmpty && backend.pathPrefix == "/", "any host, every path by default")
        let staging = try #require(config.environment("staging"))
        #expect(staging.hosts == ["local"] && staging.router == "127.0.0.1:8000" && staging.smokeTests == "scripts/smoke_tests.sh")
        #expect(staging.strategy == .blueGreen(scaleDownDelay: 600) && staging.keep == 3, "blue-green with a 10 minute scale-down is the default")
        let production = try #require(config.environment("production"))
        #expect(production.hosts == ["deploy@web-1", "deploy@web-2:2222"] && production.keep == 5)
        #expect(
            production.strategy
                == .canary(steps: [.weight(5), .pause(seconds: 120), .weight(25), .pause(seconds: nil), .weight(100)], scaleDownDelay: 600))
    }

    @Test(arguments: [
        ("recreate", RolloutStrategy.recreate),
        ("rolling", .rolling(maxSurge: 1, maxUnavailable: 0)),
        ("{rolling: {max-surge: 0, max-unavailable: 1}}", .rolling(maxSurge: 0, maxUnavailable: 1)),
        ("{blue-green: {}}", .blueGreen(scaleDownDelay: 60)),
        ("{canary: [10, {pause: 30s}, 100]}", .canary(steps: [.weight(10), .pause(seconds: 30), .weight(100)], scaleDownDelay: 60)),
    ])
    func strategies(_ text: String, _ expected: RolloutStrategy) throws {
        let result = Self.load(
            """
            services: {web: {image: app, port: 80}}
            environments: {dev: {hosts: local, strategy: \(text), scale-down-delay: 1m}}
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.config?.environment("dev")?.strategy == expected)
    }

    @Test(arguments: [
        ("services: {web: {image: app, port: 80, helth: {path: /up}}}", "1:40: unknown key 'helth' in service 'web' (did you mean 'health'?)"),
        ("services: {web: {image: app}}", "1:12: service 'web' needs 'port' (the port it listens on)"),
        ("services: {web: {image: app, command: run, port: 80}}", "1:12: service 'web' has both 'image' and 'command'; give one"),
        ("services: {web: {port: 80}}", "1:12: service 'web' needs 'image' or 'command'"),
        ("services: {web: {image: app, port: 70000}}", "1:36: 'port' must be 1 to 65535, not 70000"),
        (
            "services: {web: {image: app, port: 80, stop-grace: soon}}",
            "1:52: 'stop-grace' must be a duration (30s, 2m, 1h30m, 500ms) or seconds, found 'soon'"
        ),
        ("services: {web: {image: app, port: 80, health: {path: up}}}", "1:55: 'health.path' must start with '/'"),
        ("services: {web: {image: app, port: 80, proxy: {path-prefix: api}}}", "1:61: 'proxy.path-prefix' must start with '/'"),
        ("services: {web: {image: app, port: 80, proxy: {hosts: a}}}", "1:48: unknown key 'hosts' in 'proxy' (did you mean 'host'?)"),
        (
            "services: {9web: {image: app, port: 80}}",
            "1:12: service name '9web' must start with a letter and hold only letters, digits, '-' and '_' (at most 63)"
        ),
    ])
    func serviceMistakes(_ service: String, _ expected: String) {
        let errors = Self.errors(service + "\nenvironments: {dev: {hosts: local}}")
        #expect(errors == [expected], "\(errors)")
    }

    @Test(arguments: [
        ("{dev: {}}", "2:16: environment 'dev' needs 'hosts' (local, or SSH destinations like deploy@web-1)"),
        ("{dev: {hosts: [web-1, web-1]}}", "2:37: host 'web-1' is listed twice"),
        ("{dev: {hosts: [-oProxyCommand=x]}}", "2:30: host '-oProxyCommand=x' must be 'local' or an SSH destination [user@]host[:port]"),
        ("{dev: {hosts: local, router: 0.0.0.0:80}}", "2:44: 'router' must be a loopback address with a port (127.0.0.1:8000)"),
        ("{dev: {hosts: local, strategy: blue-gren}}", "2:46: unknown strategy 'blue-gren' (did you mean 'blue-green'?)"),
        ("{dev: {hosts: local, strategy: {canary: [50, 25]}}}", "2:46: environment 'dev': canary weights must grow: 25 after 50"),
        (
            "{dev: {hosts: local, strategy: {rolling: {max-surge: 0}}}}",
            "2:46: environment 'dev': max-surge and max-unavailable must not both be 0 (nothing could move)"
        ),
        ("{dev: {hosts: local, keep: -1}}", "2:42: 'keep' must be 0 to 100, not -1"),
    ])
    func environmentMistakes(_ environment: String, _ expected: String) {
        let errors = Self.errors("services: {web: {image: app, port: 80}}\nenvironments: " + environment)
        #expect(errors == [expected], "\(errors)")
    }

    @Test func aCanaryCanBeAnalysed() throws {
        let full = Self.load(
            """
            services: {web: {image: app, port: 80}}
            environments:
              production:
                hosts: local
                bake: 30m
                strategy:
                  canary:
                    steps: [{weight: 5, pause: 2m}, 100]
                    analysis: {error-rate-limit: 2%, min-requests: 200, on-fail: pause}
              staging: {hosts: local, strategy: {canary: {steps: [5, {pause: 1m}], analysis: true}}}
              dev: {hosts: local, strategy: {canary: [5, {pause: 1m}]}}
              qa: {hosts: local, strategy: {canary: {steps: [5, {pause: 1m}], analysis: false}}}
              demo:
                hosts: local
                strategy:
                  canary:
                    steps: [5, {pause: 1m}]
                    analysis: {traffic: {path: /api/notes, rate: 40}}
            """)
        #expect(full.diagnostics.isEmpty, "\(full.diagnostics)")
        let environments = try #require(full.config).environments
        var expected = CanaryAnalysisSettings()
        expected.errorRateLimit = 0.02
        expected.minimumRequests = 200
        expected.onFail = .pause
        #expect(environments.first { $0.name == "production" }?.analysis == expected)
        #expect(environments.first { $0.name == "production" }?.bake == 1800 && environments.first { $0.name == "staging" }?.bake == 0)
        #expect(environments.first { $0.name == "staging" }?.analysis == CanaryAnalysisSettings())
        #expect(environments.first { $0.name == "dev" }?.analysis == CanaryAnalysisSettings(), "a canary is judged by default")
        #expect(environments.first { $0.name == "qa" }?.analysis == nil, "unless it says analysis: false")
        #expect(environments.first { $0.name == "demo" }?.analysis?.traffic == .init(path: "/api/notes", rate: 40))
        let scored = try #require(
            Self.load(
                """
                services: {web: {image: app, port: 80}}
                environments:
                  production:
                    hosts: local
                    strategy:
                      canary:
                        steps: [5, {pause: 1m}]
                        analysis: {critical: [error-rate], weights: {error-rate: 3, latency: 1}, pass-score: 90, marginal-score: 60, latency-allowance: 25ms, latency-allowance-ratio: 10%}
                """
            ).config?.environments.first?.analysis)
        #expect(scored.critical == ["error-rate"] && scored.weights == ["error-rate": 3, "latency": 1])
        #expect(scored.passScore == 90 && scored.marginalScore == 60)
        #expect(abs(scored.latencyAllowanceMs - 25) < 1e-9 && scored.latencyAllowanceRatio == 0.1)
    }

    @Test func notifyNamesTheSecretsOfItsChannels() throws {
        let config = try #require(
            Self.load(
                """
                services: {web: {image: app, port: 80}}
                environments:
                  production:
                    hosts: local
                    notify:
                      slack: SLACK_WEBHOOK
                      pagerduty: {routing-key: PD_KEY, url: "http://127.0.0.1:9"}
                      webhook: {url: "https://hooks.example.com/deploys", secret: HOOK_SECRET}
                """
            ).config)
        let notify = try #require(config.environments.first?.notify)
        #expect(notify.slack == "SLACK_WEBHOOK" && notify.pagerDuty == "PD_KEY" && notify.pagerDutyURL == "http://127.0.0.1:9")
        #expect(notify.webhook == "https://hooks.example.com/deploys" && notify.webhookSecret == "HOOK_SECRET")
        let errors = Self.errors(
            "services: {web: {image: app, port: 80}}\nenvironments: {dev: {hosts: local, notify: {slack: 'https://hooks.slack.com/x', teams: X}}}")
        #expect(
            errors == [
                "2:52: 'notify.slack' names the secret that holds it (SLACK_WEBHOOK), not 'https://hooks.slack.com/x'",
                "2:81: unknown key 'teams' in 'notify'",
            ], "\(errors)")
    }

    @Test func emailNotificationsNameTheirServerAndThePasswordsSecret() throws {
        let config = try #require(
            Self.load(
                """
                services: {web: {image: app, port: 80}}
                environments:
                  production:
                    hosts: local
                    notify:
                      email: {server: "smtp.example.com:587", username: deploy, password: SMTP_PASSWORD, from: "Gaara <deploy@example.com>", to: [ops@example.com, dev@example.com], ca-file: certs/ca.pem}
                """
            ).config)
        #expect(
            config.environments.first?.notify.email
                == EmailChannel(
                    server: "smtp.example.com:587", username: "deploy", password: "SMTP_PASSWORD", from: "Gaara <deploy@example.com>",
                    to: ["ops@example.com", "dev@example.com"], caFile: "certs/ca.pem"))
    }

    @Test(arguments: [
        ("{server: smtp.example.com, from: a@b.c}", ["2:52: 'notify.email' needs 'to'"]),
        (
            "{server: 'smtp://x', from: a@b.c, to: [d@e.f]}",
            ["2:61: 'notify.email.server' must be host or host:port (smtp.example.com:587), not 'smtp://x'"]
        ),
        (
            "{server: x, from: nobody, to: [d@e.f], tls: ssl}",
            [
                "2:70: 'notify.email.from' must be an email address, not 'nobody'",
                "2:96: 'notify.email.tls' must be starttls, tls or none, not 'ssl'",
            ]
        ),
        (
            "{server: x, from: a@b.c, to: [d@e.f], username: u, password: 'hunter 2'}",
            [
                "2:52: 'notify.email' has a 'username' but no 'password' (the name of the secret that holds it)",
                "2:113: 'notify.email.password' names the secret that holds it (SMTP_PASSWORD), not the password",
            ]
        ),
        (
            "{server: x, from: a@b.c, to: [d@e.f], username: u, password: P, tls: none}",
            [
                "2:52: 'notify.email' with 'tls: none' would send the password in the clear"
            ]
        ),
    ])
    func emailMistakes(_ email: String, _ expected: [String]) {
        let errors = Self.errors("services: {web: {image: app, port: 80}}\nenvironments: {dev: {hosts: local, notify: {email: \(email)}}}")
        #expect(errors == expected, "\(errors)")
    }

    @Test func productionBakesForThirtyMinutesUnlessItSaysOtherwise() throws {
        let config = try #require(
            Self.load(
                """
                services: {web: {image: app, port: 80}}
                environments:
                  production: {hosts: local}
                  staging: {hosts: local}
                  hurried: {hosts: local, bake: 2m}
                """
            ).config)
        #expect(config.environments.map(\.bake) == [1800, 0, 120], "the guide's 30 minutes of monitoring after a production deploy")
        let off = try #require(Self.load("services: {web: {image: app, port: 80}}\nenvironments: {production: {hosts: local, bake: 0}}").config)
        #expect(off.environments.first?.bake == 0)
    }

    @Test(arguments: [
        ("{analysis: {on-fail: freeze}}", "2:101: 'on-fail' must be rollback or pause, not 'freeze'"),
        ("{analysis: {error-rate-limit: 5}}", "2:110: 'error-rate-limit' must be a share like 5% or 0.05 (above 0, below 100%)"),
        ("{analysis: {min-requests: 0}}", "2:106: 'min-requests' must be 1 to 1000000, not 0"),
        ("{analysis: {judges: true}}", "2:92: unknown key 'judges' in 'analysis' (did you mean 'judge'?)"),
        ("{analysis: {judge: false}}", "2:91: 'analysis' with 'judge: false' needs 'metrics' (else it would judge nothing)"),
        ("{analysis: {initial-delay: soon}}", "2:107: 'initial-delay' must be a duration (30s, 2m, 1h30m, 500ms) or seconds, found 'soon'"),
        ("{analyze: true}", "2:81: unknown key 'analyze' in 'canary'"),
        ("{analysis: {critical: [errors]}}", "2:103: 'errors' is not a metric the judge compares (error-rate, latency)"),
        ("{analysis: {weights: {latency: -1}}}", "2:111: 'weights.latency' must be a number from 0 to 1000"),
        ("{analysis: {pass-score: 70, marginal-score: 80}}", "2:91: 'marginal-score' (80.0) must not be above 'pass-score' (70.0)"),
        ("{analysis: {latency-allowance-ratio: 2}}", "2:117: 'latency-allowance-ratio' must be a share like 5% or 0.05 (above 0, below 100%)"),
        ("{analysis: {traffic: {rate: 0}}}", "2:108: 'traffic.rate' must be above 0"),
        ("{analysis: {traffic: {path: up}}}", "2:108: 'traffic.path' must start with '/'"),
    ])
    func analysisMistakes(_ extra: String, _ expected: String) {
        let canary = "{steps: [5, {pause: 1m}], " + extra.dropFirst()
        let errors = Self.errors("services: {web: {image: app, port: 80}}\nenvironments: {dev: {hosts: local, strategy: {canary: \(canary)}}}")
        #expect(errors == [expected], "\(errors)")
    }

    static func metricsConfig(_ metrics: String) -> String {
        """
        services: {web: {image: app, port: 80}}
        environments:
          production:
            hosts: local
            strategy:
              canary:
                steps: [5, {pause: 1m}]
                analysis:
                  metrics:
        \(metrics.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
        """
    }

    @Test func argoStyleMetricsWithTheirProviders() throws {
        let result = Self.load(
            Self.metricsConfig(
                """
                - name: errors
                  router: {}
                  interval: 10s
                  count: 6
                  initial-delay: 30s
                  success-condition: result.difference.error_rate <= 0.01
                  failure-limit: 1
                  consecutive-failure-limit: 2
                - name: checkout
                  http: {url: $GAARA_RELEASE_URL/checkout, method: post, headers: {X-Test: "1"}, body: "{}"}
                  timeout: 3s
                  success-condition: ${{ result.ok && status == 200 }}
                - name: e2e
                  command: scripts/e2e.sh
                - name: p99
                  prometheus: {address: "http://127.0.0.1:9090", query: "histogram_quantile(0.99, x)"}
                  interval: 1m
                  failure-condition: result[0] > 0.5
                  consecutive-error-limit: 2
                  inconclusive-limit: 3
                  dry-run: true
                """))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let metrics = try #require(result.config?.environments.first?.analysis?.metrics)
        #expect(
            metrics == [
                AnalysisMetric(
                    name: "errors", provider: .router, interval: 10, count: 6, initialDelay: 30,
                    successCondition: "result.difference.error_rate <= 0.01", failureLimit: 1, consecutiveFailureLimit: 2),
                AnalysisMetric(
                    name: "checkout",
                    provider: .http(
                        AnalysisMetric.HTTPCheck(url: "$GAARA_RELEASE_URL/checkout", method: "POST", headers: ["X-Test": "1"], body: "{}", timeout: 3)
                    ),
                    successCondition: "${{ result.ok && status == 200 }}"),
                AnalysisMetric(name: "e2e", provider: .command("scripts/e2e.sh", timeout: 60)),
                AnalysisMetric(
                    name: "p99", provider: .prometheus(address: "http://127.0.0.1:9090", query: "histogram_quantile(0.99, x)", timeout: 10),
                    interval: 60, failureCondition: "result[0] > 0.5", consecutiveErrorLimit: 2, inconclusiveLimit: 3, dryRun: true),
            ])
        #expect(metrics[1].effectiveCount == 1 && metrics[3].effectiveCount == nil, "one measurement, or until the step ends")
    }

    @Test(arguments: [
        (
            "- {name: a, interval: 1s, success-condition: 'result.canary. < 1'}",
            "10:56: 'success-condition' is not a valid expression: unexpected symbol '<'"
        ),
        ("- {name: a, command: x, http: 'http://h'}", "10:35: metric 'a' names 2 providers (command, http); give one"),
        ("- {name: a, command: x, count: 3}", "10:13: metric 'a' takes 3 measurements: it needs 'interval' (the time between them)"),
        ("- {name: a}", "10:13: metric 'a' reads the router: it needs 'interval' (the window each measurement covers)"),
        ("- {name: a, command: x}\n- {name: a, command: y}", "11:13: metric 'a' is named twice"),
        ("- {interval: 1s}", "10:13: a metric needs 'name'"),
        ("- {name: a, command: x, failure-limt: 1}", "10:35: unknown key 'failure-limt' in metric 'a' (did you mean 'failure-limit'?)"),
        ("- {name: a, prometheus: {address: 'http://p'}}", "10:35: metric 'a': 'prometheus' needs a 'query' (PromQL)"),
        ("- {name: a, http: {method: GET}}", "10:29: metric 'a': 'http' needs a 'url' (http://…, or $GAARA_RELEASE_URL/…)"),
    ])
    func metricMistakes(_ metrics: String, _ expected: String) {
        let errors = Self.errors(Self.metricsConfig(metrics))
        #expect(errors.count == 1 && errors.first?.hasPrefix(expected) == true, "\(errors)")
    }

    @Test func missingSectionsAndUnknownTopKeysAreErrors() {
        #expect(
            Self.errors("servces: {}")
                == [
                    "1:1: unknown key 'servces' in the deploy configuration (did you mean 'services'?)",
                    "1:1: a deploy configuration needs 'services'", "1:1: a deploy configuration needs 'environments'",
                ])
        #expect(Self.load("services: [").config == nil)
    }

    @Test(arguments: [
        ("90", 90.0), ("1.5", 1.5), ("500ms", 0.5), ("30s", 30), ("2m", 120), ("1h30m", 5400), ("1d", 86400),
    ])
    func durations(_ text: String, _ seconds: Double) {
        #expect(DeployConfigLoader.seconds(text) == seconds)
    }

    @Test(arguments: ["", "m", "5x", "1m5", "-3", "1.2.3s"])
    func malformedDurations(_ text: String) {
        #expect(DeployConfigLoader.seconds(text) == nil)
    }
}
