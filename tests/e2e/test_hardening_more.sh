#!/usr/bin/env bash
# Hardening (issue 20), the second part: control characters, clear errors, crash leftovers,
# bounds on policy input, the audit window after the last checkpoint and tokens issued by an
# administrator. Each section reproduces a finding of the red-team run against the real binary.
source "$(dirname "$0")/lib.sh"
DEPT=91110000600037341L
export CREDIT_NOW=2026-05-06T10:00:00+08:00
department_store $DEPT
add_user s.db admin.token aud auditor
export CREDIT_TOKEN_FILE=op.token

# --- 4. control characters: removed from imported text with a warning; never shown raw ---
credit generate sample --dept $DEPT --rows 3 --seed 5 | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
h = rows[0]
rows[1][h.index("行政相对人名称")] = "北京\0控制字符测试有限公司"
rows[2][h.index("行政相对人名称")] = "北京\u202e司公限有试测向双"
rows[3][h.index("违法事实")] = "事实\x1b[31m红色\x1b[0m"
csv.writer(open("controls.csv", "w", newline="")).writerows(rows)'
run credit import controls.csv --kind penalty
expect_rc 0 "a file with control characters imports"
expect_err "warning: controls.csv:2:[0-9]+ \(行政相对人名称\): .*1 control character removed \(first U\+0000 at character 3\)" \
  "the NUL is a warning naming file, line and column"
expect_err "controls.csv:3:[0-9]+ \(行政相对人名称\): .*U\+202E" "the bidi override is a warning"
expect_err "controls.csv:4:[0-9]+ \(违法事实\): .*2 control characters removed" "ESC is a warning"
grep -q $'\x1b' <<<"$ERR" && fail "the warning does not echo ESC raw" || pass
grep -qP '\x00' <(printf '%s' "$ERR") && fail "the warning does not echo NUL raw" || pass
sqlite3 s.db .dump >dump.sql
LC_ALL=C grep -qP '\x1b|\xe2\x80\xae' dump.sql && fail "no ESC or U+202E is stored" || pass
expect_eq "$(sqlite3 s.db "select count(*) from records where instr(subject_name, char(0)) > 0")" 0 \
  "no NUL is stored in a name"
run credit query --name 控制字符测试 --purpose 核查 --count
expect_out "^1 records" "the company whose name held a NUL is found by its name"
# A value stored before this check (or by another tool) is escaped in the table output.
ID=$(sqlite3 s.db "select id from records order by id limit 1")
BAD="'A' || char(27) || '[2J' || char(8238) || 'B' || char(10) || 'C'"
sqlite3 s.db "update records set subject_name = $BAD, data = json_set(data, '$.CF_XDR_MC', $BAD) where id = $ID"
run credit record show $ID --purpose 核查
expect_rc 0 "record show of a value with control characters"
grep -q $'\x1b' <<<"$OUT" && fail "no raw ESC in the table output" || pass
grep -q $'\u202e' <<<"$OUT" && fail "no raw U+202E in the table output" || pass
expect_out 'A\\x1B\[2J\\u202EB C' "they are shown escaped, the line break as a space"
run credit query --uscc "$(sqlite3 s.db "select uscc from records where id = $ID")" --purpose 核查
grep -q $'\x1b' <<<"$OUT" && fail "no raw ESC in a query table" || pass

# the access log of credit serve: a decoded %0A cannot forge a line, ESC never reaches it
test_certificate server
SERVER_PID=
trap '[[ -n $SERVER_PID ]] && kill $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
"$CREDIT_BIN" --store s.db serve --listen 127.0.0.1:0 --cert server.pem --key server.key 2>serve.log &
SERVER_PID=$!
PORT=
for _ in $(seq 200); do
  PORT=$(grep -o 'listening on https://127\.0\.0\.1:[0-9]*' serve.log | grep -o '[0-9]*$')
  [[ -n $PORT ]] && break
  sleep 0.05
done
[[ -n $PORT ]] && pass || fail "credit serve started"
curl -sk -o /dev/null "https://127.0.0.1:$PORT/x%0A2026-01-01T00:00:00Z%20forged%20200%20ok"
curl -sk -o /dev/null "https://127.0.0.1:$PORT/y%1B%5B2J%E2%80%AE"
for _ in $(seq 100); do grep -q '/y' serve.log && break; sleep 0.05; done
grep -q '^2026-01-01T00:00:00Z forged' serve.log && fail "no forged access-log line" || pass
grep -q '/x\\x0A2026-01-01T00:00:00Z forged' serve.log && pass || fail "the LF is shown escaped"
grep -q $'\x1b' serve.log && fail "no raw ESC in the access log" || pass
grep -q '/y\\x1B\[2J\\u202E' serve.log && pass || fail "ESC and U+202E shown escaped"
kill $SERVER_PID && wait $SERVER_PID
SERVER_PID=

# --- 6. clear errors: a failed write on standard output exits non-zero with a message ---
OUT= RC=0
"$CREDIT_BIN" query --name 控制字符测试 --purpose 核查 --format json >/dev/full 2>full.err || RC=$?
ERR=$(cat full.err)
expect_rc 1 "a full disk under standard output is an error (exit 1)"
expect_err "error: writing standard output failed: No space left on device" "it says what failed"
grep -q "internal error" <<<"$ERR" && fail "not an internal error" || pass
# A file whose name is not UTF-8 (GBK bytes of 政府.csv, from a Windows share) imports; messages
# show the name escaped.
GBK_NAME=$(printf '\xd5\xfe\xb8\xae.csv')
credit generate sample --dept $DEPT --rows 2 --seed 9 >"$GBK_NAME"
run credit import "$GBK_NAME" --kind penalty --format json
expect_rc 0 "a GBK-named file imports"
grep -q "internal error" <<<"$ERR" && fail "no internal error" || pass
expect_eq "$(json_get .accepted <<<"$OUT")" 2 "its rows are accepted"
grep -qF '\\xD5\\xFE\\xB8\\xAE.csv' <<<"$OUT" && pass || fail "the result names the file escaped"
# audit export of a damaged entry: exit 9 naming it, not "internal error" (on a copy of the store)
sqlite3 s.db ".backup damaged.db" && chmod 600 damaged.db
sqlite3 damaged.db "drop trigger audit_log_no_update;
  update audit_log set reason = CAST(X'D5FE' AS TEXT) where seq = 3"
run credit --store damaged.db audit export --out damaged.ndjson --token-file aud.token
expect_rc 9 "audit export of a damaged entry exits 9"
expect_err 'audit entry 3 is damaged: its reason is not valid UTF-8 \(.\\xD5\\xFE.\)' "it names the entry"
grep -q "internal error" <<<"$ERR" && fail "not an internal error" || pass
[[ -e damaged.ndjson ]] && fail "no partial export file is left" || pass
# A reader that went away: quiet exit 141, as with SIGPIPE (also when SIGPIPE is ignored).
python3 - "$CREDIT_BIN" >pipe.txt <<'PY'
import os, signal, subprocess, sys
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "whoami"], stdout=w,
                   stderr=subprocess.PIPE, restore_signals=False)
print(p.returncode, p.stderr.decode().strip() or "-")
PY
expect_eq "$(cat pipe.txt)" "141 -" "a closed pipe with SIGPIPE ignored: exit 141, no message"

# --- 7. crash leftovers: the next run removes what a killed one left, never what a live one writes ---
# A writer holds a lock on its temporary while it lives; a killed one's lock is gone.
printf 'half an export' >q.ndjson.tmp-Ab3xYz
printf 'being written' >q.ndjson.tmp-Live01
flock q.ndjson.tmp-Live01 sleep 60 &
holder=$!
for _ in $(seq 1 50); do flock -n q.ndjson.tmp-Live01 true || break; sleep 0.1; done
run credit audit export --out q.ndjson --token-file aud.token
expect_rc 0 "an export beside leftovers"
[[ ! -e q.ndjson.tmp-Ab3xYz ]] && pass || fail "a killed export's temporary is removed by the next"
[[ -e q.ndjson.tmp-Live01 ]] && pass || fail "a concurrent export's temporary is kept"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
run credit audit verify --export q.ndjson --token-file aud.token
expect_rc 0 "the export verifies against its manifest"
mkdir -p rel/.release.tmp-Ab3xYz && printf 'half a release' >rel/.release.tmp-Ab3xYz/upserts.ndjson
run credit publish --out rel --token-file pub.token
expect_rc 0 "a release beside a killed one's directory"
[[ ! -e rel/.release.tmp-Ab3xYz ]] && pass || fail "a killed publish's directory is removed"
ls -a rel | grep -q '^\.release\.tmp-' && fail "no temporary is left by a finished publish" || pass

# --- 8. a token an administrator issued for another account is marked until its owner rotates it ---
credit user token op --token-file admin.token --token-out op-by-admin.token
run credit user list --token-file admin.token --format json
expect_eq "$(python3 -c 'import json,sys; print([u["token_issued_by"] for u in json.load(sys.stdin) if u["name"] == "op"][0])' <<<"$OUT")" \
  admin "user list: op's token was issued by admin"
run credit user list --token-file admin.token
expect_out "TOKEN ISSUED BY" "the table has the column"
run credit query --name 控制字符测试 --purpose 核查 --count --token-file op-by-admin.token
expect_rc 0 "op works with the token the administrator issued"
LAST=$(sqlite3 s.db "select actor || ' ' || params from audit_log order by seq desc limit 1")
[[ $LAST == op*'"token_issued_by":"admin"'* ]] && pass || fail "the audit entry is marked ($LAST)"
run credit report activity --format json --token-file admin.token
expect_rc 0 "report activity"
ROWS=$(python3 -c '
import json, sys
doc = json.load(sys.stdin)
s = [s for s in doc["sections"] if s["id"] == "admin_issued_tokens"][0]
print(" ".join(r["actor"] + ":" + r["issued_by"] for r in s["rows"]))' <<<"$OUT")
[[ $ROWS == *op:admin* ]] && pass || fail "report activity shows op's operations with admin's token ($ROWS)"
credit user token --token-file op-by-admin.token --token-out op-own.token
run credit user list --token-file admin.token --format json
expect_eq "$(python3 -c 'import json,sys; print([u["token_issued_by"] for u in json.load(sys.stdin) if u["name"] == "op"][0])' <<<"$OUT")" \
  None "after op rotated it, the mark is gone"
run credit query --name 控制字符测试 --purpose 核查 --count --token-file op-own.token
LAST=$(sqlite3 s.db "select params from audit_log order by seq desc limit 1")
[[ $LAST == *token_issued_by* ]] && fail "entries with the owner's own token are not marked ($LAST)" || pass
export CREDIT_TOKEN_FILE=op-own.token

# --- 9. bounds on policy input: standing authorisations at most the profile's maximum ---
run credit import authorize --kind license --until 2099-12-31 --token-file rev.token
expect_rc 3 "a standing authorisation until 2099 is refused"
expect_err "--until 2099-12-31 is longer than the longest standing authorisation: 366 days, until 2027-05-07 \(national-2026/platform.authorization_max\)" \
  "the error names the value, the bound and the rule"
expect_err "give --until 2027-05-07 or earlier" "and what to do"
run credit import authorize --kind license --until 2027-05-07 --token-file rev.token
expect_rc 0 "exactly the maximum is accepted"

# --- 9. bounds on policy input: a calendar declaring an implausible number of days off ---
python3 -c '
import datetime, json
d = datetime.date(2027, 1, 1)
off = [str(d + datetime.timedelta(days=i)) for i in range(60)]
json.dump({"year": 2027, "holidays": [{"name": "假期", "off": off, "work": []}]}, open("long.json", "w"))'
run credit calendar load long.json --token-file admin.token
expect_rc 3 "a calendar with 60 days off in a row is refused"
expect_err "long.json: holidays: declares more than 30 weekdays off in 2027 \(the 31th is 2027-02-12\)" \
  "the error names file, place, count and the day past the bound"
run credit calendar show 2027 --format json --token-file admin.token
expect_eq "$(json_get .has_data <<<"$OUT")" "false" "nothing was stored"

# --- 10. audit verify shows the entries after the newest checkpoint and warns when it is old ---
run credit audit verify --token-file aud.token --format json
expect_rc 0 "audit verify without any checkpoint"
expect_eq "$(json_get .since_checkpoint.checkpoint_seq <<<"$OUT")" null "no checkpoint yet"
expect_eq "$(json_get .since_checkpoint.overdue <<<"$OUT")" false "a new store is not overdue"
grep -q warning <<<"$ERR" && fail "no warning on a store's first day" || pass
CREDIT_NOW=2026-05-14T10:00:00+08:00 run credit audit verify --token-file aud.token --format json
expect_eq "$(json_get .since_checkpoint.overdue <<<"$OUT")" true "overdue once the first entry is older than the interval"
expect_err "warning: [0-9]+ entries follow the newest checkpoint \(there is none, and the first entry is\), older than 7 days \(national-2026/platform.checkpoint_interval\)" \
  "a warning says so"
run credit audit checkpoint --token-file aud.token -q
expect_rc 0 "sign a checkpoint"
credit import authorize --revoke 1 --token-file rev.token -q  # one more entry after it
run credit audit verify --token-file aud.token
expect_rc 0 "audit verify after a checkpoint"
expect_out "^2 entries after the newest checkpoint \(entry [0-9]+, 2026-05-06" \
  "the table says how many entries follow it (its own entry and the revocation)"
grep -q warning <<<"$ERR" && fail "no warning with a fresh checkpoint" || pass
CREDIT_NOW=2026-05-14T10:00:00+08:00 run credit audit verify --token-file aud.token --format json
expect_rc 0 "a stale checkpoint is a warning, not a failure"
expect_eq "$(json_get .since_checkpoint.overdue <<<"$OUT")" true "eight days later it is overdue"
expect_err "warning: [0-9]+ entries follow the newest checkpoint \(entry [0-9]+, 2026-05-06.*\), older than 7 days" \
  "the warning names the checkpoint and the interval"
grep -q "credit audit checkpoint" "$CREDIT_SOURCE_DIR/share/systemd/credit-audit-checkpoint.service" &&
  grep -q "OnCalendar=" "$CREDIT_SOURCE_DIR/share/systemd/credit-audit-checkpoint.timer" && pass ||
  fail "a systemd service and timer run audit checkpoint"

finish
