#!/usr/bin/env bash
# Replication over real processes, for docs/performance.md (issue 3):
#   1. a commune syncs its residents to its district through dancu-faultproxy emulating a
#      64 kbit/s link with 500 ms one-way latency: resident records per second;
#   2. the initial replication of a 100,000-resident commune to its district over loopback (no
#      proxy): time and bytes, as `dancu sync --json` reports them.
# The link commune imports in batches of --link-batch (default 2,000, as `dancu import`: segments of
# ~243 KB, 30 s each at 64 kbit/s, inside the link's 120 s heartbeat timeout). Real `dancu init`,
# `cert request/issue/install`, `officer add`, `gen residents`, `import`,
# `serve --listen` and `sync`; the nodes live in a temporary directory removed at the end.
#
#   tools/bench/bench_link.sh [--build DIR] [--link-residents 4000] [--link-batch 2000] [--loopback-residents 100000]
# (0 residents skips that part)
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build
link_residents=4000
link_batch=2000
loopback_residents=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --link-residents) link_residents=$2; shift 2 ;;
    --link-batch) link_batch=$2; shift 2 ;;
    --loopback-residents) loopback_residents=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--link-residents N] [--link-batch N] [--loopback-residents N]" >&2; exit 2 ;;
  esac
done
dancu=$build/tools/dancu
proxy=$build/tools/faultproxy/dancu-faultproxy
[ -x "$dancu" ] && [ -x "$proxy" ] || { echo "build dancu and dancu-faultproxy in $build first" >&2; exit 1; }

work=$(mktemp -d /tmp/dancu-bench-link.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
export DANCU_OFFICER=officer.bench DANCU_PASSWORD=bench-password-1

quiet() { "$@" > /dev/null; }
certify() {  # parent child
  quiet "$dancu" cert request --data "$2" --out "$2.req"
  quiet "$dancu" cert issue --data "$1" --request "$2.req" --out "$2.cert"
  quiet "$dancu" cert install --data "$2" "$2.cert"
}
commune() {  # dir unit count seed batch
  quiet "$dancu" init --data "$1" --role commune --unit "$2"
  certify "$work/district" "$1"
  quiet "$dancu" officer add --data "$1" --name officer.bench
  "$dancu" gen residents --unit "$2" --count "$3" --seed "$4" > "$1.jsonl"
  local start=$SECONDS
  quiet "$dancu" import --data "$1" --batch "$5" "$1.jsonl"
  echo "commune $2: imported $3 residents in $((SECONDS - start)) s" >&2
}
# Waits for a line of FILE starting with PREFIX and prints what follows it.
after_prefix() {
  for _ in $(seq 300); do
    local line
    line=$(grep -m1 "^$2" "$1" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "${line#"$2"}"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}
field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<< "$1"; }

quiet "$dancu" init --data "$work/central" --role central --unit VN
quiet "$dancu" init --data "$work/district" --role district --unit 026
certify "$work/central" "$work/district"
[ "$link_residents" -gt 0 ] && commune "$work/link" 00718 "$link_residents" 718 "$link_batch"
[ "$loopback_residents" -gt 0 ] && commune "$work/loopback" 00715 "$loopback_residents" 715 2000

"$dancu" serve --data "$work/district" --listen tcp://127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
pids+=($!)
port=$(after_prefix "$work/serve.out" "replication listening on tcp://127.0.0.1:")

if [ "$link_residents" -gt 0 ]; then
echo "## 64 kbit/s, 500 ms one-way latency ($link_residents residents)"
"$proxy" --listen 127.0.0.1:0 --target "127.0.0.1:$port" --rate-bps 64k --latency-ms 500 \
  > "$work/proxy.out" 2> "$work/proxy.err" < /dev/null &
pids+=($!)
proxy_port=$(after_prefix "$work/proxy.out" "faultproxy: listening 127.0.0.1:")
start=$(date +%s.%N)
out=$("$dancu" sync --data "$work/link" --peer "tcp://127.0.0.1:$proxy_port" --json --timeout 900)
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "$out"
seconds=$(field "$out" seconds)
printf 'residents %s, sync %.1f s (process %.1f s): %.1f resident records/s; %s B out, %s B in\n' \
  "$link_residents" "$seconds" "$wall" "$(echo "$link_residents / $seconds" | bc -l)" \
  "$(field "$out" bytes_sent)" "$(field "$out" bytes_received)"
fi

[ "$loopback_residents" -gt 0 ] || exit 0
echo "## loopback ($loopback_residents residents)"
start=$(date +%s.%N)
out=$("$dancu" sync --data "$work/loopback" --peer "tcp://127.0.0.1:$port" --json --timeout 900)
wall=$(echo "$(date +%s.%N) - $start" | bc)
echo "$out"
seconds=$(field "$out" seconds)
printf 'residents %s, sync %.1f s (process %.1f s): %.0f resident records/s; %s B out (%.1f B/resident), %s B in\n' \
  "$loopback_residents" "$seconds" "$wall" "$(echo "$loopback_residents / $seconds" | bc -l)" \
  "$(field "$out" bytes_sent)" "$(echo "$(field "$out" bytes_sent) / $loopback_residents" | bc -l)" \
  "$(field "$out" bytes_received)"
