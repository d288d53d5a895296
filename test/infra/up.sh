#!/usr/bin/env bash
# Starts the local TEST servers used by the integration tests (not for production):
#   - Kafka 3.9 broker+controller in KRaft mode (jars from Maven Central)      127.0.0.1:19092
#   - FerretDB 1.24 (MongoDB wire protocol) on SQLite, built from a tiny Go main 127.0.0.1:27018
#   - the EventStoreDB protocol test server in test/esdb-server/main.ts         127.0.0.1:2114
#   - an OpenID Provider (oidc-provider) in test/oidc/main.ts                   127.0.0.1:9400
#   - Mailpit (a real SMTP server with an HTTP API), built with Go   SMTP 127.0.0.1:19025, API :19026
# and writes .infra/env. Idempotent: a server of ours that is already up and answering is left
# alone; one that is not running is started afresh on a wiped data dir.
# See test/infra/README.md.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_TIMEOUT="${INFRA_KAFKA_TIMEOUT:-120}"
MONGO_TIMEOUT="${INFRA_MONGO_TIMEOUT:-60}"
ESDB_TIMEOUT="${INFRA_ESDB_TIMEOUT:-60}"
OIDC_TIMEOUT="${INFRA_OIDC_TIMEOUT:-60}"
MAILPIT_TIMEOUT="${INFRA_MAILPIT_TIMEOUT:-60}"
KAFKA_HEAP_OPTS="${INFRA_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
MONGO_LOG_LEVEL="${INFRA_MONGO_LOG_LEVEL:-error}"

KAFKA_LIBS="$CACHE_DIR/kafka/libs"
FERRETDB_BIN="$CACHE_DIR/ferretdb/ferretdb-test-server"
MAILPIT_BIN="$CACHE_DIR/mailpit/mailpit-test-server"

started_at=$SECONDS

want() { [[ " $INFRA_SERVICES " == *" $1 "* ]]; }

for s in $INFRA_SERVICES; do
  cmd_pattern "$s" >/dev/null || die "unknown service '$s' in INFRA_SERVICES (use: kafka mongo esdb oidc mailpit)"
done

mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR" "$CACHE_DIR"

# One up.sh at a time per checkout (a second one waits, then finds the servers running).
exec 9>"$STATE_DIR/.up.lock"
flock -w 900 9 || die "could not get $STATE_DIR/.up.lock (another up.sh still running?)"

rm -f "$ENV_FILE"

command -v node >/dev/null || die "node not found on PATH"
for m in kafkajs mongodb tsx oidc-provider; do
  [[ -d "$REPO_ROOT/node_modules/$m" ]] || die "node_modules/$m missing: run 'npm ci' in $REPO_ROOT first"
done

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Installs a missing Debian package when we may (root with apt-get), else fails.
need_tool() {
  local tool="$1" pkg="$2"
  command -v "$tool" >/dev/null && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "$tool not found: installing Debian package $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
    command -v "$tool" >/dev/null && return 0
  fi
  die "$tool not found on PATH (Debian package: $pkg)"
}

show_log() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    printf '[infra] ---- last lines of %s ----\n' "$f" >&2
    tail -n 40 "$f" >&2
    printf '[infra] ---- end of %s ----\n' "$f" >&2
  done
}

# Moves the previous run's log aside so each fresh server starts with an empty log.
rotate_log() {
  local f
  for f in "$@"; do
    if [[ -e "$f" ]]; then mv -f "$f" "$f.prev"; fi
  done
}

# ---------------------------------------------------------------- artifacts (cached)

ensure_kafka_libs() {
  local stamp="$CACHE_DIR/kafka/libs.stamp" want_stamp tmp
  want_stamp="$(hash_of "$INFRA_DIR/kafka/pom.xml")"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want_stamp" && -d "$KAFKA_LIBS" ]]; then
    say "kafka: jars cached in $KAFKA_LIBS"
    return
  fi
  need_tool java openjdk-17-jre-headless
  need_tool mvn maven
  say "kafka: resolving jars from Maven Central (test/infra/kafka/pom.xml changed or first run)"
  tmp="$CACHE_DIR/kafka/libs.tmp"
  rm -rf "$tmp"
  mkdir -p "$CACHE_DIR/kafka"
  if ! (cd "$INFRA_DIR/kafka" && mvn -q -B -Dmaven.repo.local="$CACHE_DIR/m2" \
    dependency:copy-dependencies -DoutputDirectory="$tmp") >"$LOG_DIR/mvn.log" 2>&1; then
    show_log "$LOG_DIR/mvn.log"
    die "kafka: mvn dependency:copy-dependencies failed (full log: $LOG_DIR/mvn.log)"
  fi
  # A fresh directory every time: stale jars of another version must not stay on the classpath.
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  echo "$want_stamp" >"$stamp"
  say "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $KAFKA_LIBS"
}

ensure_ferretdb_bin() {
  local stamp="$CACHE_DIR/ferretdb/bin.stamp" want_stamp src="$INFRA_DIR/ferretdb"
  command -v go >/dev/null || die "go not found on PATH (Go >= 1.24 is needed to build FerretDB)"
  want_stamp="$(hash_of "$src/go.mod" "$src/go.sum" "$src/main.go")-$(go env GOVERSION)"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want_stamp" && -x "$FERRETDB_BIN" ]]; then
    say "mongo: FerretDB binary cached at $FERRETDB_BIN"
    return
  fi
  say "mongo: building FerretDB test server with Go (first run takes a minute or two)"
  mkdir -p "$CACHE_DIR/ferretdb"
  # Modules and build cache live in the infra cache too, so wiping it really starts afresh.
  if ! (cd "$src" && env GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" \
    GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" GOTOOLCHAIN=local CGO_ENABLED=0 \
    go build -trimpath -ldflags='-s -w' -o "$FERRETDB_BIN.tmp" .) >"$LOG_DIR/go-build.log" 2>&1; then
    show_log "$LOG_DIR/go-build.log"
    die "mongo: go build of test/infra/ferretdb failed (full log: $LOG_DIR/go-build.log)"
  fi
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  echo "$want_stamp" >"$stamp"
  # The compiled-package cache (~300 MB) is only needed for rebuilds; the modules stay.
  rm -rf "$CACHE_DIR/go/build"
  say "mongo: built $FERRETDB_BIN"
}

# ---------------------------------------------------------------- starting

# launch NAME LOGFILE CMD...: starts CMD detached in its own session, cwd = repo root;
# its pid (the exec'd server itself) goes to the pid file.
launch() {
  local name="$1" log="$2" pidf i
  shift 2
  pidf="$(pid_file "$name")"
  rm -f "$pidf"
  (
    cd "$REPO_ROOT"
    # shellcheck disable=SC2016 # expanded by the inner bash
    # 9>&-: the server must not inherit (and so keep holding) up.sh's lock.
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$log" 2>&1 9>&- &
  )
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidf" ]] && return 0
    sleep 0.1
  done
  die "$name: did not start (no pid file $pidf)"
}

# Mailpit's own main package (github.com/axllent/mailpit), pinned by test/infra/mailpit/go.mod.
ensure_mailpit_bin() {
  local stamp="$CACHE_DIR/mailpit/bin.stamp" want_stamp src="$INFRA_DIR/mailpit"
  command -v go >/dev/null || die "go not found on PATH (Go >= 1.24 is needed to build Mailpit)"
  want_stamp="$(hash_of "$src/go.mod" "$src/go.sum" "$src/tools.go")-$(go env GOVERSION)"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want_stamp" && -x "$MAILPIT_BIN" ]]; then
    say "mailpit: binary cached at $MAILPIT_BIN"
    return
  fi
  say "mailpit: building Mailpit with Go (first run takes a minute or two)"
  mkdir -p "$CACHE_DIR/mailpit"
  if ! (cd "$src" && env GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" \
    GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" GOTOOLCHAIN=local CGO_ENABLED=0 \
    go build -trimpath -ldflags='-s -w' -o "$MAILPIT_BIN.tmp" github.com/axllent/mailpit) >"$LOG_DIR/go-build-mailpit.log" 2>&1; then
    show_log "$LOG_DIR/go-build-mailpit.log"
    die "mailpit: go build of github.com/axllent/mailpit failed (full log: $LOG_DIR/go-build-mailpit.log)"
  fi
  mv -f "$MAILPIT_BIN.tmp" "$MAILPIT_BIN"
  echo "$want_stamp" >"$stamp"
}

# Decides what to do for server NAME before starting it. Returns 0 when we must start it,
# 1 when it is already running (ours, or a foreign one that answers: then it is reused).
needs_start() {
  local name="$1" kind="$2" target="$3" pid port
  shift 3
  if pid="$(running_pid "$name")"; then
    say "$name: already running (pid $pid), leaving it"
    return 1
  fi
  rm -f "$(pid_file "$name")"
  for port in "$@"; do
    if port_open "$BIND_HOST" "$port"; then
      if node "$INFRA_DIR/probe.mjs" "$kind" "$target" --timeout 5 >/dev/null 2>&1; then
        warn "$name: port $port is served by a process not started from this checkout; reusing it (down.sh will not stop it)"
        return 1
      fi
      die "$name: port $port is already in use by another process (set INFRA_${name^^}_PORT to another port)"
    fi
  done
  return 0
}

start_kafka() {
  local props="$RUN_DIR/kafka-server.properties" cluster_id java_opts
  needs_start kafka kafka "$BIND_HOST:$KAFKA_PORT" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" || return 0
  say "kafka: starting broker+controller (KRaft) on $BIND_HOST:$KAFKA_PORT, controller :$KAFKA_CONTROLLER_PORT"
  rm -rf "$DATA_DIR/kafka"
  mkdir -p "$DATA_DIR/kafka"
  rotate_log "$LOG_DIR/kafka.log" "$LOG_DIR/kafka.out"
  cat >"$props" <<EOF
# Generated by test/infra/up.sh – single-node test broker, not for production.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$BIND_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT,CONTROLLER://$BIND_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$BIND_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR/kafka
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
EOF
  # shellcheck disable=SC2206
  java_opts=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$INFRA_DIR/kafka/log4j.properties" "-Dkafka.logs.dir=$LOG_DIR")
  cluster_id="$(java -cp "$KAFKA_LIBS/*" "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka.out")" ||
    { show_log "$LOG_DIR/kafka.out"; die "kafka: StorageTool random-uuid failed"; }
  if ! java -cp "$KAFKA_LIBS/*" "${java_opts[@]}" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$props" >>"$LOG_DIR/kafka.out" 2>&1; then
    show_log "$LOG_DIR/kafka.out" "$LOG_DIR/kafka.log"
    die "kafka: StorageTool format failed"
  fi
  launch kafka "$LOG_DIR/kafka.out" java -cp "$KAFKA_LIBS/*" "${java_opts[@]}" kafka.Kafka "$props"
}

start_mongo() {
  needs_start mongo mongo "mongodb://$BIND_HOST:$MONGO_PORT/" "$MONGO_PORT" || return 0
  say "mongo: starting FerretDB (SQLite backend) on $BIND_HOST:$MONGO_PORT"
  rm -rf "$DATA_DIR/mongo"
  mkdir -p "$DATA_DIR/mongo"
  rotate_log "$LOG_DIR/mongo.log"
  launch mongo "$LOG_DIR/mongo.log" "$FERRETDB_BIN" -listen "$BIND_HOST:$MONGO_PORT" \
    -dir "$DATA_DIR/mongo" -log-level "$MONGO_LOG_LEVEL"
}

start_esdb() {
  local main="$REPO_ROOT/test/esdb-server/main.ts"
  needs_start esdb tcp "$BIND_HOST:$ESDB_PORT" "$ESDB_PORT" || return 0
  [[ -f "$main" ]] ||
    die "esdb: $main not found (to start only the other servers: INFRA_SERVICES='kafka mongo')"
  say "esdb: starting EventStoreDB test server on $BIND_HOST:$ESDB_PORT"
  rotate_log "$LOG_DIR/esdb.log"
  launch esdb "$LOG_DIR/esdb.log" node --import tsx test/esdb-server/main.ts \
    --host "$BIND_HOST" --port "$ESDB_PORT"
}

start_mailpit() {
  needs_start mailpit mailpit "http://$BIND_HOST:$MAILPIT_HTTP_PORT" "$MAILPIT_SMTP_PORT" "$MAILPIT_HTTP_PORT" || return 0
  say "mailpit: starting Mailpit, SMTP on $BIND_HOST:$MAILPIT_SMTP_PORT, HTTP API on :$MAILPIT_HTTP_PORT"
  rm -rf "$DATA_DIR/mailpit"
  mkdir -p "$DATA_DIR/mailpit"
  rotate_log "$LOG_DIR/mailpit.log"
  launch mailpit "$LOG_DIR/mailpit.log" "$MAILPIT_BIN" --smtp "$BIND_HOST:$MAILPIT_SMTP_PORT" \
    --listen "$BIND_HOST:$MAILPIT_HTTP_PORT" --database "$DATA_DIR/mailpit/mailpit.db" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --disable-version-check --quiet
}

# The signing key and the service client's secret live outside the wiped data dirs, in
# $OIDC_STATE_DIR/provider.json: a restarted provider keeps them, so tokens issued before stay valid.
OIDC_STATE_DIR="$STATE_DIR/oidc"
OIDC_ISSUER="http://$BIND_HOST:$OIDC_PORT"

start_oidc() {
  local main="$REPO_ROOT/test/oidc/main.ts"
  local pid
  if pid="$(running_pid oidc)"; then
    say "oidc: already running (pid $pid), leaving it"
    return 0
  fi
  rm -f "$(pid_file oidc)"
  # Unlike the other servers, a foreign provider is not reused: its client secret is not ours to know.
  if port_open "$BIND_HOST" "$OIDC_PORT"; then
    die "oidc: port $OIDC_PORT is already in use by a process not started from this checkout (another checkout's provider, whose client secret is unknown here?): stop it or set INFRA_OIDC_PORT"
  fi
  [[ -f "$main" ]] ||
    die "oidc: $main not found (to start only the other servers: INFRA_SERVICES='kafka mongo esdb')"
  say "oidc: starting the test OpenID Provider on $OIDC_ISSUER"
  rotate_log "$LOG_DIR/oidc.log"
  rm -f "$OIDC_STATE_DIR/env"
  launch oidc "$LOG_DIR/oidc.log" node --import tsx test/oidc/main.ts \
    --port "$OIDC_PORT" --state-dir "$OIDC_STATE_DIR"
}

# wait_ready NAME KIND TARGET TIMEOUT LOG...: probes until the server answers; fails loudly.
wait_ready() {
  local name="$1" kind="$2" target="$3" timeout="$4" pid="" rc=0
  shift 4
  pid="$(running_pid "$name")" || pid=""
  node "$INFRA_DIR/probe.mjs" "$kind" "$target" --timeout "$timeout" ${pid:+--pid "$pid"} |
    sed "s/^/[infra] $name: ready: /" || rc=$?
  if ((rc != 0)); then
    show_log "$@"
    die "$name: not ready (see the log above; logs in $LOG_DIR, stop the rest with: npm run infra:down)"
  fi
}

# ---------------------------------------------------------------- main

# Fail before starting anything when the ESDB test server is wanted but absent.
if want esdb && ! running_pid esdb >/dev/null && [[ ! -f "$REPO_ROOT/test/esdb-server/main.ts" ]]; then
  die "esdb: test/esdb-server/main.ts not found (to start only the other servers: INFRA_SERVICES='kafka mongo')"
fi

if want oidc && ! running_pid oidc >/dev/null && [[ ! -f "$REPO_ROOT/test/oidc/main.ts" ]]; then
  die "oidc: test/oidc/main.ts not found (to start only the other servers: INFRA_SERVICES='kafka mongo esdb')"
fi

if want kafka; then ensure_kafka_libs; fi
if want mongo; then ensure_ferretdb_bin; fi
if want mailpit; then ensure_mailpit_bin; fi

# Not a server: the pinned Schemathesis the contract test runs (INFRA_SCHEMATHESIS=off skips it).
SCHEMATHESIS_BIN=""
if [[ "${INFRA_SCHEMATHESIS:-on}" != off ]]; then
  SCHEMATHESIS_BIN="$(bash "$INFRA_DIR/schemathesis.sh" | tee /dev/stderr | tail -n 1)"
fi

if want kafka; then start_kafka; fi
if want mongo; then start_mongo; fi
if want esdb; then start_esdb; fi
if want oidc; then start_oidc; fi
if want mailpit; then start_mailpit; fi

if want mongo; then
  wait_ready mongo mongo "mongodb://$BIND_HOST:$MONGO_PORT/" "$MONGO_TIMEOUT" "$LOG_DIR/mongo.log"
fi
if want esdb; then
  wait_ready esdb tcp "$BIND_HOST:$ESDB_PORT" "$ESDB_TIMEOUT" "$LOG_DIR/esdb.log"
fi
if want oidc; then
  wait_ready oidc oidc "$OIDC_ISSUER" "$OIDC_TIMEOUT" "$LOG_DIR/oidc.log"
fi
if want mailpit; then
  wait_ready mailpit mailpit "http://$BIND_HOST:$MAILPIT_HTTP_PORT" "$MAILPIT_TIMEOUT" "$LOG_DIR/mailpit.log"
  wait_ready mailpit tcp "$BIND_HOST:$MAILPIT_SMTP_PORT" "$MAILPIT_TIMEOUT" "$LOG_DIR/mailpit.log"
fi
if want kafka; then
  wait_ready kafka kafka "$BIND_HOST:$KAFKA_PORT" "$KAFKA_TIMEOUT" "$LOG_DIR/kafka.out" "$LOG_DIR/kafka.log"
fi

{
  echo "# Written by test/infra/up.sh – test servers, not for production."
  echo "# Load with: set -a; . .infra/env; set +a"
  if want esdb; then echo "export EVENTSTORE_URL=\"esdb://$BIND_HOST:$ESDB_PORT?tls=false\""; fi
  if want mongo; then echo "export MONGO_URL=\"mongodb://$BIND_HOST:$MONGO_PORT/\""; fi
  if want kafka; then echo "export KAFKA_BROKERS=\"$BIND_HOST:$KAFKA_PORT\""; fi
  if want mailpit; then
    echo "export SMTP_URL=\"smtp://$BIND_HOST:$MAILPIT_SMTP_PORT\""
    echo "export MAILPIT_URL=\"http://$BIND_HOST:$MAILPIT_HTTP_PORT\""
  fi
  # The issuer, the API's audience and the test clients, as the provider we started wrote them.
  if want oidc; then cat "$OIDC_STATE_DIR/env"; fi
  if [[ -n "$SCHEMATHESIS_BIN" ]]; then echo "export SCHEMATHESIS=\"$SCHEMATHESIS_BIN\""; fi
} >"$ENV_FILE.tmp"
mv -f "$ENV_FILE.tmp" "$ENV_FILE"

say "ready in $((SECONDS - started_at))s: $INFRA_SERVICES; env in ${ENV_FILE#"$REPO_ROOT"/} (load with: set -a; . .infra/env; set +a)"
