#!/usr/bin/env bash
# The README demo: installs and builds dancu, then runs a commune node doing the real job —
# certified under its district and central, importing a generated commune, searching, recording
# events, reporting the campaign's figures and verifying its signed log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

dancu() { build/tools/dancu "$@"; }
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

step "An officer account on the commune node"
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
first=$(dancu resident find --data "$DEMO/lung-cu" --json --limit 1 "nguyen van" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
household=$(dancu resident show --data "$DEMO/lung-cu" --json "$first" | sed -n 's/.*"household":{"[^}]*"id":"\([^"]*\)".*/\1/p')
echo "household $household:"
dancu resident find --data "$DEMO/lung-cu" --household "$household"

step "Events: a CCCD application, a death, a correction refused for a bad date"
dancu resident card --data "$DEMO/lung-cu" "$first" --status applied --application-id "HS-00715-0001" --applied-on 2025-03-02
dancu resident death --data "$DEMO/lung-cu" "$first" --date 2025-06-01
dancu resident update --data "$DEMO/lung-cu" "$first" '{"birth_date": "2031-02-30"}' || echo "(refused, and nothing changed)"
dancu resident show --data "$DEMO/lung-cu" "$first" | tail -n 12

step "The campaign's figures for the commune"
dancu report --data "$DEMO/lung-cu"

step "Every hash and signature re-checked, the log replayed into a fresh state"
dancu log verify --data "$DEMO/lung-cu"
echo "state hash: $(dancu state-hash --data "$DEMO/lung-cu")"
echo
echo "The nodes stay in $DEMO; try: build/tools/dancu resident find --data $DEMO/lung-cu 'hoang van'"
