#!/usr/bin/env bash
# Starts (or stops) the notes API as a local release of ENVIRONMENT, for the Deploy workflow.
#
#   scripts/release-local.sh start ENVIRONMENT   start it on a free loopback port; writes url=... to $GITHUB_OUTPUT
#   scripts/release-local.sh stop ENVIRONMENT    stop it
#
# A stand-in until the workflow ships images to Gaara's deploy controller: the release is a
# process on this machine, so the workflow runs anywhere `gaara run` does, offline.
set -euo pipefail
action=${1:?usage: release-local.sh start|stop ENVIRONMENT}
environment=${2:?usage: release-local.sh start|stop ENVIRONMENT}
state=${RUNNER_TEMP:-/tmp}/release-$environment
case "$action" in
  start)
    cd "$(dirname "$0")/../backend"
    python3 -m app --host 127.0.0.1 --port 0 >"$state.log" 2>&1 &
    echo $! >"$state.pid"
    for _ in $(seq 1 100); do
      url=$(sed -n 's/^notes API listening on \(http:[^ ]*\).*/\1/p' "$state.log")
      [ -n "$url" ] && break
      sleep 0.1
    done
    if [ -z "${url:-}" ]; then
      echo "::error::the $environment release did not start" && cat "$state.log" && exit 1
    fi
    echo "$environment release of ${GITHUB_SHA:-HEAD} at $url"
    echo "url=$url" >>"${GITHUB_OUTPUT:-/dev/null}"
    ;;
  stop)
    if [ -f "$state.pid" ]; then kill "$(cat "$state.pid")" 2>/dev/null || true; fi
    ;;
  *)
    echo "unknown action '$action'" >&2 && exit 2
    ;;
esac
