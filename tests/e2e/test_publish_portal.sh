#!/usr/bin/env bash
# `credit publish --to URL` against a real HTTPS portal stand-in (portal_stub.py) on 127.0.0.1 with
# a throwaway CA: the portal down, HTTP 500 (retried, and beyond the attempts), a timeout, a slow
# portal, an acknowledgement that arrives too late (so the next run repeats the release and the
# portal acknowledges it again), an unverifiable certificate. In each case nothing is published
# before the acknowledgement, nothing is lost or published twice, and the next run completes.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2025-11-03T10:00:00+08:00

test_certificate portal

new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token pub publisher
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
export CREDIT_TOKEN_FILE=pub.token
q() { sqlite3 s.db "$1"; }
published() { q "select count(*) from records where status = 'published'"; }
SEED=0
add_records() {  # add_records N: N more committed penalty records
  SEED=$((SEED + 1))
  credit generate sample --kind penalty --rows "$1" --seed $SEED --dept $DEPT \
    --decided-from 2025-10-01 --decided-to 2025-10-31 >batch$SEED.csv
  credit import batch$SEED.csv --kind penalty --token-file op.token -q
}
due() { credit publish --dry-run --format json | json_get .published; }

# --- the portal: port 0, written to a file; always stopped on exit ---
mkdir portal
PORTAL_PID=
stop_portal() { [[ -n $PORTAL_PID ]] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null; PORTAL_PID=; }
trap 'stop_portal; rm -rf "$WORK"' EXIT
start_portal() {
  rm -f port
  python3 "$CREDIT_SOURCE_DIR/tests/e2e/portal_stub.py" --cert portal.pem --key portal.key \
    --dir portal --portfile port --probe s.db 2>portal.err &
  PORTAL_PID=$!
  for _ in $(seq 100); do [[ -s port ]] && break; sleep 0.05; done
  [[ -s port ]] || { cat portal.err >&2; echo "the portal stub did not start" >&2; exit 1; }
  URL=https://127.0.0.1:$(cat port)/releases
}
faults() { echo "$1" >portal/control.json; }
outcomes() {  # outcomes KEY: what the portal did with each request of that release
  python3 -c 'import json,sys; print(" ".join(e["outcome"] for e in map(json.loads, open("portal/requests.ndjson")) if e["key"] == sys.argv[1]))' "$1"
}
push() { run credit publish --to "$URL" --portal-cacert ca.pem --retry-delay 0.1 --format json "$@"; }

# --- the portal is down: nothing published, the release stays pending ---
add_records 20
N1=$(due)
[[ $N1 -gt 5 ]] && pass || fail "records due ($N1)"
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=https://127.0.0.1:$FREE/releases
push --attempts 2
expect_rc 10 "portal down: exit 10"
expect_err "did not accept release 1 \(2 attempts\)" "says which release and how many attempts"
expect_err "stays pending" "says the release stays pending"
expect_eq "$(published)" "0" "nothing published"
expect_eq "$(q 'select sequence, status from releases')" "1|pending" "release 1 pending"

# --- HTTP 500 twice, then accepted: retried within one run; the pending release goes first ---
start_portal
add_records 10
N2=$(due)
faults '{"fail": 2, "status": 500}'
push --attempts 3 --verbose
expect_rc 0 "500, 500, then accepted"
expect_eq "$(json_get .releases.0.sequence <<<"$OUT")" "1" "release 1 first"
expect_eq "$(json_get .releases.0.resend <<<"$OUT")" "true" "sent again"
expect_eq "$(json_get .releases.1.sequence <<<"$OUT")" "2" "then release 2 with the new records"
expect_eq "$(json_get .published <<<"$OUT")" "$((N1 + N2))" "all published"
expect_err "attempt 3: HTTP 200" "the attempts are shown with --verbose"
expect_eq "$(outcomes 1)" "failed failed accepted" "the portal saw two failures and one release 1"
expect_eq "$(outcomes 2)" "accepted" "and release 2 once"
# nothing was published before the portal had the release
expect_eq "$(python3 -c 'import json; print([e["published_at_receipt"] for e in map(json.loads, open("portal/requests.ndjson")) if e["outcome"] == "accepted"])')" \
  "[0, $N1]" "records became published only after each acknowledgement"
TOTAL=$((N1 + N2))
expect_eq "$(published)" "$TOTAL" "store: all published"
expect_eq "$(q "select delivered_to from releases where sequence = 2")" "$URL" "delivered_to recorded"
[[ $(q "select portal_response from releases where sequence = 2") == *accepted* ]] && pass || fail "portal response kept"

# --- more failures than attempts: exit 10; the next run completes ---
add_records 10
N=$(due)
faults '{"fail": 5, "status": 503}'
push --attempts 2
expect_rc 10 "503 beyond the attempts"
expect_err "HTTP 503" "names the status"
expect_eq "$(q "select status from releases where sequence = 3")" "pending" "release 3 pending"
expect_eq "$(published)" "$TOTAL" "nothing more published"
faults '{}'
push
expect_rc 0 "the next run completes"
expect_eq "$(json_get .sequence <<<"$OUT")" "3" "release 3, same number"
TOTAL=$((TOTAL + N))
expect_eq "$(published)" "$TOTAL" "now published"

# --- a timeout: the first attempt is abandoned, the second accepted ---
add_records 10
N=$(due)
faults '{"delay": 3, "count": 1}'
push --timeout 1 --attempts 3 --verbose
expect_rc 0 "timeout, then accepted"
expect_err "attempt 1: .*(timed out|[Tt]imeout)" "the first attempt timed out"
expect_eq "$(json_get .published <<<"$OUT")" "$N" "published once"
TOTAL=$((TOTAL + N))

# --- a slow portal within the timeout ---
add_records 10
N=$(due)
faults '{"delay": 1, "count": 1}'
push --timeout 10
expect_rc 0 "slow but in time"
expect_eq "$(outcomes 5)" "accepted" "one request"
TOTAL=$((TOTAL + N))

# --- the acknowledgement arrives too late: the portal has the release, credit does not know ---
add_records 10
N=$(due)
faults '{"delay_after": 3, "count": 1}'
push --timeout 1 --attempts 1
expect_rc 10 "acknowledgement lost"
expect_eq "$(q "select status from releases where sequence = 6")" "pending" "release 6 pending"
expect_eq "$(published)" "$TOTAL" "not published without the acknowledgement"
faults '{}'
push
expect_rc 0 "the next run repeats release 6"
expect_eq "$(json_get .sequence <<<"$OUT")" "6" "same sequence"
expect_eq "$(json_get .published <<<"$OUT")" "$N" "published once"
expect_eq "$(outcomes 6)" "accepted duplicate" "the portal acknowledged it again without applying it twice"
TOTAL=$((TOTAL + N))
expect_eq "$(published)" "$TOTAL" "published"
expect_eq "$(q "select deliveries from releases where sequence = 6")" "1" "confirmed once"

# --- a certificate that cannot be verified: not retried, nothing published ---
add_records 10
run credit publish --to "$URL" --attempts 3 --retry-delay 0.1 --format json
expect_rc 10 "unverified certificate"
expect_err "certificate|SSL|issuer" "the message names the certificate"
expect_err "\(1 attempt\)" "not retried"
expect_eq "$(q "select status from releases where sequence = 7")" "pending" "release 7 pending"
expect_eq "$(published)" "$TOTAL" "nothing published"
push
expect_rc 0 "with the CA it is delivered"
expect_eq "$(q "select count(*) from releases where status = 'pending'")" "0" "nothing pending"

# every release the portal accepted matches the store's digest and content
for d in portal/[0-9]*; do
  s=$(basename "$d")
  expect_eq "$(sha256sum <"$d/manifest" | cut -d' ' -f1)" "$(q "select manifest_sha256 from releases where sequence = $s")" "release $s: manifest digest"
done
expect_eq "$(cat portal/*/upsert | wc -l)" "$(published)" "the portal has every published record once"

finish
