#!/usr/bin/env bash
# A short demonstration of the main job on an embedded store with sample data (./setup.sh demo).
set -euo pipefail
cd "$(dirname "$0")/.."
CREDIT=${CREDIT:-$PWD/build/credit}
DEMO=${DEMO_DIR:-$PWD/demo}
rm -rf "$DEMO" && mkdir -p "$DEMO" && cd "$DEMO"
export CREDIT_STORE=$DEMO/store.db
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
step() { say "$*"; "$@"; }
token_to() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >"$1"; chmod 600 "$1"; }

say "credit init --format json   (the administrator's token goes to admin.token)"
"$CREDIT" init --format json | token_to admin.token
export CREDIT_TOKEN_FILE=admin.token
DEPT=11110000000013127H   # the demo market-regulation bureau
say "credit user add …   (an operator and a reviewer of one department, the scheduler, an auditor, a viewer)"
"$CREDIT" user add li.na --role operator --dept $DEPT --format json | token_to operator.token
"$CREDIT" user add wang.qiang --role reviewer --dept $DEPT --format json | token_to reviewer.token
"$CREDIT" user add scheduler --role publisher --format json | token_to publisher.token
"$CREDIT" user add zhao.min --role auditor --format json | token_to auditor.token
"$CREDIT" user add chen.jie --role viewer --format json | token_to viewer.token
step "$CREDIT" user list
say "credit user list --token-file operator.token   (an operator may not manage accounts)"
"$CREDIT" user list --token-file operator.token || echo "(exit status $?)"

say "credit generate sample …   (a month's penalty export from the bureau's office system: GBK, 3 bad rows)"
"$CREDIT" generate sample --rows 200 --invalid 3 --noise 2 --encoding gbk --dept $DEPT >penalties-2025.csv
head -2 penalties-2025.csv | iconv -f GB18030 -t UTF-8 | cut -d, -f1-3,14-15 | sed 's/$/,…/'
say "credit import penalties-2025.csv --kind penalty --rejects rejects.csv   (as the operator)"
"$CREDIT" import penalties-2025.csv --kind penalty --rejects rejects.csv --token-file operator.token ||
  echo "(exit status $? — all or nothing: the bad rows are in rejects.csv, in GBK like the input)"
say "credit import penalties-2025.csv --kind penalty --skip-invalid   (stage the valid rows now)"
"$CREDIT" import penalties-2025.csv --kind penalty --skip-invalid --token-file operator.token
BATCH=$("$CREDIT" import list --status staged --format json --token-file reviewer.token |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["batch"])')
step "$CREDIT" import list --token-file reviewer.token
say "credit import approve $BATCH   (the operator may not; the department's reviewer does)"
"$CREDIT" import approve "$BATCH" --token-file operator.token || echo "(exit status $?)"
"$CREDIT" import approve "$BATCH" --token-file reviewer.token
step "$CREDIT" import show "$BATCH" --limit 3 --token-file reviewer.token
say "credit import penalties-2025.csv --kind penalty --skip-invalid   (re-running the same file)"
"$CREDIT" import penalties-2025.csv --kind penalty --skip-invalid --token-file operator.token 2>/dev/null
say "credit publish --out releases   (the scheduler: a numbered release of what the portal must show)"
mkdir -p releases
"$CREDIT" publish --out releases --token-file publisher.token
ls releases/*/ && head -c 400 releases/release-000001/manifest.json && echo " …"
say "credit query --severity severe --level public --limit 3   (a viewer: what the portal shows, persons masked)"
"$CREDIT" query --severity severe --level public --limit 3 --token-file viewer.token
RECORD=$("$CREDIT" query --severity severe --limit 1 --format json --token-file operator.token \
  --purpose "demo: checking a severe case" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
step "$CREDIT" record show "$RECORD" --purpose "行政处罚案卷核对 2026-001" --token-file operator.token
step "$CREDIT" purge-expired --token-file publisher.token
say "credit publish --out releases   (again: nothing changed, so no new release)"
"$CREDIT" publish --out releases --token-file publisher.token
say "credit report summary --format markdown   (for the office; --format html draws charts)"
"$CREDIT" report summary --from 2020-01-01 --format markdown --section by_severity --token-file auditor.token
step "$CREDIT" audit verify --token-file auditor.token
echo
echo "The demo store is $CREDIT_STORE; tokens are in $DEMO/*.token; the sample file and rejects.csv"
echo "are in $DEMO."
