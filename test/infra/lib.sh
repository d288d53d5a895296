# shellcheck shell=bash disable=SC2034
# Shared settings and helpers for test/infra/up.sh and test/infra/down.sh (sourced, not run).
# Test equipment only: nothing here is meant for production.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"

# Runtime state (pid files, logs, data dirs, env file) – gitignored.
STATE_DIR="$REPO_ROOT/.infra"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
DATA_DIR="$STATE_DIR/data"
ENV_FILE="$STATE_DIR/env"

# Downloaded jars, Maven/Go caches and the built FerretDB and Mailpit binaries – reused across runs.
CACHE_DIR="${INFRA_CACHE_DIR:-${HOME:?HOME is not set: set INFRA_CACHE_DIR}/.cache/crm-discovery-infra}"

BIND_HOST=127.0.0.1
KAFKA_PORT="${INFRA_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${INFRA_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
MONGO_PORT="${INFRA_MONGO_PORT:-27018}"
ESDB_PORT="${INFRA_ESDB_PORT:-2114}"
OIDC_PORT="${INFRA_OIDC_PORT:-9400}"
MAILPIT_SMTP_PORT="${INFRA_MAILPIT_SMTP_PORT:-19025}"
MAILPIT_HTTP_PORT="${INFRA_MAILPIT_HTTP_PORT:-19026}"

# Which servers up.sh starts (down.sh always stops whatever it finds).
INFRA_SERVICES="${INFRA_SERVICES:-kafka mongo esdb oidc mailpit}"

# A substring of each server's command line, to tell our process from an unrelated one
# that happens to reuse a stale pid.
cmd_pattern() {
  case "$1" in
    kafka) echo "kafka.Kafka" ;;
    mongo) echo "ferretdb-test-server" ;;
    esdb) echo "esdb-server/main.ts" ;;
    oidc) echo "oidc/main.ts" ;;
    mailpit) echo "mailpit-test-server" ;;
    *) return 1 ;;
  esac
}

say() { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

pid_file() { echo "$RUN_DIR/$1.pid"; }

# Prints the pid of our running server NAME, or fails when it is not running.
running_pid() {
  local name="$1" file pid pattern
  file="$(pid_file "$name")"
  [[ -s "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  pattern="$(cmd_pattern "$name")"
  # /proc/PID/cmdline is NUL-separated.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# True when something accepts TCP connections on HOST:PORT.
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# Stops our server NAME: SIGTERM to its process group, then SIGKILL after TIMEOUT seconds.
stop_server() {
  local name="$1" timeout="${2:-30}" pid target i
  if ! pid="$(running_pid "$name")"; then
    rm -f "$(pid_file "$name")"
    return 1
  fi
  # Servers are started with setsid, so the pid leads its own process group (which also
  # holds helpers such as tsx's esbuild child). Signal the group when that is so.
  target="$pid"
  if [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]]; then
    target="-$pid"
  fi
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  # Leftover group members (e.g. esbuild) go too.
  if [[ "$target" == -* ]]; then
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
  echo "$pid"
}
