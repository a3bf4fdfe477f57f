#!/usr/bin/env bash
# A real Flink 2.3 session cluster (one JobManager + one TaskManager JVM, 2 slots) from Maven Central jars.
#   deploy/local/flink.sh start   # configure under $BREAKWATER_CLUSTER_DIR/flink, start, wait until ready
#   deploy/local/flink.sh stop    # stop both JVMs by pid
#   deploy/local/flink.sh status
# When ready, $BREAKWATER_CLUSTER_DIR/flink.env holds FLINK_REST=http://127.0.0.1:<port>.
# Sizes can be changed with FLINK_SLOTS, FLINK_JM_MEMORY, FLINK_TM_MEMORY.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$WORK_DIR/flink"
CONF="$DIR/conf"
JM_PIDFILE="$WORK_DIR/flink-jobmanager.pid"
TM_PIDFILE="$WORK_DIR/flink-taskmanager.pid"
JM_WDFILE="$WORK_DIR/flink-jobmanager.watchdog.pid"
TM_WDFILE="$WORK_DIR/flink-taskmanager.watchdog.pid"
ENVFILE="$WORK_DIR/flink.env"
READY_TIMEOUT="${FLINK_READY_TIMEOUT:-120}"
SLOTS="${FLINK_SLOTS:-2}"

# what the distribution's config.yaml sets in env.java.opts.all for Java 17
JAVA17_OPTS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

# bash_java_utils <command>: the lines BashJavaUtils prints for the distribution's scripts
bash_java_utils() {
  local out
  out="$("$JAVA" "${JAVA17_OPTS[@]}" -Xmx128m -cp "$CP" -Dlog4j2.configurationFile="file:$CONF/log4j.properties" \
         -Dlog.file="$DIR/bash-java-utils.log" \
         org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>&1)" \
    || { echo "$out" >&2; die "BashJavaUtils $1 failed"; }
  echo "$out" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

overview() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "http://127.0.0.1:$1/overview" 2>/dev/null
  else  # plain HTTP/1.0 over bash's /dev/tcp
    (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /overview HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
      && timeout 5 cat <&3 | tail -n 1) 2>/dev/null
  fi
}

start() {
  if is_ours "$JM_PIDFILE" && is_ours "$TM_PIDFILE"; then
    log "Flink already running (jobmanager pid $(cat "$JM_PIDFILE"), taskmanager pid $(cat "$TM_PIDFILE")): $(cat "$ENVFILE")"
    return 0
  fi
  stop >/dev/null 2>&1 || true
  rm -rf "$DIR" "$ENVFILE"
  mkdir -p "$CONF" "$DIR/tmp" "$DIR/upload" "$DIR/checkpoints" "$DIR/savepoints" "$DIR/log"
  CP="$(classpath flink)"
  local rpc_port rest_port
  rpc_port="$(free_port)"
  rest_port="$(free_port)"
  while [[ "$rest_port" == "$rpc_port" ]]; do rest_port="$(free_port)"; done

  cat >"$CONF/config.yaml" <<YAML
jobmanager:
  rpc:
    address: 127.0.0.1
    port: $rpc_port
  bind-host: 127.0.0.1
  memory:
    process:
      size: ${FLINK_JM_MEMORY:-1g}
  execution:
    failover-strategy: region
taskmanager:
  host: 127.0.0.1
  bind-host: 127.0.0.1
  numberOfTaskSlots: $SLOTS
  memory:
    process:
      size: ${FLINK_TM_MEMORY:-1280m}
    managed:
      fraction: 0.2
rest:
  address: 127.0.0.1
  bind-address: 127.0.0.1
  port: $rest_port
web:
  upload:
    dir: $DIR/upload
io:
  tmp:
    dirs: $DIR/tmp
blob:
  storage:
    directory: $DIR/tmp
parallelism:
  default: 1
# the TaskManager starts beside the JobManager: retry the registration quickly instead of after 10 s
cluster:
  registration:
    error-delay: 1000
    refused-registration-delay: 1000
    max-timeout: 5000
execution:
  checkpointing:
    dir: file://$DIR/checkpoints
    savepoint-dir: file://$DIR/savepoints
YAML
  log4j2_config "$CONF/log4j.properties"

  local jm_jvm jm_dyn tm_jvm tm_dyn
  { read -r jm_jvm; read -r jm_dyn; } < <(bash_java_utils GET_JM_RESOURCE_PARAMS | tail -n 2)
  { read -r tm_jvm; read -r tm_dyn; } < <(bash_java_utils GET_TM_RESOURCE_PARAMS | tail -n 2)
  [[ -n "$jm_jvm" && -n "$tm_jvm" && -n "$tm_dyn" ]] || die "BashJavaUtils printed no resource parameters"

  local common=("${JAVA17_OPTS[@]}" -XX:+UseG1GC -Djava.io.tmpdir="$DIR/tmp"
                -Dlog4j2.configurationFile="file:$CONF/log4j.properties" -Dlog4j2.formatMsgNoLookups=true)
  log "starting Flink JobManager (rpc 127.0.0.1:$rpc_port, REST http://127.0.0.1:$rest_port), logs in $DIR/log"
  local t0=$SECONDS
  # shellcheck disable=SC2086
  "$JAVA" $jm_jvm "${common[@]}" -Dlog.file="$DIR/log/jobmanager.log" -cp "$CP" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" $jm_dyn \
    </dev/null >"$DIR/log/jobmanager.out" 2>&1 &
  echo $! >"$JM_PIDFILE"
  watchdog "$JM_PIDFILE" "$JM_WDFILE" stop_pid "$JM_PIDFILE" "Flink JobManager"

  log "starting Flink TaskManager ($SLOTS slots)"
  # shellcheck disable=SC2086
  "$JAVA" $tm_jvm "${common[@]}" -Dlog.file="$DIR/log/taskmanager.log" -cp "$CP" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" $tm_dyn \
    </dev/null >"$DIR/log/taskmanager.out" 2>&1 &
  echo $! >"$TM_PIDFILE"
  watchdog "$TM_PIDFILE" "$TM_WDFILE" stop_pid "$TM_PIDFILE" "Flink TaskManager"

  local deadline=$((SECONDS + READY_TIMEOUT)) ov=""
  while :; do
    ov="$(overview "$rest_port" || true)"
    if [[ "$ov" =~ \"taskmanagers\":([0-9]+) ]] && (( BASH_REMATCH[1] >= 1 )) \
       && [[ "$ov" =~ \"slots-total\":([0-9]+) ]] && (( BASH_REMATCH[1] >= SLOTS )); then
      break
    fi
    local dead=""
    kill -0 "$(cat "$JM_PIDFILE")" 2>/dev/null || dead="JobManager"
    kill -0 "$(cat "$TM_PIDFILE")" 2>/dev/null || dead="${dead:+$dead and }TaskManager"
    if [[ -n "$dead" || $SECONDS -gt $deadline ]]; then
      for f in jobmanager.out jobmanager.log taskmanager.out taskmanager.log; do tail_log "$DIR/log/$f" 40; done
      stop
      if [[ -n "$dead" ]]; then die "Flink $dead exited during start-up"; fi
      die "Flink not ready after ${READY_TIMEOUT}s (last /overview: ${ov:-none})"
    fi
    sleep 1
  done
  echo "FLINK_REST=http://127.0.0.1:$rest_port" >"$ENVFILE"
  log "Flink ready in $((SECONDS - t0))s: FLINK_REST=http://127.0.0.1:$rest_port $ov"
}

stop() {
  stop_watchdog "$TM_WDFILE"
  stop_watchdog "$JM_WDFILE"
  stop_pid "$TM_PIDFILE" "Flink TaskManager"
  stop_pid "$JM_PIDFILE" "Flink JobManager"
  rm -f "$ENVFILE"
}

status() {
  if is_ours "$JM_PIDFILE" && is_ours "$TM_PIDFILE"; then
    echo "Flink running (jobmanager pid $(cat "$JM_PIDFILE"), taskmanager pid $(cat "$TM_PIDFILE")) $(cat "$ENVFILE" 2>/dev/null)"
  else
    echo "Flink not running"; return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
