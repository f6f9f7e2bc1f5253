# Sourced by tools/test: runs each `swift test` of the suite as a stage with a time limit.
#
# A stage still running at its limit is stopped: the tests that started and had not ended are named, the test
# process's threads are printed (gdb, when installed), and every process the stage started is killed. A hung test then
# fails the run with its name in minutes, instead of using up CI's 90 minutes in silence, as it once did. Killing the
# stage's process group would not do: `swift test` starts the test process in a group of its own, and the tests start
# simulators and gateways in groups of their own.

# The process IDs below $1, deepest last.
descendants() {
  local child
  for child in $(pgrep -P "$1" || true); do
    echo "$child"
    descendants "$child"
  done
}

# The tests of a swift-testing log that started and have not ended (passed or failed).
unfinished_tests() {
  python3 - "$1" <<'PY'
import re, sys
started, ended = [], set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if m := re.match(r'^◇ Test (".*") started\.$', line):
        started.append(m.group(1))
    elif m := re.match(r'^[✔✘] Test (".*") (?:with \d+ test cases? )?(?:passed|failed) after', line):
        ended.add(m.group(1))
for name in dict.fromkeys(started):
    if name not in ended:
        print("  " + name)
PY
}

# Waits for process $1 (a child of shell $5, default this script) for at most $2 seconds; past that, reports on the
# stage (log $3, name $4) and kills it all. It runs in a subshell of its own, where a failing command must not end it
# before it kills.
watchdog() {
  set +e
  local pid=$1 limit=$2 log=$3 name=$4 parent=${5:-$$} waited=0
  # While the process is that shell's child: once it ends and is reaped, its ID may be another process's.
  while [ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$parent" ]; do
    if [ "$waited" -ge "$limit" ]; then
      echo "$name" >>"$stopped_stages"
      echo "== $name: still running after ${limit} s; stopped. Tests started and not ended:"
      unfinished_tests "$log"
      local test_process
      test_process=$(for p in $(descendants "$pid"); do ps -o pid=,args= -p "$p"; done |
        awk '/\.xctest/ && !found {found = $1} END {print found}')
      if [ -n "$test_process" ] && command -v gdb >/dev/null; then
        echo "== $name: the test process's threads (the first 600 lines):"
        timeout 120 gdb -p "$test_process" -batch -ex "thread apply all bt 12" 2>/dev/null | grep -E "^(Thread|#)" |
          head -600
      fi
      # The stage's processes are listed only now, after gdb, and stopped before they are killed, so that none
      # starts another meanwhile.
      local tree
      kill -STOP "$pid" 2>/dev/null
      tree=$(descendants "$pid")
      kill -STOP $tree 2>/dev/null
      kill -KILL "$pid" $tree 2>/dev/null
      return
    fi
    sleep 5
    waited=$((waited + 5))
  done
}

# Runs `swift test --skip-build --ignore-lock ARGS…` as stage $2, for at most $1 seconds, its output shown as it
# comes (kept to the log only with QUIET=1, for a stage beside another) and kept in log $3; prints how long it took and
# returns its exit status.
run_stage() {
  local limit=$1 name=$2 log=$3 began=$SECONDS
  shift 3
  swift test --skip-build --ignore-lock "$@" >"$log" 2>&1 &
  local pid=$!
  local tailer=""
  if [ "${QUIET:-0}" != 1 ]; then
    tail -n +1 -f --pid="$pid" "$log" &
    tailer=$!
  fi
  # The shell that started it: this script, or the subshell of a stage run in the background. Read here: inside the
  # `&` below, $BASHPID would already be the watchdog's own.
  local shell=$BASHPID
  watchdog "$pid" "$limit" "$log" "$name" "$shell" &
  local dog=$!
  local status=0
  wait "$pid" || status=$?
  kill "$dog" 2>/dev/null || true
  wait "$dog" 2>/dev/null || true
  [ -z "$tailer" ] || wait "$tailer" || true
  echo "== $name took $((SECONDS - began)) s"
  return "$status"
}
