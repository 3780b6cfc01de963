#!/usr/bin/env bash
# The README demo: installs and builds dancu, then runs a commune node doing the real job —
# certified under its district and central, importing a generated commune, searching, enrolling
# fingerprints (libfprint's virtual reader fed NIST prints) and a photo for a CCCD application,
# recording events, reporting the campaign's figures and verifying its signed log; then a second
# commune; replication through their district to central over CurveZMQ and, for the commune
# without a link, by a signed bundle; a newborn's citizen number issued offline from a lease; and
# last, the district's web console with both communes' data, left running for a person to open.
#
# The console stays up (until Ctrl-C) when the demo runs in a terminal; run non-interactively (no
# terminal on stdin, as in CI) it is skipped unless DANCU_DEMO_CONSOLE=1. DANCU_DEMO_CONSOLE=0
# skips it in a terminal too. DANCU_DEMO_HTTP sets its address (default 127.0.0.1:0, a free port).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

dancu() { build/tools/dancu "$@"; }
# serve DIR NAME: runs `dancu serve --listen` on a free port in the background; sets serve_pid and
# serve_addr (tcp://127.0.0.1:PORT) once it is listening.
serve() {
  build/tools/dancu serve --data "$1" --listen tcp://127.0.0.1:0 > "$DEMO/$2.serve.log" 2>&1 &  # not the function: $! must be dancu
  serve_pid=$!
  serve_addr=""
  for _ in $(seq 100); do
    serve_addr=$(sed -n 's/^replication listening on \(tcp:.*\)$/\1/p' "$DEMO/$2.serve.log")
    [ -n "$serve_addr" ] && return 0
    sleep 0.1
  done
  cat "$DEMO/$2.serve.log"; return 1
}
stop() { kill "$serve_pid"; wait "$serve_pid" || true; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

DEMO=$(mktemp -d /tmp/dancu-demo.XXXXXX)
export DANCU_OFFICER=officer.an DANCU_PASSWORD='mật-khẩu-demo'
echo "demo data in $DEMO"

step "Three nodes: central, the district of Đồng Văn (Hà Giang), the border commune of Lũng Cú"
dancu init --data "$DEMO/central" --role central --unit VN
dancu init --data "$DEMO/dong-van" --role district --unit 026
dancu init --data "$DEMO/lung-cu" --role commune --unit 00715

step "Certificates travel as small files: commune -> district -> central and back"
dancu cert request --data "$DEMO/dong-van" --out "$DEMO/dong-van.req"
dancu cert issue --data "$DEMO/central" --request "$DEMO/dong-van.req" --out "$DEMO/dong-van.cert"
dancu cert install --data "$DEMO/dong-van" "$DEMO/dong-van.cert"
dancu cert request --data "$DEMO/lung-cu" --out "$DEMO/lung-cu.req"
dancu cert issue --data "$DEMO/dong-van" --request "$DEMO/lung-cu.req" --out "$DEMO/lung-cu.cert"
dancu cert install --data "$DEMO/lung-cu" "$DEMO/lung-cu.cert"
ls -l "$DEMO"/*.req "$DEMO"/*.cert | awk '{print $5, $9}'

step "An officer account on the commune node (a clerk: registers, corrects, enrolls)"
dancu officer add --data "$DEMO/lung-cu" --name officer.an

step "Generate 10,000 residents of Lũng Cú (1% deliberately invalid) and import them"
dancu gen residents --unit 00715 --count 10000 --seed 2025 --invalid-share 0.01 > "$DEMO/lung-cu.jsonl"
head -c 400 "$DEMO/lung-cu.jsonl"; echo " ..."
set +e
dancu import --data "$DEMO/lung-cu" "$DEMO/lung-cu.jsonl" > "$DEMO/import.log"
status=$?
set -e
grep -m 5 rejected "$DEMO/import.log"
echo "..."
tail -n 1 "$DEMO/import.log"
echo "(exit code $status: 3 means some lines were rejected, each reported above)"

step "Search as officers type: no diacritics, any case, an optional birth year"
dancu resident find --data "$DEMO/lung-cu" --limit 5 "nguyen van"
dancu resident find --data "$DEMO/lung-cu" --limit 5 "GIÀNG THỊ 1990"
first=$(dancu resident find --data "$DEMO/lung-cu" --json --limit 1 "nguyen van an" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
household=$(dancu resident show --data "$DEMO/lung-cu" --json "$first" | sed -n 's/.*"household":{[^}]*"id":"\([^"]*\)".*/\1/p')
echo "household $household:"
dancu resident find --data "$DEMO/lung-cu" --household "$household"

step "Enrollment for a CCCD: both index fingers and a photo, each print checked against the commune's"
export FP_DRIVERS_WHITELIST=virtual_image FP_VIRTUAL_IMAGE="$DEMO/reader.socket"
finger() { build/tools/fixtures/dancu-virtual-finger "../shared/data/prints/$1.png"; }
set -o pipefail
mai=$(dancu resident add --data "$DEMO/lung-cu" --json '{"citizen_no": "002190004321", "full_name": "Giàng Thị Mai", "birth_date": "1990-04-12", "sex": "female", "ethnicity": 8, "nationality": "VN", "hometown": {"unit": "00715"}, "permanent_residence": {"unit": "00715", "address": "Thôn Lô Lô Chải, Xã Lũng Cú"}, "household": {"id": "HK-00715-9001", "relationship": "head"}}' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
dancu resident card --data "$DEMO/lung-cu" "$mai" --status applied || echo "(refused until the photo and both index fingers are enrolled)"
dancu enroll finger --data "$DEMO/lung-cu" "$mai" --finger right-index | finger whorl
dancu enroll finger --data "$DEMO/lung-cu" "$mai" --finger left-index | finger arch | tail -n 2
build/tools/fixtures/dancu-sample-photo "$DEMO/mai.jpg"
dancu enroll photo --data "$DEMO/lung-cu" "$mai" "$DEMO/mai.jpg"
dancu verify --data "$DEMO/lung-cu" "$mai" | finger whorl | tail -n 1
dancu verify --data "$DEMO/lung-cu" "$mai" --finger left-index | finger tented_arch | tail -n 1 || echo "(exit 3: another finger does not pass)"
dancu resident card --data "$DEMO/lung-cu" "$mai" --status applied --application-id HS-00715-0001 --applied-on "$(date +%F)"

step "The same finger under another name opens a duplicate case for central, instead of enrolling"
dancu enroll finger --data "$DEMO/lung-cu" "$first" --finger right-index | finger whorl | tail -n 1 || echo "(exit 3: not enrolled; the case waits for central)"

step "Events: a death, a correction refused for a bad date"
dancu resident death --data "$DEMO/lung-cu" "$first" --date 2025-06-01
dancu resident update --data "$DEMO/lung-cu" "$first" '{"birth_date": "2031-02-30"}' || echo "(refused, and nothing changed)"
dancu resident show --data "$DEMO/lung-cu" "$first" | tail -n 12

step "The campaign's figures for the commune"
dancu report --data "$DEMO/lung-cu"

step "Every hash and signature re-checked, the log replayed into a fresh state"
dancu log verify --data "$DEMO/lung-cu"
echo "state hash: $(dancu state-hash --data "$DEMO/lung-cu")"

step "A second commune, Má Lé, certified by the district, registers 2,000 residents offline"
dancu init --data "$DEMO/ma-le" --role commune --unit 00718
dancu cert request --data "$DEMO/ma-le" --out "$DEMO/ma-le.req"
dancu cert issue --data "$DEMO/dong-van" --request "$DEMO/ma-le.req" --out "$DEMO/ma-le.cert"
dancu cert install --data "$DEMO/ma-le" "$DEMO/ma-le.cert"
dancu officer add --data "$DEMO/ma-le" --name officer.an
dancu gen residents --unit 00718 --count 2000 --seed 718 > "$DEMO/ma-le.jsonl"
dancu import --data "$DEMO/ma-le" "$DEMO/ma-le.jsonl" | tail -n 1

step "Links come and go: the district reaches central once, and gets a block of citizen numbers"
serve "$DEMO/central" central
dancu sync --data "$DEMO/dong-van" --peer "$serve_addr" --timeout 120
stop
dancu lease list --data "$DEMO/dong-van"

step "The district serves its communes over CurveZMQ; Lũng Cú syncs when its modem is up"
serve "$DEMO/dong-van" dong-van
dancu sync --data "$DEMO/lung-cu" --peer "$serve_addr" --timeout 120
stop

step "Offline again, Lũng Cú registers a newborn with a citizen number from its leased block"
dancu resident birth --data "$DEMO/lung-cu" --json '{"full_name": "Giàng Thị Hoa", "birth_date": "'"$(date +%F)"'", "sex": "female", "ethnicity": 8, "nationality": "VN", "hometown": {"unit": "00715"}, "permanent_residence": {"unit": "00715", "address": "Thôn Lô Lô Chải, Xã Lũng Cú"}, "household": {"id": "HK-00715-9001", "relationship": "child"}}'
dancu resident find --data "$DEMO/lung-cu" "giang thi hoa"
dancu lease list --data "$DEMO/lung-cu"

step "Má Lé has no link at all: its changes reach the district on a USB stick, as a signed bundle"
district_id=$(sed -n 's/.*"node_id": "\([0-9a-f]*\)".*/\1/p' "$DEMO/dong-van/node.json")
dancu bundle export --data "$DEMO/ma-le" --for "$district_id" --out "$DEMO/ma-le.bundle"
ls -l "$DEMO/ma-le.bundle" | awk '{print $5, $9}'
dancu bundle import --data "$DEMO/dong-van" "$DEMO/ma-le.bundle"
dancu bundle import --data "$DEMO/dong-van" "$DEMO/ma-le.bundle"

step "The district relays everything authored below it to central"
serve "$DEMO/central" central
dancu sync --data "$DEMO/dong-van" --peer "$serve_addr" --timeout 120
stop

step "Central's figures, its log verified, and one state for the same changes everywhere"
dancu report --data "$DEMO/central"
dancu log verify --data "$DEMO/central"
dancu quarantine list --data "$DEMO/central"
echo "central  $(dancu state-hash --data "$DEMO/central")"
echo "district $(dancu state-hash --data "$DEMO/dong-van")"
echo
echo "The nodes stay in $DEMO; try: build/tools/dancu resident find --data $DEMO/central 'hoang van'"

step "The district and Lũng Cú correct one name, each offline: the next sync raises a conflict to review"
dancu officer add --data "$DEMO/dong-van" --name officer.an --role operator
dancu resident update --data "$DEMO/lung-cu" "$mai" '{"full_name": "Giàng Thị Mảy"}'
dancu resident update --data "$DEMO/dong-van" "$mai" '{"full_name": "Giàng Thị Mây"}'
serve "$DEMO/dong-van" dong-van
dancu sync --data "$DEMO/lung-cu" --peer "$serve_addr" --timeout 120
stop
dancu conflicts list --data "$DEMO/dong-van"

step "The district's web console, for officers and operators"
console=${DANCU_DEMO_CONSOLE:-}
if [ -z "$console" ]; then
  if [ -t 0 ]; then console=1; else console=0; fi
fi
if [ "$console" = 1 ]; then
  echo "Open the address below in a browser; log in as officer.an with the password $DANCU_PASSWORD."
  echo "Stop the console with Ctrl-C."
  build/tools/dancu serve --data "$DEMO/dong-van" --http "${DANCU_DEMO_HTTP:-127.0.0.1:0}"
else
  echo "(not run: no terminal; DANCU_DEMO_CONSOLE=1 runs it, or:"
  echo " DANCU_PASSWORD='$DANCU_PASSWORD' build/tools/dancu serve --data $DEMO/dong-van --http 127.0.0.1:8080 ; officer.an)"
fi
