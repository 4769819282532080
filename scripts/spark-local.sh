#!/usr/bin/env bash
# A local Apache Spark with a Spark Connect server, for swdbt's Spark tests and development.
#
# usage: scripts/spark-local.sh start [--cluster] [--conf KEY=VALUE ...] | stop | status
#
#   start      installs pyspark (pinned) into a git-ignored venv when missing, then starts a
#              Spark Connect server on port 15002 (SPARK_CONNECT_PORT) with --master local[2];
#              --cluster runs a driver and two executor processes (local-cluster[2,1,1024]);
#              --conf adds a server setting (e.g. a short
#              spark.connect.execute.reattachable.senderMaxStreamDuration to exercise reattach).
#              Returns once the server has answered a first query (the first statement after a
#              start is slow: the warm-up pays for it here, not in a test).
#   stop       stops the server.
#   status     says whether the server runs (exit 0) or not (exit 1).
#
# SWDBT_SPARK_DIR, SPARK_CONNECT_PORT and SWDBT_SPARK_VENV run a second server beside the first
# (its own catalog, port, and the first one's pyspark); SPARK_CONNECT_AUTHENTICATE_TOKEN makes
# the server require that bearer token (Spark's spark.connect.authenticate.token).
#
# Tables survive restarts: a Hive catalog over a fixed Derby metastore and a fixed warehouse
# folder, all under .swdbt/spark/ (SWDBT_SPARK_DIR). Derby admits one server at a time.
set -euo pipefail

PYSPARK_VERSION=4.3.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SWDBT_SPARK_DIR:-$ROOT/.swdbt/spark}"
# A second server (another SWDBT_SPARK_DIR and port) can share the first one's pyspark.
VENV="${SWDBT_SPARK_VENV:-$STATE/venv}"
PORT="${SPARK_CONNECT_PORT:-15002}"
export SPARK_PID_DIR="$STATE/run"
export SPARK_LOG_DIR="$STATE/logs"
# Driver and executors talk over loopback (the host name may resolve elsewhere).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
PID_FILE_GLOB="$SPARK_PID_DIR/spark-*-org.apache.spark.sql.connect.service.SparkConnectServer-1.pid"

die() { echo "spark-local: $*" >&2; exit 1; }

install_pyspark() {
  if [[ -x "$VENV/bin/python" ]] \
    && "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
    return
  fi
  echo "spark-local: installing pyspark==$PYSPARK_VERSION into $VENV (about 1.5 min, 518 MB)"
  mkdir -p "$STATE"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "pyspark==$PYSPARK_VERSION"
}

spark_home() {
  "$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

server_pid() {
  local file
  for file in $PID_FILE_GLOB; do
    [[ -f "$file" ]] || continue
    local pid
    pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# One `SELECT 1` over Spark Connect (gRPC, HTTP/2 without TLS), with the request encoded by hand:
# ExecutePlanRequest{session_id=1, user_context=2{user_id=1}, plan=3{root=1{sql=10{query=1}}}}.
warm_up() {
  local body="$STATE/run/warmup.bin"
  python3 - "$body" <<'PY'
import sys, uuid
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)
def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload
query = field(1, b"SELECT 1")
plan = field(1, field(10, query))
request = field(1, str(uuid.uuid4()).encode()) + field(2, field(1, b"spark-local")) + field(3, plan)
with open(sys.argv[1], "wb") as f:
    f.write(b"\x00" + len(request).to_bytes(4, "big") + request)
PY
  # A server started with spark.connect.authenticate.token wants it as a bearer token.
  local auth=()
  [[ -z "${SPARK_CONNECT_AUTHENTICATE_TOKEN:-}" ]] \
    || auth=(-H "authorization: Bearer $SPARK_CONNECT_AUTHENTICATE_TOKEN")
  curl --silent --show-error --http2-prior-knowledge --max-time 120 \
    -H 'content-type: application/grpc' -H 'te: trailers' ${auth[@]+"${auth[@]}"} \
    --data-binary "@$body" -o /dev/null \
    "http://127.0.0.1:$PORT/spark.connect.SparkConnectService/ExecutePlan"
}

start() {
  local master="local[2]"
  local extra=()
  while (($# > 0)); do
    case "$1" in
      --cluster) master="local-cluster[2,1,1024]" ;;
      --conf)
        [[ $# -ge 2 ]] || die "--conf needs KEY=VALUE"
        extra+=(--conf "$2")
        shift
        ;;
      *) die "unknown option '$1' (expected --cluster or --conf KEY=VALUE)" ;;
    esac
    shift
  done
  if server_pid >/dev/null; then
    echo "spark-local: already running (pid $(server_pid)) on port $PORT"
    return 0
  fi
  if port_open; then
    die "port $PORT is in use by another process"
  fi
  install_pyspark
  [[ -z "${SPARK_CONNECT_AUTHENTICATE_TOKEN:-}" ]] \
    || extra+=(--conf "spark.connect.authenticate.token=$SPARK_CONNECT_AUTHENTICATE_TOKEN")
  local home
  home="$(spark_home)"
  mkdir -p "$SPARK_PID_DIR" "$SPARK_LOG_DIR" "$STATE/warehouse"
  local began=$SECONDS
  # local-cluster executors find Spark's jars through SPARK_HOME; the scripts in the pyspark
  # package need it set explicitly.
  # Derby writes derby.log into the working folder: start from the state folder.
  (cd "$STATE" && SPARK_HOME="$home" "$home/sbin/start-connect-server.sh" \
    --master "$master" \
    --conf "spark.connect.grpc.binding.port=$PORT" \
    --conf "spark.sql.catalogImplementation=hive" \
    --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$STATE/metastore_db;create=true" \
    --conf "spark.sql.warehouse.dir=$STATE/warehouse" \
    --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$STATE" \
    --conf "spark.ui.enabled=false" ${extra[@]+"${extra[@]}"} >/dev/null)
  local waited=0
  until port_open; do
    if ! server_pid >/dev/null; then
      die "the server stopped while starting; see $SPARK_LOG_DIR"
    fi
    if ((waited >= 180)); then
      die "port $PORT did not open within 180 s; see $SPARK_LOG_DIR"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  local listening=$((SECONDS - began))
  warm_up || die "the warm-up query failed; see $SPARK_LOG_DIR"
  echo "spark-local: running on port $PORT with --master $master (pid $(server_pid));" \
    "port open after ${listening} s, first query answered after $((SECONDS - began)) s"
}

stop() {
  local pid
  if ! pid="$(server_pid)"; then
    echo "spark-local: not running"
    return 0
  fi
  local home
  home="$(spark_home)"
  SPARK_HOME="$home" "$home/sbin/stop-connect-server.sh" >/dev/null 2>&1 || kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 30)); then
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "spark-local: stopped"
}

status() {
  local pid
  if pid="$(server_pid)"; then
    echo "spark-local: running (pid $pid) on port $PORT"
    return 0
  fi
  echo "spark-local: not running"
  return 1
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/spark-local.sh start [--cluster] [--conf KEY=VALUE ...] | stop | status" ;;
esac
