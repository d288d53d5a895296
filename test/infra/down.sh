#!/usr/bin/env bash
# Stops the local TEST servers started by test/infra/up.sh (by their pid files in .infra/run):
# SIGTERM, then SIGKILL after a timeout. Succeeds when nothing is running. Data dirs and logs
# stay in .infra/ until the next up.sh starts the servers afresh. See test/infra/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

STOP_TIMEOUT="${INFRA_STOP_TIMEOUT:-30}"

stopped=0
for name in mailpit oidc esdb mongo kafka; do
  if pid="$(stop_server "$name" "$STOP_TIMEOUT")"; then
    say "$name: stopped (pid $pid)"
    stopped=$((stopped + 1))
  else
    say "$name: not running"
  fi
done
rm -f "$ENV_FILE"
say "stopped $stopped server(s)"
