# Shared helpers of kafka.sh and flink.sh (sourced, not run).
# Environment:
#   BREAKWATER_CLUSTER_DIR  work dir for config, data, logs, pid and env files
#                           (default: <checkout>/target/local-cluster)
#   BREAKWATER_OWNER_PID    when set, a small watchdog stops the service once that process is gone
#                           (the end-to-end test passes its own pid, so a killed test JVM leaks nothing)
#   MVN                     the Maven command used to resolve the classpath (default: mvn)
#   BREAKWATER_MVN_ARGS     extra Maven arguments for that (it tries -o first, then online)
#   JAVA                    the java binary (default: $JAVA_HOME/bin/java, else java)

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHECKOUT_DIR="$(cd "$LOCAL_DIR/../.." && pwd)"
WORK_DIR="${BREAKWATER_CLUSTER_DIR:-$CHECKOUT_DIR/target/local-cluster}"
mkdir -p "$WORK_DIR"
WORK_DIR="$(cd "$WORK_DIR" && pwd)"
if [[ -n "${JAVA:-}" ]]; then :; elif [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# classpath <profile>: the dependency classpath of deploy/local/pom.xml's profile, cached in the work dir
classpath() {
  local profile="$1" out="$WORK_DIR/classpath-$1.txt"
  if [[ ! -s "$out" || "$LOCAL_DIR/pom.xml" -nt "$out" ]]; then
    log "resolving the $profile classpath (deploy/local/pom.xml -P $profile)"
    local mvn_log="$WORK_DIR/classpath-$profile.mvn.log" offline
    # offline first (no network round trips when ~/.m2 has it all), then online
    for offline in -o ""; do
      # shellcheck disable=SC2086
      if ${MVN:-mvn} -B -q -ntp -Dstyle.color=never $offline ${BREAKWATER_MVN_ARGS:-} -f "$LOCAL_DIR/pom.xml" \
           -P "$profile" dependency:build-classpath -Dmdep.outputFile="$out" </dev/null >"$mvn_log" 2>&1; then
        break
      fi
      rm -f "$out"
    done
    [[ -s "$out" ]] || { tail_log "$mvn_log" 40; die "could not resolve the $profile classpath"; }
  fi
  cat "$out"
}

# free_port: a currently free TCP port on 127.0.0.1 (the kernel picks it)
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    for _ in $(seq 1 50); do
      p=$(( 20000 + RANDOM % 30000 ))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    die "no free port found"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# is_ours <pidfile>: the pid in it is alive and its command line names our work dir (guards against pid reuse)
is_ours() {
  local pidfile="$1" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$WORK_DIR"
}

# stop_pid <pidfile> <name>: TERM, wait up to 30 s, then KILL
stop_pid() {
  local pidfile="$1" name="$2" pid
  if ! is_ours "$pidfile"; then
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    sleep 0.5
  done
  log "$name did not stop in 30 s, killing it"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# watchdog <service pidfile> <watchdog pidfile> <stop command...>: stops the service when BREAKWATER_OWNER_PID exits
watchdog() {
  local svc_pidfile="$1" wd_pidfile="$2"; shift 2
  [[ -n "${BREAKWATER_OWNER_PID:-}" ]] || return 0
  local owner="$BREAKWATER_OWNER_PID" svc
  svc="$(cat "$svc_pidfile")"
  (
    trap '' HUP
    while kill -0 "$owner" 2>/dev/null && kill -0 "$svc" 2>/dev/null; do sleep 2; done
    if kill -0 "$svc" 2>/dev/null; then
      echo "[$(date +%H:%M:%S)] owner $owner is gone: stopping (watchdog for $WORK_DIR)"
      "$@"
    fi
    rm -f "$wd_pidfile"
  ) </dev/null >>"$WORK_DIR/watchdog.log" 2>&1 &
  echo $! >"$wd_pidfile"
}

stop_watchdog() {
  local wd_pidfile="$1" pid
  [[ -s "$wd_pidfile" ]] || return 0
  pid="$(cat "$wd_pidfile")"
  # only our own subshell (it carries the script's command line), never this very shell
  if [[ "$pid" != "$$" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$(basename "$0")"; then
    kill "$pid" 2>/dev/null || true
  fi
  rm -f "$wd_pidfile"
}

tail_log() {
  local f="$1" n="${2:-60}"
  [[ -f "$f" ]] || return 0
  echo "----- last $n lines of $f -----" >&2
  tail -n "$n" "$f" >&2
  echo "-----" >&2
}

log4j2_config() {  # log4j2_config <file>: a file appender to ${sys:log.file}
  cat >"$1" <<'L4J'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.type = File
appender.main.name = MainAppender
appender.main.fileName = ${sys:log.file}
appender.main.append = true
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-50c{1.} [%t] - %m%n
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = ERROR
L4J
}
