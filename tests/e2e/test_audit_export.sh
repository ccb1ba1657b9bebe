#!/usr/bin/env bash
# Audit export, signed checkpoints and verification — of the store and, offline, of exports —
# against tampering with the sqlite3 shell, sed and python.
source "$(dirname "$0")/lib.sh"
DEPT=91110000600037341L

new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token aud1 auditor
add_user s.db admin.token op1 operator $DEPT
add_user s.db admin.token view1 viewer
export CREDIT_TOKEN_FILE=aud1.token
now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
count_lines() { grep -c . "$1" || true; }
ndjson_field() {  # ndjson_field FIELD < file: one value per line
  python3 -c 'import json,sys; [print(json.loads(l)[sys.argv[1]]) for l in sys.stdin if l.strip()]' "$1"
}

# --- who may export ---
run credit audit export --token-file view1.token
expect_rc 5 "a viewer may not export the log"
run credit audit export --token-file admin.token
expect_rc 5 "an admin may not export the log"
run credit audit checkpoint --token-file admin.token
expect_rc 5 "an admin may not sign checkpoints"

# --- NDJSON to stdout: every field the chain needs, exactly as stored ---
run credit audit export
expect_rc 0 "export to stdout"
N=$(sqlite3 s.db "select count(*) from audit_log")
expect_eq "$(grep -c . <<<"$OUT")" "$N" "every entry, including the export's own"
expect_eq "$(tail -1 <<<"$OUT" | json_get .action)" "audit.export" "the export's own entry comes last"
python3 - "$OUT" <<'PY' && pass || fail "exported lines carry all 13 columns, targets and params as stored text"
import json, sys
cols = ["seq","ts_utc","ts_sim","actor","role","dept","action","targets","params","outcome","reason","prev_hash","hash"]
for line in sys.argv[1].splitlines():
    row = json.loads(line)
    assert list(row) == cols, list(row)
    assert isinstance(row["targets"], str) and isinstance(row["params"], str)
PY
STORED=$(sqlite3 s.db "select hash from audit_log where seq=3")
expect_eq "$(sed -n 3p <<<"$OUT" | json_get .hash)" "$STORED" "hashes are the stored ones"

# --- the export is audited, with its filters ---
run credit audit export --action user.add --since 2020-01-01
PARAMS=$(sqlite3 s.db "select params from audit_log where action='audit.export' order by seq desc limit 1")
expect_eq "$(json_get .filters.action <<<"$PARAMS")" "user.add" "the export's entry names its action filter"
expect_eq "$(json_get .filters.since_utc <<<"$PARAMS")" "2019-12-31T16:00:00.000000+00:00" "--since DATE is China midnight"

# --- filters, each able to fail ---
run credit audit export --actor op1
expect_eq "$OUT" "" "op1 did nothing yet"
run credit whoami --token-file op1.token
run credit audit export --actor op1
expect_eq "$(ndjson_field actor <<<"$OUT" | sort -u)" "op1" "--actor keeps only op1"
expect_eq "$(grep -c . <<<"$OUT")" "1" "--actor: op1's one entry"
run credit audit export --action user.add
expect_eq "$(ndjson_field action <<<"$OUT" | sort -u)" "user.add" "--action exact"
expect_eq "$(grep -c . <<<"$OUT")" "3" "three accounts were added"
run credit user disable view1 --token-file admin.token
run credit audit export --action 'user.*'
expect_eq "$(ndjson_field action <<<"$OUT" | sort -u | tr '\n' ' ')" "user.add user.disable " "--action prefix"
run credit audit export --target user:view1
expect_eq "$(ndjson_field seq <<<"$OUT" | wc -l)" "2" "--target: the add and the disable of view1"
run credit audit export --target user:view
expect_eq "$OUT" "" "--target is exact without '*'"
BEFORE=$(now)
run credit user enable view1 --token-file admin.token
AFTER=$(now)
run credit user add late --role viewer --token-file admin.token
run credit audit export --since "$BEFORE" --until "$AFTER"
expect_eq "$(ndjson_field action <<<"$OUT")" "user.enable" "--since/--until select exactly the entry between them"
run credit audit export --since "$AFTER" --action 'user.*'
expect_eq "$(ndjson_field action <<<"$OUT")" "user.add" "--since excludes what came before"
run credit audit export --until "$BEFORE" --action user.enable
expect_eq "$OUT" "" "--until excludes what came after"
run credit audit export --since tomorrow
expect_rc 3 "a bad --since is bad input"
expect_err "not a date or a timestamp" "the message says what is wrong"
expect_eq "$(sqlite3 s.db "select outcome from audit_log order by seq desc limit 1")" "failed" "the refused export is audited as failed"

# --- --out: file and manifest ---
run credit audit export --out all.ndjson
expect_rc 0 "export to a file"
expect_out "exported [0-9]+ entries" "the summary"
[[ -f all.ndjson.manifest.json ]] && pass || fail "the manifest is beside the export"
M=$(cat all.ndjson.manifest.json)
expect_eq "$(json_get .sha256 <<<"$M")" "$(sha256sum all.ndjson | cut -d' ' -f1)" "the manifest's digest is the file's"
expect_eq "$(json_get .entries <<<"$M")" "$(count_lines all.ndjson)" "the manifest's count"
expect_eq "$(json_get .contiguous <<<"$M")" "true" "a whole export is contiguous"
expect_eq "$(json_get .last_seq <<<"$M")" "$(json_get .export_entry_seq <<<"$M")" "the export ends with its own entry"
expect_eq "$(json_get .store_head.seq <<<"$M")" "$(json_get .last_seq <<<"$M")" "the store head at export time"
expect_eq "$(json_get .exported_by <<<"$M")" "aud1" "who exported"
ls all.ndjson.tmp-* >/dev/null 2>&1 && fail "a temporary file was left" || pass
run env -u CREDIT_STORE -u CREDIT_TOKEN_FILE "$CREDIT_BIN" audit verify --export all.ndjson
expect_rc 0 "offline verify needs no store and no token"
expect_out "^$(json_get .entries <<<"$M")/$(json_get .entries <<<"$M") entries valid" "N/N entries valid"

# Filtered exports say they are not contiguous and still verify, by runs.
run credit audit export --actor admin --out admin.ndjson
expect_eq "$(json_get .contiguous <all.ndjson.manifest.json)" "true" "(unchanged)"
expect_eq "$(json_get .contiguous <admin.ndjson.manifest.json)" "false" "a filtered export is not contiguous"
run credit audit verify --export admin.ndjson
expect_rc 0 "a filtered export verifies"

# --- CSV and JSON parse back and verify ---
run credit audit export --format csv --out all.csv
run credit audit export --format json --out all.json
python3 - <<'PY' && pass || fail "CSV and JSON exports parse back with the same entries"
import csv, json
rows = list(csv.DictReader(open("all.csv", newline="", encoding="utf-8")))
arr = json.load(open("all.json", encoding="utf-8"))
nd = [json.loads(l) for l in open("all.ndjson", encoding="utf-8")]
assert len(rows) == len(nd) + 2 and len(arr) == len(nd) + 3  # two more exports came between
for a, b, c in zip(nd, arr, rows):
    assert a == b, (a, b)
    assert c["hash"] == a["hash"] and c["params"] == a["params"] and c["seq"] == str(a["seq"])
    assert (c["ts_sim"] or None) == a["ts_sim"]
PY
run credit audit verify --export all.csv
expect_rc 0 "a CSV export verifies"
run credit audit verify --export all.json
expect_rc 0 "a JSON export verifies"

# --- tampering with an export ---
cp all.ndjson pristine.ndjson
cp all.ndjson.manifest.json pristine.manifest
restore() { cp pristine.ndjson all.ndjson; cp pristine.manifest all.ndjson.manifest.json; }
sed -i '4s/"actor":"admin"/"actor":"adm1n"/' all.ndjson
run credit audit verify --export all.ndjson
expect_rc 9 "an edited field"
expect_err "broken at entry 4" "the edited entry is named"
restore
sed -i '5d' all.ndjson
run credit audit verify --export all.ndjson
expect_rc 9 "a deleted line"
expect_err "entry 5" "the deleted entry is named"
restore
python3 -c 'import sys; l=open("all.ndjson").readlines(); l[2],l[6]=l[6],l[2]; open("all.ndjson","w").writelines(l)'
run credit audit verify --export all.ndjson
expect_rc 9 "two lines swapped"
expect_err "entry 3" "the first displaced entry is named"
restore
head -n -2 pristine.ndjson >all.ndjson
run credit audit verify --export all.ndjson
expect_rc 9 "the tail cut off"
expect_err "missing" "truncation is reported as missing entries"
restore
python3 -c 'import json; m=json.load(open("all.ndjson.manifest.json")); m["sha256"]="0"*64; json.dump(m, open("all.ndjson.manifest.json","w"))'
run credit audit verify --export all.ndjson
expect_rc 9 "a changed manifest digest"
expect_err "SHA-256" "the digest mismatch is named"
restore
sed -i '2s/store.init/store.inix/' all.csv
run credit audit verify --export all.csv
expect_rc 9 "an edited CSV field"

# --- checkpoints ---
run credit audit key --out key.pem
expect_rc 0 "export the public key"
grep -q "BEGIN PUBLIC KEY" key.pem && pass || fail "the key is PEM"
openssl pkey -pubin -in key.pem -noout -text 2>/dev/null | grep -q ED25519 && pass || fail "openssl reads an Ed25519 key"
CREDIT_NOW=2026-04-01T09:00:00+08:00 run credit audit checkpoint --out cp.json
expect_rc 0 "sign a checkpoint"
CP_SEQ=$(json_get .seq <cp.json)
expect_eq "$(json_get .simulated_at <cp.json)" "2026-04-01T01:00:00.000000+00:00" "the simulated time is in the checkpoint"
expect_eq "$(json_get .head_hash <cp.json)" "$(sqlite3 s.db "select hash from audit_log where seq=$CP_SEQ")" "it signs the head"
expect_eq "$(json_get .store_id <cp.json)" "$(sqlite3 s.db "select value from settings where key='store.id'")" "it names the store"
sqlite3 s.db "select value from settings where key='audit.signing_key'" | grep -q "PRIVATE KEY" && pass || fail "the private key is in the store's settings"
grep -q "PRIVATE" cp.json key.pem && fail "a private key left the store" || pass
run credit audit verify --checkpoint cp.json --key key.pem
expect_rc 0 "the store matches its checkpoint"
expect_out "signature valid" "the signature is reported"
run credit audit export --out later.ndjson
run credit audit verify --export later.ndjson --checkpoint cp.json --key key.pem
expect_rc 0 "an export matches the checkpoint, offline"
run credit audit verify --export later.ndjson --checkpoint cp.json
expect_rc 0 "without --key the embedded key is used"
expect_err "pass --key" "with a note saying what that proves"

openssl genpkey -algorithm ed25519 -out other.key 2>/dev/null && openssl pkey -in other.key -pubout -out other.pem 2>/dev/null
run credit audit verify --export later.ndjson --checkpoint cp.json --key other.pem
expect_rc 9 "a checkpoint checked with the wrong key"
expect_err "not with the given key" "the key mismatch is named"
python3 -c 'import json; c=json.load(open("cp.json")); c["seq"]-=1; json.dump(c, open("forged.json","w"))'
run credit audit verify --checkpoint forged.json --key key.pem
expect_rc 9 "an edited checkpoint"
expect_err "edited or forged" "the forged signature is named"
python3 -c 'import json; c=json.load(open("cp.json")); c["head_hash"]="f"*64; json.dump(c, open("forged2.json","w"))'
run credit audit verify --export later.ndjson --checkpoint forged2.json --key key.pem
expect_rc 9 "an edited checkpoint, offline"
run credit audit verify --export all.ndjson --checkpoint cp.json --key key.pem
expect_rc 9 "an export that ends before the checkpoint"
expect_err "missing" "its missing newest entries are named"

# --- tampering with the store through the sqlite3 shell ---
sqlite3 s.db ".backup pristine.db" && chmod 600 pristine.db  # a consistent, private copy
restore_store() { rm -f s.db-wal s.db-shm; cp pristine.db s.db; }
sqlite3 s.db "drop trigger audit_log_no_update; update audit_log set reason='nothing happened' where seq=6"
run credit audit verify
expect_rc 9 "an edited entry in the store"
expect_err "broken at entry 6" "the edited store entry is named"
restore_store
sqlite3 s.db "drop trigger audit_log_no_update; update audit_log set seq=-1 where seq=4; update audit_log set seq=4 where seq=5; update audit_log set seq=5 where seq=-1"
run credit audit verify
expect_rc 9 "reordered entries in the store"
expect_err "broken at entry 4" "the first reordered entry is named"
restore_store
# Truncation after the checkpoint, covering its tracks: the newest entries, the recorded head and
# the recorded checkpoints all removed. The chain alone looks whole; the kept checkpoint does not.
KEEP=$((CP_SEQ - 2))
sqlite3 s.db "drop trigger audit_log_no_delete; drop trigger audit_checkpoints_no_delete;
  delete from audit_log where seq > $KEEP; delete from audit_checkpoints;
  update settings set value = '$KEEP ' || (select hash from audit_log where seq = $KEEP) where key = 'audit.head'"
run credit audit verify --checkpoint cp.json --key key.pem
expect_rc 9 "truncation after a checkpoint"
expect_err "broken at entry $((KEEP + 1))" "the first missing entry is named"
run credit audit verify
expect_rc 0 "(without the checkpoint the truncated log looks whole)"
restore_store
sqlite3 s.db "drop trigger audit_log_no_delete; delete from audit_log where seq > $((CP_SEQ + 1));
  update settings set value = '$((CP_SEQ + 1)) ' || (select hash from audit_log where seq = $((CP_SEQ + 1))) where key = 'audit.head'"
run credit audit verify
expect_rc 0 "entries after the last checkpoint can go unnoticed ..."
run credit audit checkpoint --out cp2.json
expect_rc 0 "... which is why checkpoints are taken often"
restore_store
# (the check starts at the last recorded checkpoint: older entries stay covered by it)
sqlite3 s.db "drop trigger audit_log_no_update; update audit_log set outcome='denied' where seq=$((CP_SEQ + 1))"
run credit audit checkpoint --out never.json
expect_rc 9 "no checkpoint of a broken log"
[[ -f never.json ]] && fail "a checkpoint file was written for a broken log" || pass
restore_store

finish
