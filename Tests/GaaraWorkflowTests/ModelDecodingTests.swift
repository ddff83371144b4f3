import GaaraExpressions
import GaaraWorkflow
import Testing

func load(_ text: String) throws -> Workflow {
    let result = WorkflowLoader.load(text: text, path: "test.yml")
    let errors = result.diagnostics.filter { $0.severity == .error }
    try #require(errors.isEmpty, "\(errors)")
    return try #require(result.workflow)
}

@Test(arguments: [
    ("on: push", ["push"]),
    ("on: [push, pull_request]", ["push", "pull_request"]),
    ("on:\n  push:\n  workflow_dispatch:", ["push", "workflow_dispatch"]),
    ("on:\n  - release\n  - issues", ["release", "issues"]),
])
func triggersDecodeInEveryForm(_ testCase: (String, [String])) throws {
    let workflow = try load(testCase.0 + "\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: echo}]\n")
    #expect(workflow.triggers.events.map(\.name) == testCase.1)
}

@Test func eventFiltersScheduleAndInputsDecode() throws {
    let workflow = try load(
        """
        on:
          push:
            branches: [main, 'release/**']
            tags: ['v*']
            paths-ignore: ['docs/**']
          pull_request:
            types: [opened, synchronize]
            branches: main
          schedule:
            - cron: '30 5 * * 1-5'
          workflow_dispatch:
            inputs:
              level:
                type: choice
                options: [debug, info]
                default: info
                required: true
              dry-run:
                type: boolean
          workflow_call:
            inputs:
              version:
                type: string
                default: ${{ github.ref_name }}
            outputs:
              digest:
                value: ${{ jobs.build.outputs.digest }}
            secrets:
              token:
                required: true
        jobs:
          build:
            runs-on: ubuntu-latest
            steps: [{run: echo}]
        """)
    let push = try #require(workflow.triggers["push"])
    #expect(push.branches?.map(\.pattern) == ["main", "release/**"])
    #expect(push.tags?.map(\.pattern) == ["v*"])
    #expect(push.pathsIgnore?.map(\.pattern) == ["docs/**"])
    #expect(workflow.triggers["pull_request"]?.types == ["opened", "synchronize"])
    #expect(workflow.triggers["pull_request"]?.branches?.map(\.pattern) == ["main"])
    let schedule = try #require(workflow.triggers["schedule"]?.schedules.first)
    #expect(schedule.cron.hours == [5] && schedule.cron.weekdays == [1, 2, 3, 4, 5])
    let dispatch = try #require(workflow.triggers["workflow_dispatch"])
    #expect(dispatch.inputs.map(\.name) == ["level", "dry-run"])
    #expect(dispatch.inputs[0].type == .choice && dispatch.inputs[0].options == ["debug", "info"] && dispatch.inputs[0].required)
    #expect(dispatch.inputs[1].type == .boolean)
    let call = try #require(workflow.triggers["workflow_call"])
    #expect(call.inputs.first?.defaultValue?.template.hasExpressions == true)
    #expect(call.outputs.first?.name == "digest")
    #expect(call.secrets.first?.required == true)
}

@Test func jobKeysDecodeInAllTheirForms() throws {
    let workflow = try load(
        """
        name: Full
        run-name: Deploy by ${{ github.actor }}
        on: push
        env:
          GLOBAL: one
        defaults:
          run:
            shell: bash
        permissions: read-all
        concurrency: ci-${{ github.ref }}
        jobs:
          plan:
            runs-on: [self-hosted, linux]
            outputs:
              matrix: ${{ steps.m.outputs.json }}
            steps:
              - id: m
                run: echo "json=[1,2]" >> "$GITHUB_OUTPUT"
          build:
            name: Build ${{ matrix.n }}
            needs: plan
            if: ${{ needs.plan.result == 'success' }}
            runs-on:
              group: large
              labels: linux
            environment:
              name: staging
              url: ${{ steps.deploy.outputs.url }}
            env:
              LEVEL: 2
            defaults:
              run:
                working-directory: app
            timeout-minutes: 30
            continue-on-error: ${{ matrix.n == 2 }}
            strategy:
              fail-fast: false
              max-parallel: 2
              matrix:
                n: ${{ fromJSON(needs.plan.outputs.matrix) }}
            container:
              image: node:20
              credentials:
                username: bot
                password: ${{ secrets.PASSWORD }}
              env:
                NODE_ENV: test
              ports: [80]
              volumes: [/data:/data]
              options: --cpus 1
            services:
              db:
                image: postgres:15
                ports: ['5432:5432']
            concurrency:
              group: build-${{ matrix.n }}
              cancel-in-progress: true
            permissions:
              contents: read
            steps:
              - uses: actions/checkout@v4
                with:
                  fetch-depth: 0
              - id: deploy
                name: Deploy
                run: ./deploy.sh
                shell: sh
                working-directory: scripts
                env:
                  TOKEN: ${{ secrets.TOKEN }}
                continue-on-error: true
                timeout-minutes: 5
          call:
            needs: [plan, build]
            uses: ./.github/workflows/reusable.yml
            with:
              version: 1.2
            secrets: inherit
          image-job:
            runs-on: ${{ github.event_name == 'push' && 'ubuntu-latest' || 'ubuntu-22.04' }}
            container: alpine:3
            environment: production
            steps:
              - uses: docker://alpine:3
              - uses: ./local/action
              - uses: owner/repo/path@v1
        """)
    #expect(workflow.name == "Full")
    #expect(workflow.runName?.template.hasExpressions == true)
    #expect(workflow.env["GLOBAL"]?.raw == "one")
    #expect(workflow.defaults?.shell?.raw == "bash")
    #expect(workflow.concurrency?.group.raw == "ci-${{ github.ref }}")
    #expect(workflow.jobs.map(\.id) == ["plan", "build", "call", "image-job"])
    let plan = workflow.jobs[0]
    if case .labels(let labels) = plan.runsOn { #expect(labels.map(\.raw) == ["self-hosted", "linux"]) } else { Issue.record("labels") }
    #expect(plan.outputs.first?.name == "matrix")
    let build = workflow.jobs[1]
    #expect(build.needs.map(\.id) == ["plan"])
    if case .group(let group, let labels) = build.runsOn {
        #expect(group?.raw == "large" && labels.map(\.raw) == ["linux"])
    } else {
        Issue.record("group")
    }
    #expect(build.environment?.name.raw == "staging" && build.environment?.url != nil)
    #expect(build.env["LEVEL"]?.raw == "2")
    #expect(build.defaults?.workingDirectory?.raw == "app")
    if case .value(let minutes) = build.timeoutMinutes { #expect(minutes == 30) } else { Issue.record("timeout") }
    if case .expression = build.continueOnError {} else { Issue.record("continue-on-error expression") }
    if case .value(false) = build.strategy?.failFast {} else { Issue.record("fail-fast") }
    if case .value(2) = build.strategy?.maxParallel {} else { Issue.record("max-parallel") }
    #expect(build.strategy?.matrix?["n"]?.scalarText == "${{ fromJSON(needs.plan.outputs.matrix) }}")
    #expect(build.container?.image.raw == "node:20" && build.container?.password != nil && build.container?.ports.count == 1)
    #expect(build.services.map(\.name) == ["db"])
    if case .value(true) = build.concurrency?.cancelInProgress {} else { Issue.record("cancel-in-progress") }
    #expect(build.steps.count == 2)
    #expect(build.steps[0].uses?.kind == .remote(owner: "actions", repository: "checkout", path: nil, ref: "v4"))
    #expect(build.steps[0].with["fetch-depth"]?.raw == "0")
    let deploy = build.steps[1]
    #expect(deploy.id == "deploy" && deploy.shell == "sh" && deploy.workingDirectory?.raw == "scripts")
    if case .value(true) = deploy.continueOnError {} else { Issue.record("step continue-on-error") }
    let call = workflow.jobs[2]
    #expect(call.call?.uses == "./.github/workflows/reusable.yml" && call.call?.inheritSecrets == true)
    #expect(call.call?.with["version"]?.raw == "1.2")
    let imageJob = workflow.jobs[3]
    if case .expression = imageJob.runsOn {} else { Issue.record("runs-on expression") }
    #expect(imageJob.container?.image.raw == "alpine:3")
    #expect(imageJob.environment?.name.raw == "production")
    #expect(
        imageJob.steps.map { $0.uses!.kind } == [
            .docker(image: "alpine:3"), .local(path: "./local/action"), .remote(owner: "owner", repository: "repo", path: "path", ref: "v1"),
        ])
}

@Test func actionMetadataDecodesAllThreeKinds() throws {
    let composite = ActionLoader.load(
        text: """
            name: Greet
            inputs:
              who:
                default: world
            outputs:
              said:
                value: ${{ steps.say.outputs.text }}
            runs:
              using: composite
              steps:
                - id: say
                  run: echo "text=hi ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                  shell: bash
            """, path: "action.yml")
    #expect(!composite.hasErrors)
    if case .composite(let steps) = composite.action?.runs { #expect(steps.count == 1) } else { Issue.record("composite") }
    let node = ActionLoader.load(text: "name: n\nruns:\n  using: node20\n  main: dist/index.js\n  post: dist/post.js\n", path: "action.yml")
    if case .node(let version, let main, _, let post, _, _) = node.action?.runs {
        #expect(version == "node20" && main == "dist/index.js" && post == "dist/post.js")
    } else {
        Issue.record("node")
    }
    let docker = ActionLoader.load(text: "name: d\nruns:\n  using: docker\n  image: Dockerfile\n  args: ['${{ inputs.x }}']\n", path: "action.yml")
    if case .docker(let image, _, let arguments, _, _, _) = docker.action?.runs {
        #expect(image == "Dockerfile" && arguments.count == 1)
    } else {
        Issue.record("docker")
    }
    let broken = ActionLoader.load(text: "name: c\nruns:\n  using: composite\n  steps:\n    - run: echo\n", path: "action.yml")
    #expect(broken.diagnostics.map(\.message) == ["'shell' is required for 'run' steps in a composite action"])
}

@Test func expressionErrorColumnsPointInsideQuotedAndFoldedScalars() {
    let quoted = WorkflowLoader.load(text: "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: \"echo ${{ a = b }}\"\n", path: "t.yml")
    #expect(quoted.diagnostics.first?.location == SourceLocation(line: 6, column: 26))
    let folded = WorkflowLoader.load(
        text: "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: >\n          one\n          ${{ github.x == = }}\n", path: "t.yml")
    #expect(folded.diagnostics.first?.location == SourceLocation(line: 8, column: 27))
}

/// GitHub runs workflows that filter an event which takes no filters (helm's release.yml has
/// `on.create.tags`) and ignores the filter: Gaara accepts them with a warning; an unknown key is
/// still an error.
@Test func aFilterOnAnEventWithoutFiltersIsAWarningNotAnError() {
    let text = """
        on:
          create:
            tags: ['v*']
            branches-ignore: [main]
          push:
            tag: ['v*']
        jobs:
          release:
            runs-on: ubuntu-latest
            steps:
              - run: make release
        """
    let result = WorkflowLoader.load(text: text, path: "release.yml")
    let rendered = result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    #expect(
        rendered == [
            "3:5: warning: 'tags' on 'on.create' is ignored: the create event takes no tags filter (GitHub ignores it too; the workflow runs on every create event)",
            "4:5: warning: 'branches-ignore' on 'on.create' is ignored: the create event takes no branches-ignore filter (GitHub ignores it too; the workflow runs on every create event)",
            "6:5: error: unknown key 'tag' in 'on.push' (did you mean 'tags'?)",
        ])
}
