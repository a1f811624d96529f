#!/usr/bin/env bash
# Local stack without Docker: Apache Kafka 4.x (single-node KRaft) and Apicurio Registry 3.x
# (Confluent-compatible API), fetched from Maven Central into .infra/ and run on 127.0.0.1.
# PostgreSQL is not started here: it comes from DATABASE_URL (default: the local server).
#
#   bash scripts/stack.sh up|down|status|fetch
#
# Safe to run twice: `up` on a running stack only re-checks readiness. Every wait has a deadline.
# Recipe and its risks: docs/local-stack.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="${STACK_DIR:-$ROOT/.infra}"
LOGS="$INFRA/logs"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/infra/pom.xml")"
APICURIO_VERSION="${APICURIO_VERSION:-3.3.3}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_MGMT_PORT="${REGISTRY_MGMT_PORT:-9010}"
KAFKA_DIR="$INFRA/kafka"
APICURIO_DIR="$INFRA/apicurio"
KAFKA_JVM="${KAFKA_JVM:--Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
REGISTRY_JVM="${REGISTRY_JVM:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
MVN="mvn -B -q -f $ROOT/infra/pom.xml"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

# Java for Apicurio 3.2+: 21 or newer. Prefer an explicit REGISTRY_JAVA, then the newest Temurin.
registry_java() {
  if [[ -n "${REGISTRY_JAVA:-}" ]]; then echo "$REGISTRY_JAVA"; return; fi
  local j
  for j in $(ls -d /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/java-2[1-9]-* 2>/dev/null | sort -V -r); do
    if [[ -x "$j/bin/java" ]]; then echo "$j/bin/java"; return; fi
  done
  local v; v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [[ "${v:-0}" -ge 21 ]] && { echo java; return; }
  die "Apicurio Registry $APICURIO_VERSION needs Java 21+; set REGISTRY_JAVA or install a JDK 21+"
}

fetch() {
  command -v mvn >/dev/null || die "Maven (mvn) is required to fetch Kafka and Apicurio from Maven Central"
  if [[ ! -f "$KAFKA_DIR/libs/.version-$KAFKA_VERSION" ]]; then
    log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
    rm -rf "$KAFKA_DIR/libs"; mkdir -p "$KAFKA_DIR/libs"
    $MVN dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_DIR/libs" \
      || die "maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
    touch "$KAFKA_DIR/libs/.version-$KAFKA_VERSION"
  fi
  if [[ ! -f "$APICURIO_DIR/app/.version-$APICURIO_VERSION" ]]; then
    log "fetching Apicurio Registry $APICURIO_VERSION from Maven Central"
    rm -rf "$APICURIO_DIR/app"; mkdir -p "$APICURIO_DIR/app"
    $MVN dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$APICURIO_DIR" \
      || die "maven could not fetch io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all"
    tar -xzf "$APICURIO_DIR/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$APICURIO_DIR/app"
    rm -f "$APICURIO_DIR/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
    touch "$APICURIO_DIR/app/.version-$APICURIO_VERSION"
  fi
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for <what> <deadline seconds> <pidfile> <command...>: polls until the command succeeds.
wait_for() {
  local what=$1 secs=$2 pidfile=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    pid_alive "$pidfile" || die "$what exited during start-up; see its log in $LOGS"
    (( SECONDS < deadline )) || die "$what not ready after ${secs}s; see its log in $LOGS"
    sleep 0.5
  done
}

kafka_ready() {
  port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$LOGS/kafka.log"
}
registry_ready() {
  curl -fsS "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" >/dev/null
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat > "$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
PROPS
  cat > "$KAFKA_DIR/log4j2.properties" <<'PROPS'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = OUT
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
PROPS
}

start_kafka() {
  local pidfile="$INFRA/kafka.pid"
  if pid_alive "$pidfile"; then log "kafka already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process; set KAFKA_PORT"
  write_kafka_config
  local cp="$KAFKA_DIR/libs/*" log4j="-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties"
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    # A fixed, valid cluster id keeps re-formatting deterministic.
    java $log4j -cp "$cp" kafka.tools.StorageTool format -t "${KAFKA_CLUSTER_ID:-hUbSpOtHeApLoCaLsTaCk0}" \
      -c "$KAFKA_DIR/server.properties" --ignore-formatted > "$LOGS/kafka-format.log" 2>&1 \
      || die "kafka storage format failed; see $LOGS/kafka-format.log"
  fi
  : > "$LOGS/kafka.log"
  # shellcheck disable=SC2086
  nohup java $KAFKA_JVM $log4j -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" >> "$LOGS/kafka.log" 2>&1 &
  echo $! > "$pidfile"
  log "kafka starting (pid $!), log $LOGS/kafka.log"
}

start_registry() {
  local pidfile="$INFRA/apicurio.pid"
  if pid_alive "$pidfile"; then log "registry already running (pid $(cat "$pidfile"))"; return; fi
  port_open "$REGISTRY_PORT" && die "port $REGISTRY_PORT is taken by another process; set REGISTRY_PORT"
  local java; java=$(registry_java)
  mkdir -p "$APICURIO_DIR/app/config"
  cat > "$APICURIO_DIR/app/config/application.properties" <<PROPS
quarkus.http.host=127.0.0.1
quarkus.http.port=$REGISTRY_PORT
quarkus.management.host=127.0.0.1
quarkus.management.port=$REGISTRY_MGMT_PORT
quarkus.http.access-log.enabled=false
quarkus.log.level=WARN
quarkus.log.category."io.apicurio".level=WARN
quarkus.log.category."io.quarkus.http.access-log".level=WARN
quarkus.banner.enabled=false
# Schemas persist across restarts (H2 file): Kafka's data outlives a registry restart, and its
# records name schema ids that an in-memory registry would hand out again for other schemas.
apicurio.datasource.url=jdbc:h2:file:$APICURIO_DIR/data/registry;DB_CLOSE_ON_EXIT=FALSE
apicurio.datasource.jdbc.initial-size=2
apicurio.datasource.jdbc.min-size=2
apicurio.datasource.jdbc.max-size=10
apicurio.ccompat.legacy-id-mode.enabled=false
apicurio.ccompat.use-canonical-hash=true
apicurio.rules.global.compatibility=BACKWARD
PROPS
  # Quarkus reads ./config/application.properties, so the registry runs from its own folder.
  pushd "$APICURIO_DIR/app" >/dev/null
  # shellcheck disable=SC2086
  nohup "$java" $REGISTRY_JVM -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -jar quarkus-run.jar > "$LOGS/apicurio.log" 2>&1 &
  echo $! > "$pidfile"
  popd >/dev/null
  log "registry starting (pid $(cat "$pidfile")), log $LOGS/apicurio.log"
}

stop_one() {
  local name=$1 pidfile="$INFRA/$1.pid"
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; log "$name not running"; return; fi
  local pid; pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 20s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"; log "$name stopped"
}

status() {
  local rc=0
  if pid_alive "$INFRA/kafka.pid" && port_open "$KAFKA_PORT"; then echo "kafka     up    127.0.0.1:$KAFKA_PORT (pid $(cat "$INFRA/kafka.pid"))"; else echo "kafka     down"; rc=1; fi
  if pid_alive "$INFRA/apicurio.pid" && registry_ready; then echo "registry  up    http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7 (pid $(cat "$INFRA/apicurio.pid"))"; else echo "registry  down"; rc=1; fi
  if pg_isready -d "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" >/dev/null 2>&1; then echo "postgres  up    ${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"; else echo "postgres  down  (DATABASE_URL; not managed by this script)"; rc=1; fi
  return $rc
}

mkdir -p "$INFRA" "$LOGS"
case "${1:-}" in
  fetch) fetch ;;
  up)
    fetch
    start_kafka
    start_registry
    wait_for kafka "${KAFKA_START_TIMEOUT:-90}" "$INFRA/kafka.pid" kafka_ready
    log "kafka ready on 127.0.0.1:$KAFKA_PORT"
    wait_for registry "${REGISTRY_START_TIMEOUT:-120}" "$INFRA/apicurio.pid" registry_ready
    log "registry ready on http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
    ;;
  down) stop_one apicurio; stop_one kafka ;;
  reset) stop_one apicurio; stop_one kafka; rm -rf "$KAFKA_DIR/data" "$APICURIO_DIR/data"; log "kafka data and registry schemas wiped" ;;
  status) status ;;
  *) echo "usage: $0 up|down|status|fetch|reset" >&2; exit 2 ;;
esac
