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
say "credit user add …   (an operator and a reviewer of one department, the scheduler, an auditor)"
"$CREDIT" user add li.na --role operator --dept $DEPT --format json | token_to operator.token
"$CREDIT" user add wang.qiang --role reviewer --dept $DEPT --format json | token_to reviewer.token
"$CREDIT" user add scheduler --role publisher --format json | token_to publisher.token
"$CREDIT" user add zhao.min --role auditor --format json | token_to auditor.token
step "$CREDIT" user list
say "credit user list --token-file operator.token   (an operator may not manage accounts)"
"$CREDIT" user list --token-file operator.token || echo "(exit status $?)"
step "$CREDIT" audit verify --token-file auditor.token
echo
echo "The demo store is $CREDIT_STORE; tokens are in $DEMO/*.token."
