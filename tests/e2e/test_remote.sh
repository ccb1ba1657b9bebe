#!/usr/bin/env bash
# credit serve and the HTTPS client: a real server on 127.0.0.1 with a throwaway CA. Every flow
# runs twice, on a local copy of the store and through the server on an identical copy, and must
# give the same exit status, output and messages — and the same audit entries in both stores.
source "$(dirname "$0")/lib.sh"
DEPT=91110000600037341L
# One clock for the server and the local runs, so that timestamps compare equal.
export CREDIT_NOW=2026-05-06T10:00:00+08:00

# --- a throwaway CA, and a certificate for 127.0.0.1 signed by it ---
test_certificate server

# --- the server (lib.sh: start_server, stop_server), always stopped on exit ---
trap 'stop_server; rm -rf "$WORK"' EXIT
vm_hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }

# --- two identical stores: one used locally, one served ---
new_store s.db admin.token
add_user s.db admin.token op1 operator $DEPT
add_user s.db admin.token aud1 auditor
add_user s.db admin.token view1 viewer
sqlite3 s.db ".backup local.db"
sqlite3 s.db ".backup served.db"
chmod 600 local.db served.db  # sqlite3 creates them 0644; credit refuses a store others can read
start_server served.db

mask() { sed -E 's/credit_[0-9]+_[A-Za-z0-9_-]{43}/<token>/g; s/[0-9a-f]{64}/<sha256>/g'; }
both() {  # both EXPECTED_RC DESCRIPTION ARGS…: same status, stdout and stderr locally and remotely
  local rc=$1 what=$2
  shift 2
  run credit --store local.db "$@"
  local local_out=$OUT local_err=$ERR local_rc=$RC
  run credit --store "$URL" --cacert ca.pem "$@"
  expect_rc "$rc" "$what (remote)"
  expect_eq "$local_rc" "$rc" "$what (local)"
  expect_eq "$(mask <<<"$OUT")" "$(mask <<<"$local_out")" "$what: stdout differs"
  expect_eq "$(mask <<<"$ERR")" "$(mask <<<"$local_err")" "$what: stderr differs"
}

# --- the foundation's flows: results, messages and exit codes as locally ---
both 0 "user add" user add op2 --role operator --dept $DEPT --token-file admin.token
both 0 "user list" user list --token-file admin.token
both 0 "user list json" user list --token-file admin.token --format json
both 0 "user list csv" user list --token-file admin.token --format csv
both 0 "whoami" whoami --token-file op1.token --format json
both 0 "policy show" policy show --token-file view1.token
both 0 "policy list" policy list --token-file view1.token --format ndjson
both 0 "policy set by name" policy set national-2019 --token-file admin.token
both 0 "audit verify" audit verify --token-file aud1.token
both 0 "migrate with nothing to do" migrate --token-file admin.token
both 2 "unknown role" user add x --role king --token-file admin.token
both 3 "invalid department" user add x --role operator --dept 91110000600037341X --token-file admin.token
both 3 "bad user name" user add 'bad name' --role viewer --token-file admin.token
printf '{"id": "broken"}' >broken-policy.json
both 3 "invalid profile file (uploaded)" policy set broken-policy.json --token-file admin.token
both 4 "no token" whoami
both 4 "wrong token" whoami --token credit_2_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
both 5 "viewer lists users" user list --token-file view1.token
both 5 "admin reads the audit log" audit verify --token-file admin.token
both 6 "unknown user" user disable nobody --token-file admin.token
both 7 "duplicate user" user add op1 --role viewer --token-file admin.token
both 7 "last admin" user disable admin --token-file admin.token
both 0 "rotate a token" user token op1 --token-file admin.token
both 4 "the rotated token stops working" whoami --token-file op1.token
both 0 "disable" user disable view1 --token-file admin.token
both 4 "a disabled user" whoami --token-file view1.token
printf 'first\n' >one.txt
printf 'second, 第二\n' >two.txt
both 0 "streamed rows of an upload" diag upload one.txt two.txt --token-file admin.token
both 5 "diag is for admins" diag upload one.txt --token-file aud1.token

# The served store has the same audit entries as the local one (real times aside), written by
# the server's service; and its chain is intact.
audit_rows() { sqlite3 "$1" "select seq, ts_sim, actor, role, dept, action, targets, params, outcome, reason from audit_log order by seq"; }
expect_eq "$(audit_rows served.db)" "$(audit_rows local.db)" "audit entries local = remote"
expect_eq "$(sqlite3 served.db "select count(*) from audit_log where outcome='denied' and actor='view1'")" "1" "a refusal is audited by the server"
run credit --store "$URL" --cacert ca.pem audit verify --token-file aud1.token
expect_out "^[0-9]+/[0-9]+ entries valid" "the served chain verifies"

# --- store.init is local only ---
run credit --store "$URL" --cacert ca.pem init
expect_rc 2 "init through a server"
expect_err "cannot be created through a server" "init refusal message"

# --- TLS: the certificate is always verified ---
run credit --store "$URL" whoami --token-file admin.token
expect_rc 8 "no --cacert: unknown CA"
expect_err "certificate" "the message names the certificate"
expect_err "cacert" "the hint names --cacert"
CREDIT_CACERT=ca.pem run credit --store "$URL" whoami --token-file admin.token
expect_rc 0 "CREDIT_CACERT is honoured"
run credit --store "https://localhost:${URL##*:}" --cacert ca.pem whoami --token-file admin.token
expect_rc 8 "a host name the certificate does not list"
expect_err "certificate" "host name mismatch message"
run credit --store "$URL" --cacert missing-ca.pem whoami --token-file admin.token
expect_rc 8 "a missing CA file"
run credit --store "http://${URL#https://}" whoami --token-file admin.token
expect_rc 2 "plain HTTP is refused"
expect_err "HTTPS only" "plain HTTP message"

# --- the network plugin is loaded only when a remote store is used ---
mkdir alone && cp "$CREDIT_BIN" alone/credit
run alone/credit --store "$URL" --cacert ca.pem whoami --token-file admin.token
expect_rc 8 "without its plugin, a remote store is unavailable"
expect_err "credit-net.so" "the message names the network plugin"
run alone/credit --store s.db whoami --token-file admin.token
expect_rc 0 "local stores need no plugin"
# The access log: one line per call, never a token.
grep -qE ' whoami 200 ok [0-9.]+ms$' serve.log && pass || fail "access log line for whoami"
grep -qE ' user.list 403 permission_denied ' serve.log && pass || fail "access log line for a refusal"
grep -q 'credit_2_' serve.log && fail "a token in the access log" || pass

# --- concurrent clients: all served, all audited, the chain intact ---
BEFORE=$(audit_calls served.db)
CLIENTS=()
for i in 1 2 3 4 5 6; do
  (
    for _ in 1 2 3 4; do
      credit --store "$URL" --cacert ca.pem --token-file admin.token user list --format json >/dev/null || echo "client $i failed"
      credit --store "$URL" --cacert ca.pem --token-file aud1.token whoami >/dev/null || echo "client $i failed"
    done
  ) >"client$i.out" 2>&1 &
  CLIENTS+=($!)
done
wait "${CLIENTS[@]}"
FAILED_CLIENTS=$(cat client*.out)
expect_eq "$FAILED_CLIENTS" "" "concurrent clients all succeed"
expect_eq "$(audit_calls served.db) " "$((BEFORE + 48)) " "every concurrent call audited"
run credit --store "$URL" --cacert ca.pem audit verify --token-file aud1.token --format json
expect_eq "$(json_get .valid <<<"$OUT")" "true" "the chain is intact after concurrent writes"

# --- large uploads stream: the server's memory stays flat ---
python3 -c "
import os, sys
with open('big.bin', 'wb') as f:
    for _ in range(48):
        f.write(os.urandom(1 << 20))
"
HWM_BEFORE=$(vm_hwm_kb)
run credit --store "$URL" --cacert ca.pem --token-file admin.token diag upload big.bin --format json
expect_rc 0 "a 48 MiB upload"
expect_eq "$(json_get .0.sha256 <<<"$OUT")" "$(sha256sum big.bin | cut -c1-64)" "the upload arrived whole"
GROWTH_MB=$((($(vm_hwm_kb) - HWM_BEFORE) / 1024))
((GROWTH_MB < 24)) && pass || fail "the server's peak memory grew by ${GROWTH_MB} MiB for a 48 MiB upload"
run credit --store "$URL" --cacert ca.pem --token-file admin.token diag upload - --format json <big.bin
expect_eq "$(json_get .0.sha256 <<<"$OUT")" "$(sha256sum big.bin | cut -c1-64)" "an upload from stdin arrived whole"
# A big invalid file fails early with the local message, and the server serves on.
both 3 "a policy file that is too large" policy set big.bin --token-file admin.token
run credit --store "$URL" --cacert ca.pem whoami --token-file admin.token
expect_rc 0 "the server serves on after an aborted upload"

# --- graceful stop: a call in flight finishes, new ones are refused, the server exits 0 ---
# The signal must come while the call is in flight, not before it connects: the client reads stdin
# only while it uploads (nothing is read ahead), so once `head` has written 2 MB through the 64 KiB
# pipe, the TLS session is up and the server is reading the body. A fixed sleep raced on a busy
# machine (CI once saw the server stop before the client connected).
rm -f inflight.started
(
  head -c 2000000 big.bin
  touch inflight.started
  sleep 1
  tail -c 1000 big.bin
) | credit --store "$URL" --cacert ca.pem --token-file admin.token diag upload - --format json >inflight.json 2>inflight.err &
CLIENT=$!
for _ in $(seq 300); do [[ -e inflight.started ]] && break; sleep 0.1; done
sleep 0.2
kill -TERM "$SERVER_PID"
wait "$CLIENT" && pass || fail "the call in flight finished: $(cat inflight.err)"
expect_eq "$(json_get .0.bytes <inflight.json)" "2001000" "the call in flight read all its input"
stop_server
expect_eq "$SERVER_RC" "0" "the server exits 0 after SIGTERM"
grep -q "stopped" serve.log && pass || fail "the server says it stopped"
run credit --store "$URL" --cacert ca.pem whoami --token-file admin.token
expect_rc 8 "server down"
expect_err "cannot connect" "server down message"

# --- start-up refusals ---
credit --store old.db init --schema-version 1 >/dev/null 2>&1
run credit --store old.db serve --listen 127.0.0.1:0 --cert server.pem --key server.key
expect_rc 8 "a store that needs migration is refused at start"
expect_err "credit migrate" "the refusal points to credit migrate"
run credit --store missing.db serve --listen 127.0.0.1:0 --cert server.pem --key server.key
expect_rc 8 "a missing store"
run credit --store served.db serve --listen 127.0.0.1:0 --cert ca.pem --key server.key
expect_rc 3 "a key that does not belong to the certificate"
expect_err "does not belong" "key mismatch message"
run credit --store served.db serve --listen nowhere --cert server.pem --key server.key
expect_rc 2 "a --listen without a port"

# --- --quiet: no access log ---
start_server served.db --quiet
run credit --store "$URL" --cacert ca.pem whoami --token-file admin.token
expect_rc 0 "a quiet server serves"
stop_server
expect_eq "$(grep -v 'listening on' serve.log)" "" "--quiet silences the access log"

finish
