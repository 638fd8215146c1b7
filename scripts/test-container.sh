#!/usr/bin/env bash
# Builds the production image and checks it the way production runs it: serves the game and
# the client, keeps each browser's game in its cookie, runs as a non-root user, passes its own
# HEALTHCHECK, stops cleanly on SIGTERM within 10 s, and fits the size budget. It runs the image
# with the open-files limit production gives it, and checks the server sees that limit and
# MALLOC_ARENA_MAX. Then it runs the image again with a read-only root filesystem (as the ECS
# task definition does) and METRICS=emf, and checks it still serves and writes its metrics.
#
#   scripts/test-container.sh                          # with docker
#   CONTAINER_ENGINE=podman scripts/test-container.sh  # or any docker-compatible engine
#
# Settings: IMAGE (tictactoe:test), MAX_IMAGE_MB (250, megabytes of 1,000,000 bytes), NOFILE
# (65536, the open-files limit given to the container as in docker-compose.yml and the ECS task
# definition; lower it only where the engine cannot grant that much), RUN_OPTIONS (more options
# for `run`, split on spaces), RO_TMPFS (paths given a tmpfs in the read-only run, split on
# spaces; none by default: the server writes nothing to disk).
# Needs curl and node on the host. Exit status 0 only if every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${CONTAINER_ENGINE:-docker}
IMAGE=${IMAGE:-tictactoe:test}
MAX_IMAGE_MB=${MAX_IMAGE_MB:-250}
NOFILE=${NOFILE:-65536}
read -r -a run_options <<<"${RUN_OPTIONS:-}"
NAME=tictactoe-test-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/test-container.XXXXXX")
SECRET=test-only-session-secret-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

failures=0
pass() { printf 'PASS  %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*"
  failures=$((failures + 1))
}
# check "what" COMMAND...: PASS or FAIL by the command's status (never aborts the script).
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
# Engine chatter that means nothing here (podman without systemd) is left out of error output.
quiet_errors() { grep -v -e 'systemd' -e '^$' "$WORK/stderr" >&2 || true; }
cleanup() {
  "$ENGINE" rm -f "$NAME" "$NAME-ro" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local micros=${EPOCHREALTIME//[!0-9]/}
    echo $((micros / 1000))
  else
    node -p 'Date.now()'
  fi
}

for tool in "$ENGINE" curl node; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "test-container: $tool is not installed (set CONTAINER_ENGINE for another container engine)" >&2
    exit 1
  }
done

# ---- build -------------------------------------------------------------------------------------
echo "== building $IMAGE with $ENGINE"
started=$(now_ms)
if ! "$ENGINE" build --tag "$IMAGE" --build-arg VERSION=0.0.0-test --build-arg REVISION=test-revision \
  --build-arg SOURCE=https://example.com/tictactoe . >"$WORK/build.log" 2>&1; then
  grep -v systemd "$WORK/build.log" | tail -n 40 >&2
  fail "image builds"
  exit 1
fi
pass "image builds ($(($(now_ms) - started)) ms)"

size=$("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE")
size_mb=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')
echo "image size: $size bytes = $size_mb MB (budget $MAX_IMAGE_MB MB)"
check "image size $size_mb MB <= $MAX_IMAGE_MB MB" [ "$size" -le $((MAX_IMAGE_MB * 1000000)) ]

labels=$("$ENGINE" image inspect --format '{{json .Config.Labels}}' "$IMAGE")
check "OCI labels: source, revision and version from the build arguments" \
  eval 'grep -qF "\"org.opencontainers.image.revision\":\"test-revision\"" <<<"$labels" &&
    grep -qF "\"org.opencontainers.image.version\":\"0.0.0-test\"" <<<"$labels" &&
    grep -qF "\"org.opencontainers.image.source\":\"https://example.com/tictactoe\"" <<<"$labels"'

healthcheck=$("$ENGINE" image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")
check "image declares a HEALTHCHECK on /healthz" grep -q '/healthz' <<<"$healthcheck"

# ---- run ---------------------------------------------------------------------------------------
echo "== starting $NAME"
if ! "$ENGINE" run --detach --name "$NAME" --publish 127.0.0.1::5000 --env "SESSION_SECRET=$SECRET" \
  --ulimit "nofile=$NOFILE:$NOFILE" ${run_options[@]+"${run_options[@]}"} "$IMAGE" >/dev/null 2>"$WORK/stderr"; then
  quiet_errors
  fail "container starts"
  exit 1
fi
port=$("$ENGINE" port "$NAME" 5000/tcp 2>/dev/null | head -n1 | sed 's/.*://')
BASE=http://127.0.0.1:$port
echo "listening on $BASE"

# wait_up NAME: /healthz answers within 30 s, while the container runs.
wait_up() {
  local name=$1 _
  for _ in $(seq 1 60); do
    if curl -fsS --max-time 2 "$BASE/healthz" >/dev/null 2>&1; then return 0; fi
    if [ "$("$ENGINE" inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then return 1; fi
    sleep 0.5
  done
  return 1
}
started=$(now_ms)
if ! wait_up "$NAME"; then
  fail "GET /healthz answers within 30 s"
  "$ENGINE" logs "$NAME" 2>&1 | tail -n 30 >&2
  exit 1
fi
pass "GET /healthz answers ($(($(now_ms) - started)) ms after start)"

# ---- a game through the classic /move API, one browser = one cookie jar ---------------------------
# request JAR METHOD PATH [JSON]: the body goes to $WORK/body, the status is printed.
request() {
  local jar=$1 method=$2 path=$3 args=()
  [ $# -lt 4 ] || args=(--header 'content-type: application/json' --data "$4")
  curl -sS --max-time 5 --cookie "$jar" --cookie-jar "$jar" --request "$method" --output "$WORK/body" \
    --write-out '%{http_code}' ${args[@]+"${args[@]}"} "$BASE$path"
}
body_has() { grep -qF -- "$1" "$WORK/body"; }
alice=$WORK/alice.jar
bob=$WORK/bob.jar
: >"$alice"
: >"$bob"

status=$(request "$alice" POST /move '{"index": 0}')
check "first move: 200 with X in cell 0, O to play" \
  eval '[ "$status" = 200 ] && body_has "\"board\":[\"X\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"]" && body_has "\"current_player\":\"O\"" && body_has "\"winner\":null"'
for cell in 3 1 4; do request "$alice" POST /move "{\"index\": $cell}" >/dev/null; done
status=$(request "$alice" POST /move '{"index": 2}')
check "winning move: X wins the top row, game over" \
  eval '[ "$status" = 200 ] && body_has "\"board\":[\"X\",\"X\",\"X\",\"O\",\"O\",\"\",\"\",\"\",\"\"]" && body_has "\"winner\":\"X\"" && body_has "\"game_over\":true"'
status=$(request "$alice" POST /move '{"index": 5}')
check "a move after the end: 400 Invalid move" eval '[ "$status" = 400 ] && body_has "\"error\":\"Invalid move\""'
status=$(request "$alice" GET /state)
check "the same browser still sees its finished game" eval '[ "$status" = 200 ] && body_has "\"winner\":\"X\""'
status=$(request "$bob" GET /state)
check "another browser (no cookie) sees an empty board" \
  eval '[ "$status" = 200 ] && body_has "\"board\":[\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"]" && body_has "\"winner\":null"'

# ---- the client, with its precompressed files --------------------------------------------------------
status=$(request "$bob" GET /)
check "GET / serves the client's index.html" eval '[ "$status" = 200 ] && body_has "<div id=\"root\"></div>"'
asset=$(grep -o '/assets/[^"]*\.js' "$WORK/body" | head -n1 || true)
encoding=$(curl -sS --max-time 5 --header 'accept-encoding: br' --output /dev/null --dump-header - "$BASE$asset" |
  tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
check "the client's script is served precompressed (content-encoding: br)" eval '[ -n "$asset" ] && [ "$encoding" = br ]'

# ---- user and healthcheck --------------------------------------------------------------------------
uid=$("$ENGINE" exec "$NAME" id -u 2>/dev/null || echo '?')
user=$("$ENGINE" exec "$NAME" id -un 2>/dev/null || echo '?')
check "runs as a non-root user (uid $uid, $user)" eval '[ "$uid" != 0 ] && [ "$uid" != "?" ] && [ "$user" = node ]'

if [ "$(basename "$ENGINE")" = podman ]; then
  # podman runs no healthcheck timers without systemd: run the image's check once.
  check "HEALTHCHECK passes (podman healthcheck run)" eval '"$ENGINE" healthcheck run "$NAME" >/dev/null 2>&1'
else
  # The image's own check, exactly as declared, run inside the container.
  hc=()
  while IFS= read -r -d '' word; do hc+=("$word"); done < <(node -e '
    const test = JSON.parse(process.argv[1]).Test;
    const argv = test[0] === "CMD-SHELL" ? ["sh", "-c", test[1]] : test.slice(1);
    process.stdout.write(argv.map((word) => `${word}\0`).join(""));' "$healthcheck")
  check "HEALTHCHECK passes ($ENGINE exec of the declared check)" eval '"$ENGINE" exec "$NAME" "${hc[@]}"'
fi

# ---- limits the server runs with ---------------------------------------------------------------------
# PID 1 is the server itself (exec-form CMD): its own limits and environment.
limits=$("$ENGINE" exec "$NAME" cat /proc/1/limits 2>/dev/null || true)
open_files=$(awk '/^Max open files/ { print $4 }' <<<"$limits")
check "the server's open-files limit is $NOFILE (soft $open_files)" [ "$open_files" = "$NOFILE" ]
arenas=$("$ENGINE" exec "$NAME" sh -c 'tr "\0" "\n" </proc/1/environ' 2>/dev/null | grep '^MALLOC_ARENA_MAX=' || true)
check "the server runs with MALLOC_ARENA_MAX=2 ($arenas)" [ "$arenas" = MALLOC_ARENA_MAX=2 ]
"$ENGINE" logs "$NAME" >"$WORK/logs" 2>&1 || true
check "the server found that limit at start-up and caps live streams below it" \
  grep -qE '"openFilesLimit":'"$NOFILE"',"maxStreams":[0-9]+' "$WORK/logs"

# ---- graceful stop -----------------------------------------------------------------------------------
started=$(now_ms)
"$ENGINE" stop --time 10 "$NAME" >/dev/null 2>"$WORK/stderr" || quiet_errors
stop_ms=$(($(now_ms) - started))
exit_code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$NAME" 2>/dev/null || echo '?')
echo "stop took $stop_ms ms, exit code $exit_code"
check "SIGTERM: exits with code 0 ($exit_code)" [ "$exit_code" = 0 ]
check "SIGTERM: stops within 10 s ($stop_ms ms)" [ "$stop_ms" -lt 10000 ]
"$ENGINE" logs "$NAME" >"$WORK/logs" 2>&1 || true
check "SIGTERM: the server logged a graceful stop" grep -q '"msg":"stopped"' "$WORK/logs"

# ---- read-only root filesystem, metrics on ------------------------------------------------------------
# ECS runs the task with readonlyRootFilesystem and no tmpfs; podman would add writable tmpfs
# mounts on /tmp, /var/tmp and /run to --read-only unless told not to.
RO_NAME=$NAME-ro
read -r -a ro_tmpfs <<<"${RO_TMPFS:-}"
ro_options=(--read-only)
[ "$(basename "$ENGINE")" != podman ] || ro_options+=(--read-only-tmpfs=false)
for path in ${ro_tmpfs[@]+"${ro_tmpfs[@]}"}; do ro_options+=(--tmpfs "$path"); done
echo "== starting $RO_NAME with a read-only root filesystem (${ro_options[*]}) and METRICS=emf"
if ! "$ENGINE" run --detach --name "$RO_NAME" --publish 127.0.0.1::5000 --env "SESSION_SECRET=$SECRET" \
  --env METRICS=emf --env METRICS_SERVICE=container-test "${ro_options[@]}" \
  --ulimit "nofile=$NOFILE:$NOFILE" ${run_options[@]+"${run_options[@]}"} "$IMAGE" >/dev/null 2>"$WORK/stderr"; then
  quiet_errors
  fail "read-only: container starts"
  exit 1
fi
port=$("$ENGINE" port "$RO_NAME" 5000/tcp 2>/dev/null | head -n1 | sed 's/.*://')
BASE=http://127.0.0.1:$port
if wait_up "$RO_NAME"; then pass "read-only: GET /healthz answers"; else
  fail "read-only: GET /healthz answers within 30 s"
  "$ENGINE" logs "$RO_NAME" 2>&1 | tail -n 30 >&2
fi
status=$(request "$bob" GET /readyz)
check "read-only: GET /readyz is 200 (storage ready)" [ "$status" = 200 ]
carol=$WORK/carol.jar
: >"$carol"
status=$(request "$carol" POST /move '{"index": 4}')
check "read-only: a move is played (200, X in cell 4)" \
  eval '[ "$status" = 200 ] && body_has "\"board\":[\"\",\"\",\"\",\"\",\"X\""'
check "read-only: the root filesystem refuses writes, /tmp included" \
  eval '! "$ENGINE" exec "$RO_NAME" sh -c "touch /tmp/probe || touch /app/probe" >/dev/null 2>&1'
"$ENGINE" stop --time 10 "$RO_NAME" >/dev/null 2>"$WORK/stderr" || quiet_errors
exit_code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$RO_NAME" 2>/dev/null || echo '?')
check "read-only: SIGTERM exits with code 0 ($exit_code)" [ "$exit_code" = 0 ]
"$ENGINE" logs "$RO_NAME" >"$WORK/logs" 2>&1 || true
# The last minute's counters are written on the graceful stop: the one move is in them.
check "METRICS=emf: an EMF line in namespace TicTacToe, Service container-test, with the move" \
  eval 'grep "\"Namespace\":\"TicTacToe\"" "$WORK/logs" | grep -F "\"Service\":\"container-test\"" | grep -qF "\"Moves\":1"'

echo
echo "image $IMAGE: $size_mb MB; stop: $stop_ms ms"
if [ "$failures" -gt 0 ]; then
  echo "FAIL  $failures check(s) failed"
  exit 1
fi
echo "PASS  all container checks"
