# Shared helpers for the scripts in this folder. Source it; it defines functions only.

SAGAFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SAGAFLOW_JAR="$SAGAFLOW_ROOT/saga-app/target/sagaflow.jar"
# The example saga modules, as plugin jars: the stock runtime loads them like a user's own sagas.
SAGAFLOW_EXAMPLE_PLUGINS="$SAGAFLOW_ROOT/target/example-plugins"
SAGAFLOW_EXAMPLES=(examples/order-fulfilment examples/money-transfer)

# Builds the executable jar and the example plugins when missing or older than any source or pom,
# then lays the example plugin jars out in $SAGAFLOW_EXAMPLE_PLUGINS.
sagaflow_build_jar() {
  if [ -f "$SAGAFLOW_JAR" ] && [ -d "$SAGAFLOW_EXAMPLE_PLUGINS" ] && [ -z "$(find "$SAGAFLOW_ROOT" \( -path '*/target' -o -path '*/.*' -o -path '*/node_modules' \) -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' -o -name '*.avsc' -o -name '*.html' -o -name '*.js' -o -name '*.css' \) \
      -newer "$SAGAFLOW_JAR" -print -quit)" ]; then
    return 0
  fi
  echo "Building $SAGAFLOW_JAR and the example plugins ..." >&2
  local modules
  modules="saga-app,$(IFS=,; echo "${SAGAFLOW_EXAMPLES[*]}")"
  (cd "$SAGAFLOW_ROOT" && mvn -B -q -DskipTests package -pl "$modules" -am) >&2
  rm -rf "$SAGAFLOW_EXAMPLE_PLUGINS"
  mkdir -p "$SAGAFLOW_EXAMPLE_PLUGINS"
  local example
  for example in "${SAGAFLOW_EXAMPLES[@]}"; do
    cp "$SAGAFLOW_ROOT/$example"/target/example-*.jar "$SAGAFLOW_EXAMPLE_PLUGINS/"
  done
}

# daemon_start NAME READY_FILE -- COMMAND...
# Runs COMMAND in the background with its log and pid under $RUN_DIR, waits until it writes
# READY_FILE, then prints that file's content. Starting a running daemon just prints it again.
daemon_start() {
  local name="$1" ready="$2"; shift 3
  mkdir -p "$RUN_DIR"
  if daemon_running "$name"; then
    cat "$ready"
    return 0
  fi
  rm -f "$ready"
  nohup "$@" > "$RUN_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
  local waited=0
  while [ ! -s "$ready" ]; do
    if ! daemon_running "$name"; then
      echo "$name failed to start; last lines of $RUN_DIR/$name.log:" >&2
      tail -n 20 "$RUN_DIR/$name.log" >&2
      rm -f "$RUN_DIR/$name.pid"
      return 1
    fi
    if [ "$waited" -ge 120 ]; then
      echo "$name did not become ready within 60 s; see $RUN_DIR/$name.log" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  cat "$ready"
}

daemon_running() {
  local pidfile="$RUN_DIR/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# Sends SIGTERM (a clean shutdown) and waits up to 60 s for the process to exit.
daemon_stop() {
  local name="$1"
  if ! daemon_running "$name"; then
    echo "$name is not running"
    rm -f "$RUN_DIR/$name.pid"
    return 0
  fi
  local pid
  pid="$(cat "$RUN_DIR/$name.pid")"
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge 120 ]; then
      echo "$name (pid $pid) did not stop within 60 s; it is still running" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$RUN_DIR/$name.pid"
  echo "$name stopped"
}

daemon_status() {
  local name="$1" ready="$2"
  if daemon_running "$name"; then
    echo "$name running at $(cat "$ready" 2>/dev/null) (pid $(cat "$RUN_DIR/$name.pid"))"
    return 0
  fi
  echo "$name not running"
  return 3
}
