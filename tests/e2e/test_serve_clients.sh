#!/usr/bin/env bash
# credit serve survives idle and slow clients (issue 20 item 5): 64 idle TCP connections from one
# address and 64 TLS connections sending their headers a byte at a time from another are held
# open while 20 real calls are made from a third. The real calls all answer; the server closes
# the hostile connections over the per-address cap at once and the others after the header
# timeout, and says so in its log.
source "$(dirname "$0")/lib.sh"
test_certificate server
trap 'stop_server; rm -rf "$WORK"' EXIT
new_store s.db admin.token
add_user s.db admin.token view1 viewer
start_server s.db --header-timeout 3 --connections-per-address 8
PY=/usr/bin/python3

$PY "$CREDIT_SOURCE_DIR/tests/e2e/hold_connections.py" "${URL##*:}" 12 64 >held.json &
HOLDER=$!
sleep 1
slowest=0
for i in $(seq 1 20); do
  start=$(date +%s%N)
  run credit --store "$URL" --cacert ca.pem whoami --token-file view1.token
  took=$((($(date +%s%N) - start) / 1000000))
  ((took > slowest)) && slowest=$took
  expect_rc 0 "real call $i while hostile connections are held"
  sleep 0.2
done
((slowest < 5000)) && pass || fail "the slowest real call took ${slowest} ms"
wait $HOLDER && pass || fail "the connection holder failed"
held=$(cat held.json)
for group in idle slow; do
  at_once=$(json_get ".$group.at_once" <<<"$held")
  open=$(json_get ".$group.open" <<<"$held")
  latest=$(json_get ".$group.latest" <<<"$held")
  ((at_once >= 56)) && pass || fail "$group: $at_once of 64 over the cap closed at once ($held)"
  ((open == 0)) && pass || fail "$group: $open connections still open after 12 s ($held)"
  [[ $(python3 -c "print($latest <= 7)") == True ]] && pass ||
    fail "$group: the last one closed after $latest s, header timeout 3 s ($held)"
done
grep -q "credit serve: 127.0.0.2: closed a connection: 8 are open from this address, the cap" \
  serve.log && pass || fail "the log names the address over its cap: $(tail -3 serve.log)"
run credit --store "$URL" --cacert ca.pem whoami --token-file view1.token
expect_rc 0 "the server answers after the hostile connections are gone"

# Options are checked before the server starts.
run credit --store s.db serve --listen 127.0.0.1:0 --cert server.pem --key server.key \
  --header-timeout 0
expect_rc 2 "--header-timeout 0 is refused"
finish
