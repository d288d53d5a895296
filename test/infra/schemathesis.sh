#!/usr/bin/env bash
# Installs the pinned Schemathesis (test/infra/schemathesis/requirements.txt, from PyPI) into a
# virtual environment in the infra cache and prints the path of its `schemathesis` binary on the
# last line. Idempotent: an environment built from the same requirements and Python is reused.
# `npm run infra:up` runs it and writes SCHEMATHESIS=<path> into .infra/env for
# test/contract/schemathesis.test.ts. Test equipment only.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REQUIREMENTS="$INFRA_DIR/schemathesis/requirements.txt"
VENV="$CACHE_DIR/schemathesis/venv"
STAMP="$CACHE_DIR/schemathesis/venv.stamp"
PYTHON="${INFRA_PYTHON:-python3}"

command -v "$PYTHON" >/dev/null || die "schemathesis: $PYTHON not found on PATH (Debian: apt-get install python3 python3-venv; or set INFRA_PYTHON)"
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "schemathesis: the venv module is missing: installing Debian package python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || die "schemathesis: $PYTHON has no venv module (Debian package: python3-venv)"
fi

want_stamp="$(sha256sum "$REQUIREMENTS" | cut -c1-16)-$("$PYTHON" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')"
if [[ -f "$STAMP" && "$(<"$STAMP")" == "$want_stamp" && -x "$VENV/bin/schemathesis" ]]; then
  say "schemathesis: $("$VENV/bin/schemathesis" --version) cached in $VENV"
else
  mkdir -p "$CACHE_DIR/schemathesis" "$LOG_DIR"
  # The stamp is written last: an install cut short is redone from scratch on the next run. A
  # virtual environment cannot be moved once built, so it is built in place.
  rm -rf "$VENV" "$STAMP"
  say "schemathesis: creating a virtual environment in $VENV"
  "$PYTHON" -m venv "$VENV"
  say "schemathesis: installing $(grep -c '==' "$REQUIREMENTS") pinned packages from PyPI (log: $LOG_DIR/schemathesis-pip.log)"
  if ! "$VENV/bin/pip" install --disable-pip-version-check --no-input --progress-bar off -r "$REQUIREMENTS" 2>&1 |
    tee "$LOG_DIR/schemathesis-pip.log" | grep --line-buffered -E '^(Collecting|Successfully installed)' | sed -u 's/^/[infra] schemathesis: /'; then
    die "schemathesis: pip install failed (full log: $LOG_DIR/schemathesis-pip.log; PyPI must be reachable)"
  fi
  "$VENV/bin/schemathesis" --version >/dev/null || die "schemathesis: installed, but $VENV/bin/schemathesis does not run (log: $LOG_DIR/schemathesis-pip.log)"
  echo "$want_stamp" >"$STAMP"
  say "schemathesis: $("$VENV/bin/schemathesis" --version) installed in $VENV"
fi
echo "$VENV/bin/schemathesis"
