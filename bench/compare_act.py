#!/usr/bin/env python3
"""Runs each workflow below with act and with gaara and compares what they print.

Every workflow prints `RESULT: key=value` lines. For each workflow the script compares the
exit status (success or failure) and the sorted RESULT lines of both runners, and prints the
differences. Known, deliberate differences are listed in README.md ("Differences from act").

`background-steps` uses GitHub's background and parallel steps (2026-06-25): act 0.2.89 rejects
the workflow ("Unknown Property background"), so it shows as a difference until act learns them.
"""
import os
import re
import subprocess
import sys
import tempfile
import textwrap

GAARA, ACT = sys.argv[1], sys.argv[2]

WORKFLOWS = {
    "contexts": """
        on: push
        jobs:
          ctx:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "RESULT: event=${{ github.event_name }}"
                  echo "RESULT: ref=${{ github.ref }}"
                  echo "RESULT: ref_name=${{ github.ref_name }}"
                  echo "RESULT: ref_type=${{ github.ref_type }}"
                  echo "RESULT: sha_len=${#GITHUB_SHA}"
                  echo "RESULT: sha_match=${{ github.sha == env.GITHUB_SHA }}"
                  echo "RESULT: job=${{ github.job }}"
                  echo "RESULT: runner_os=${{ runner.os }}"
                  echo "RESULT: ci=$CI actions=$GITHUB_ACTIONS"
                  echo "RESULT: head_message=${{ github.event.head_commit.message }}"
                  echo "RESULT: workspace_is_pwd=$([ "$PWD" = "$GITHUB_WORKSPACE" ] && echo yes || echo no)"
    """,
    "expressions": """
        on: push
        env:
          NUM: '42'
          LIST: '["b","a"]'
        jobs:
          expr:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "RESULT: format=${{ format('{0}-{1}-{{x}}', 'a', 1.50) }}"
                  echo "RESULT: join=${{ join(fromJSON(env.LIST), '+') }}"
                  echo "RESULT: contains=${{ contains(fromJSON(env.LIST), 'A') }}"
                  echo "RESULT: starts=${{ startsWith('Hello', 'he') }}"
                  echo "RESULT: loose=${{ env.NUM == 42 }} ${{ null == 0 }} ${{ 'abc' == 'ABC' }}"
                  echo "RESULT: or=${{ env.NOPE || 'default' }} and=${{ 1 && 'last' }}"
                  echo "RESULT: number=${{ 0.1 }} ${{ 1000000 }} ${{ 0xff }} ${{ 1e21 }}"
                  echo "RESULT: json-lines=$(echo '${{ toJSON(fromJSON('[1,2]')) }}' | wc -l)"
                  echo "RESULT: not=${{ !0 }} ${{ !'' }} ${{ !'x' }}"
    """,
    "needs-outputs": """
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            outputs:
              v: ${{ steps.s.outputs.v }}
            steps:
              - id: s
                run: |
                  echo "v=from-a" >> "$GITHUB_OUTPUT"
          b:
            needs: a
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "RESULT: got=${{ needs.a.outputs.v }} result=${{ needs.a.result }}"
    """,
    "matrix": """
        on: push
        jobs:
          m:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                os: [x, y]
                n: [1, 2]
                exclude:
                  - os: y
                    n: 2
                include:
                  - os: x
                    extra: e
                  - os: z
                    n: 9
            steps:
              - run: |
                  echo "RESULT: os=${{ matrix.os }} n=${{ matrix.n }} extra=${{ matrix.extra }} total=${{ strategy.job-total }}"
    """,
    "status-functions": """
        on: push
        jobs:
          s:
            runs-on: ubuntu-latest
            steps:
              - id: ok
                run: echo fine
              - id: bad
                continue-on-error: true
                run: exit 3
              - run: |
                  echo "RESULT: bad=${{ steps.bad.outcome }}/${{ steps.bad.conclusion }} ok=${{ steps.ok.outcome }}"
              - id: fail
                run: exit 1
              - if: failure()
                run: |
                  echo "RESULT: failure-ran"
              - if: always()
                run: |
                  echo "RESULT: always-ran"
              - run: |
                  echo "RESULT: should-not-run"
    """,
    "file-commands": """
        on: push
        jobs:
          f:
            runs-on: ubuntu-latest
            steps:
              - id: w
                run: |
                  echo "E1=one" >> "$GITHUB_ENV"
                  printf 'M<<XX\\nl1\\nl2\\nXX\\n' >> "$GITHUB_OUTPUT"
                  mkdir -p "$RUNNER_TEMP/b" && printf '#!/bin/sh\\necho tool\\n' > "$RUNNER_TEMP/b/t" && chmod +x "$RUNNER_TEMP/b/t"
                  echo "$RUNNER_TEMP/b" >> "$GITHUB_PATH"
              - run: |
                  echo "RESULT: env=$E1 ctx=${{ env.E1 }}"
                  echo "RESULT: tool=$(t)"
                  M='${{ steps.w.outputs.M }}'
                  echo "RESULT: multi-lines=$(printf '%s\\n' "$M" | wc -l)"
    """,
    "shells": """
        on: push
        jobs:
          sh:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  false | true
                  echo "RESULT: default-no-pipefail"
              - shell: python
                run: |
                  print("RESULT: python=" + str(6 * 7))
              - shell: sh
                run: |
                  echo "RESULT: sh-ran"
              - working-directory: /tmp
                run: |
                  echo "RESULT: wd=$PWD"
    """,
    "job-if": """
        on: push
        jobs:
          never:
            if: github.event_name == 'pull_request'
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "RESULT: never"
          after:
            needs: never
            if: always()
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "RESULT: after=${{ needs.never.result }}"
    """,
    "background-steps": """
        on: push
        jobs:
          bg:
            runs-on: ubuntu-latest
            steps:
              - id: build
                background: true
                run: |
                  sleep 0.2
                  echo "artifact=app.tar" >> "$GITHUB_OUTPUT"
              - run: |
                  echo "RESULT: before_wait=[${{ steps.build.outputs.artifact }}]"
              - wait: build
              - parallel:
                  - run: |
                      echo "RESULT: in_group=one"
                  - run: |
                      echo "RESULT: in_group=two"
              - run: |
                  echo "RESULT: after_wait=${{ steps.build.outputs.artifact }}"
    """,
}


def run(command, cwd):
    proc = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    # Output lines only: `[job]   RESULT: ...` (gaara; `[job]   ‹step› RESULT: ...` while steps run
    # at the same time) or `[workflow/job]   | RESULT: ...` (act), not step headers.
    results = sorted(set(re.findall(r"^\[[^\]]*\]\s+(?:‹[^›]*›\s+)?(?:\|\s+)?RESULT: (.*)$", proc.stdout, flags=re.M)))
    return proc.returncode, [r.strip() for r in results], proc.stdout


def main():
    differences = 0
    for name, text in WORKFLOWS.items():
        with tempfile.TemporaryDirectory() as work:
            os.makedirs(os.path.join(work, ".github/workflows"))
            with open(os.path.join(work, ".github/workflows/ci.yml"), "w") as handle:
                handle.write(textwrap.dedent(text).lstrip())
            git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
            subprocess.run(["git", "init", "-q", "-b", "main"], cwd=work, check=True)
            subprocess.run(git + ["add", "-A"], cwd=work, check=True)
            subprocess.run(git + ["commit", "-qm", "compare with act"], cwd=work, check=True)
            gaara_code, gaara_results, gaara_out = run([GAARA, "run", "push", "--run-dir", os.path.join(work, ".runs")], work)
            act_code, act_results, act_out = run([ACT, "push", "-P", "ubuntu-latest=-self-hosted", "--action-offline-mode"], work)
        same_status = (gaara_code == 0) == (act_code == 0)
        only_gaara = [r for r in gaara_results if r not in act_results]
        only_act = [r for r in act_results if r not in gaara_results]
        if gaara_code == 2:
            print(gaara_out[-2000:])
        if same_status and not only_gaara and not only_act:
            print(f"same       {name}: {len(gaara_results)} results, exit {'success' if gaara_code == 0 else 'failure'}")
            continue
        differences += 1
        print(f"DIFFERENT  {name}: gaara exit {gaara_code}, act exit {act_code}")
        for line in only_gaara:
            print(f"    gaara only: {line}")
        for line in only_act:
            print(f"    act only:   {line}")
    print(f"\n{len(WORKFLOWS) - differences} of {len(WORKFLOWS)} workflows identical; {differences} differ")


main()
