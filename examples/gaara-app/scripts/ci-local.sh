#!/usr/bin/env bash
# Run the same commands as .github/workflows/ci.yml, in order, on this host,
# without Gaara or GitHub. Usage (from anywhere):
#
#   scripts/ci-local.sh                 # backend frontend security gate
#   scripts/ci-local.sh backend security
#
# Needs python3 (3.11) with venv, node 20, and the Debian packages
# node-typescript and eslint (apt-get install -y node-typescript eslint).
# Creates .venv/, .venv-audit/, reports/ and frontend/dist/ in the example
# directory, exactly like a workflow run does in its workspace. Stops at the
# first failing command and prints how long each job took.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1
export SEMGREP_ENABLE_VERSION_CHECK=0

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

job_backend() {
  step "backend: create virtualenv and install pinned tools"
  python3 --version
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --requirement backend/requirements.txt --requirement backend/requirements-dev.txt
  mkdir -p reports
  (
    cd backend
    step "backend: flake8";  ../.venv/bin/flake8 .
    step "backend: black";   ../.venv/bin/black --check --diff .
    step "backend: isort";   ../.venv/bin/isort --check-only --diff .
    step "backend: mypy";    ../.venv/bin/mypy
    step "backend: unit tests"
    ../.venv/bin/pytest -m unit tests/unit \
      --cov --cov-report= \
      --junitxml=../reports/backend-unit-junit.xml
    step "backend: integration tests and coverage"
    ../.venv/bin/pytest -m integration tests/integration \
      --cov --cov-append \
      --cov-report=term-missing \
      --cov-report=xml:../reports/backend-coverage.xml \
      --cov-fail-under=80 \
      --junitxml=../reports/backend-integration-junit.xml
  )
}

job_frontend() {
  step "frontend: toolchain"
  if ! command -v tsc >/dev/null || ! command -v eslint >/dev/null; then
    echo "tsc/eslint missing: apt-get install -y node-typescript eslint" >&2
    return 1
  fi
  node --version
  tsc --version
  NODE_PATH=/usr/share/nodejs eslint --version
  mkdir -p reports
  (
    cd frontend
    step "frontend: tsc"
    tsc -p tsconfig.json
    step "frontend: eslint"
    NODE_PATH=/usr/share/nodejs eslint --max-warnings 0 test/ scripts/ dist/
    step "frontend: node --test (JUnit + LCOV)"
    node --experimental-test-coverage --test \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=junit --test-reporter-destination=../reports/frontend-junit.xml \
      --test-reporter=lcov --test-reporter-destination=../reports/frontend-lcov.info \
      test/*.test.js
    step "frontend: coverage threshold"
    node scripts/check-coverage.js ../reports/frontend-lcov.info --min 80 --only src/
  )
}

job_security() {
  mkdir -p reports
  step "security: offline dependency audit (safety 2.3.5 + security/advisory-db)"
  python3 -m venv .venv-audit
  .venv-audit/bin/python -m pip install --quiet --requirement security/requirements-audit.txt
  .venv-audit/bin/safety --disable-optional-telemetry-data check \
    --db security/advisory-db \
    --policy-file security/safety-policy.yml \
    --file backend/requirements.txt \
    --file backend/requirements-dev.txt \
    --file security/requirements-audit.txt \
    --full-report --output text \
    --save-json reports/audit.json
  step "security: create virtualenv and install pinned scanners"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --requirement backend/requirements.txt --requirement backend/requirements-dev.txt
  (
    cd backend
    step "security: bandit reports (JSON + SARIF)"
    ../.venv/bin/bandit -c pyproject.toml -r app -f json -o ../reports/bandit.json --exit-zero
    ../.venv/bin/bandit -c pyproject.toml -r app -f sarif -o ../reports/bandit.sarif --exit-zero
    step "security: bandit (fail on HIGH)"
    ../.venv/bin/bandit -c pyproject.toml -r app --severity-level high --confidence-level medium
  )
  step "security: semgrep rule self-test"
  .venv/bin/semgrep --test --metrics=off --config .semgrep/rules.yml .semgrep/rules.py
  step "security: semgrep scan"
  .venv/bin/semgrep scan --config .semgrep/ --metrics=off \
    --error --sarif -o reports/semgrep.sarif backend/
}

job_gate() {
  step "quality-gate: reports"
  ls -l reports
  if command -v gaara >/dev/null; then
    gaara gate --junit 'reports/**/*junit*.xml' --coverage reports/backend-coverage.xml --coverage reports/frontend-lcov.info --sarif 'reports/*.sarif' --audit reports/audit.json
  else
    echo "gaara is not on PATH: skipping 'gaara gate' (the jobs above already enforce each gate)."
  fi
}

jobs=("$@")
if [ ${#jobs[@]} -eq 0 ]; then
  jobs=(backend frontend security gate)
  rm -rf reports
fi

declare -a timings=()
for job in "${jobs[@]}"; do
  case "$job" in
    backend|frontend|security|gate) ;;
    *) echo "unknown job: $job (backend, frontend, security, gate)" >&2; exit 2 ;;
  esac
  start=$SECONDS
  "job_$job"
  timings+=("$job $((SECONDS - start))s")
done

step "all jobs passed"
printf '  %s\n' "${timings[@]}"
