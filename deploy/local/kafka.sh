#!/usr/bin/env bash
# A real single-node Kafka 4.2 broker (KRaft, combined broker + controller) from Maven Central jars.
#   deploy/local/kafka.sh start   # configure under $BREAKWATER_CLUSTER_DIR/kafka, start, wait until ready
#   deploy/local/kafka.sh stop    # stop it by its pid
#   deploy/local/kafka.sh status
# When ready, $BREAKWATER_CLUSTER_DIR/kafka.env holds KAFKA_BOOTSTRAP=127.0.0.1:<port>.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$WORK_DIR/kafka"
PIDFILE="$WORK_DIR/kafka.pid"
WDFILE="$WORK_DIR/kafka.watchdog.pid"
ENVFILE="$WORK_DIR/kafka.env"
LOGFILE="$DIR/kafka.log"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"

start() {
  if is_ours "$PIDFILE"; then
    log "Kafka already running (pid $(cat "$PIDFILE")): $(cat "$ENVFILE")"
    return 0
  fi
  rm -rf "$DIR" "$ENVFILE"
  mkdir -p "$DIR/data"
  local cp port cport
  cp="$(classpath kafka)"
  port="$(free_port)"
  cport="$(free_port)"
  while [[ "$cport" == "$port" ]]; do cport="$(free_port)"; done

  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
  log4j2_config "$DIR/log4j2.properties"

  local jvm=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20
             -Djava.awt.headless=true -Djava.io.tmpdir="$DIR"
             -Dlog4j2.configurationFile="file:$DIR/log4j2.properties" -Dlog.file="$LOGFILE"
             -Dkafka.logs.dir="$DIR")
  local uuid
  uuid="$("$JAVA" -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool random-uuid | tail -n 1)"
  "$JAVA" -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool format -t "$uuid" -c "$DIR/server.properties" \
    >"$DIR/format.out" 2>&1 || { cat "$DIR/format.out" >&2; die "kafka storage format failed"; }

  log "starting Kafka on 127.0.0.1:$port (controller $cport), logs in $LOGFILE"
  local t0=$SECONDS
  "$JAVA" -cp "$cp" "${jvm[@]}" kafka.Kafka "$DIR/server.properties" </dev/null >"$DIR/kafka.out" 2>&1 &
  echo $! >"$PIDFILE"
  watchdog "$PIDFILE" "$WDFILE" stop_pid "$PIDFILE" Kafka

  local deadline=$((SECONDS + READY_TIMEOUT))
  until grep -q "Kafka Server started" "$LOGFILE" 2>/dev/null && port_open "$port"; do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      tail_log "$DIR/kafka.out" 40; tail_log "$LOGFILE" 60
      rm -f "$PIDFILE"; die "Kafka exited during start-up"
    fi
    if (( SECONDS > deadline )); then
      tail_log "$DIR/kafka.out" 40; tail_log "$LOGFILE" 60
      stop; die "Kafka not ready after ${READY_TIMEOUT}s"
    fi
    sleep 0.5
  done
  echo "KAFKA_BOOTSTRAP=127.0.0.1:$port" >"$ENVFILE"
  log "Kafka ready in $((SECONDS - t0))s: KAFKA_BOOTSTRAP=127.0.0.1:$port (env file $ENVFILE)"
}

stop() {
  stop_watchdog "$WDFILE"
  stop_pid "$PIDFILE" Kafka
  rm -f "$ENVFILE"
}

status() {
  if is_ours "$PIDFILE"; then echo "Kafka running (pid $(cat "$PIDFILE")) $(cat "$ENVFILE" 2>/dev/null)"; else echo "Kafka not running"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
