#!/usr/bin/env bash
# Hardening (issue 20): what an attacker, a typo or a crash found. Each section reproduces one
# finding of the red-team run against the real binary and checks it is fixed.
source "$(dirname "$0")/lib.sh"
DEPT=91110000600037341L
export CREDIT_NOW=2026-05-06T10:00:00+08:00
mode_of() { stat -c %a "$1"; }

# --- 1. the store is private: created 0600 whatever the umask; a readable one is refused ---
umask 022  # the usual umask, under which sqlite3 and cp make 0644 files
mkdir -m 700 priv
new_store priv/s.db admin.token
expect_eq "$(mode_of priv/s.db)" 600 "init creates the store 0600 under umask 022"
add_user priv/s.db admin.token op1 operator $DEPT
add_user priv/s.db admin.token aud1 auditor
for f in priv/s.db priv/s.db-wal priv/s.db-shm; do
  [[ -e $f ]] && expect_eq "$(mode_of $f)" 600 "$f stays 0600 after a write"
done
chmod 644 priv/s.db
run credit --store priv/s.db whoami --token-file admin.token
expect_rc 8 "a store others can read is refused"
expect_err "store file 'priv/s.db' is accessible by others \(mode 0644\)" "names the store and mode"
expect_err "chmod 600" "says how to fix it"
chmod 640 priv/s.db
run credit --store priv/s.db whoami --token-file admin.token
expect_rc 0 "a store its group may read (0640) is accepted"
chmod 600 priv/s.db
mkdir -m 777 open
run credit --store open/s.db init
expect_rc 8 "init refuses a directory every user may write"
expect_err "writable by every user" "says why"
[[ ! -e open/s.db ]] && pass || fail "nothing was created in the open directory"
chmod 1777 open
run credit --store open/s.db init
expect_rc 0 "a sticky directory (like /tmp) is fine"

# a --config file that holds a token is a password file
printf 'token = "%s"\n' "$(cat admin.token)" >conf.toml
chmod 644 conf.toml
run credit --store priv/s.db --config conf.toml whoami
expect_rc 4 "a config file with a token readable by others is refused"
expect_err "config file \(it holds a token\) 'conf.toml' is accessible by others" "names it"
chmod 600 conf.toml
run credit --store priv/s.db --config conf.toml whoami --format json
expect_rc 0 "a private config file with a token works"
printf 'format = "json"\n' >plain.toml && chmod 644 plain.toml
run credit --store priv/s.db --config plain.toml whoami --token-file admin.token
expect_rc 0 "a config file without a token may be readable"

# serve --key: the TLS private key must be private too
test_certificate server
chmod 644 server.key
run timeout 10 "$CREDIT_BIN" --store priv/s.db serve --listen 127.0.0.1:0 --cert server.pem \
  --key server.key
expect_rc 3 "serve refuses a private key others can read"
expect_err "TLS private key \(--key\) 'server.key' is accessible by others" "names the key"

# --- 2. outputs never destroy inputs: --rejects/--out that resolve to an input are refused ---
export CREDIT_STORE=priv/s.db CREDIT_TOKEN_FILE=op1.token
credit generate sample --dept $DEPT --rows 6 --invalid 2 --seed 3 >in.csv
sum_of() { sha256sum "$1" | cut -c1-64; }
IN_SUM=$(sum_of in.csv) STORE_SUM=$(sum_of priv/s.db)
expect_refused() {  # expect_refused DESCRIPTION: exit 2, nothing destroyed
  expect_rc 2 "$1: refused"
  expect_err "nothing was written|not followed" "$1: says why"
  expect_eq "$(sum_of in.csv)" "$IN_SUM" "$1: the input is intact"
  expect_eq "$(sum_of priv/s.db)" "$STORE_SUM" "$1: the store is intact"
}
run credit import in.csv --kind penalty --rejects in.csv
expect_refused "--rejects the input"
expect_err "--rejects 'in.csv' is 'in.csv', which this command reads" "names both"
ln -s in.csv link.csv
run credit import link.csv --kind penalty --rejects ./in.csv
expect_refused "--rejects the input's target, through a symlink"
ln in.csv hard.csv
run credit import in.csv --kind penalty --rejects hard.csv
expect_refused "--rejects a hard link of the input"
run credit import in.csv --kind penalty --rejects priv/s.db
expect_refused "--rejects the store"
run credit import in.csv --kind penalty --rejects priv/../priv/s.db-wal
expect_refused "--rejects the store's WAL (not there yet)"
ln -s priv/s.db store-link.db
run credit import in.csv --kind penalty --rejects store-link.db
expect_refused "--rejects a symlink (to the store)"
ln -s victim.txt dangling.csv
run credit import in.csv --kind penalty --rejects dangling.csv
expect_refused "--rejects a dangling symlink"
[[ ! -e victim.txt ]] && pass || fail "the symlink's target was not created"
run credit audit export --out priv/s.db --token-file aud1.token
expect_refused "audit export --out the store"
run credit audit export --out x.ndjson --token-file aud1.token --store store-link.db
expect_rc 0 "a symlinked store is still usable"
STORE_SUM=$(sum_of priv/s.db)
run credit audit export --out store-link.db --token-file aud1.token
expect_refused "audit export --out a link to the store"
run credit audit checkpoint --out priv/s.db-shm --token-file aud1.token
expect_refused "audit checkpoint --out the store's -shm"
run credit report summary --out priv/s.db --token-file admin.token
expect_refused "report --out the store"
run credit import in.csv --kind penalty --rejects rejects.csv --skip-invalid
expect_rc 0 "an ordinary --rejects path still works"
[[ -s rejects.csv ]] && pass || fail "the rejects file was written"

# --- 3. no formula injection: CSV cells a spreadsheet would run are guarded; re-import undoes it ---
credit generate sample --dept $DEPT --rows 2 --seed 3 | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
h = rows[0]
rows[2][h.index("违法事实")] = "=1+2 formula"
rows[2][h.index("备注")] = "@SUM(9)"
rows[2][h.index("处罚内容")] = "-5"
rows[2][h.index("处罚决定日期")] = "2025-13-45"
csv.writer(open("formula.csv", "w", newline="")).writerows(rows)'
run credit import formula.csv --kind penalty --rejects formula-rejects.csv
expect_rc 3 "the row with a bad date is rejected"
grep -q "'=1+2 formula" formula-rejects.csv && pass || fail "= gets an apostrophe in the rejects file"
grep -q "'@SUM(9)" formula-rejects.csv && pass || fail "@ gets an apostrophe in the rejects file"
grep -q ",-5," formula-rejects.csv && pass || fail "a negative number stays a number"
sed -i 's/2025-13-45/2025-09-27/' formula-rejects.csv
run credit import formula-rejects.csv --kind penalty --format json
expect_rc 0 "the corrected rejects file imports"
expect_eq "$(json_get .accepted <<<"$OUT")" 1 "its row is accepted"
DUMP=$(sqlite3 priv/s.db .dump)
grep -q "=1+2 formula" <<<"$DUMP" && pass || fail "the value is stored"
grep -q "'''=1+2\|\"'=1+2" <<<"$DUMP" && fail "the guard apostrophe was stored" || pass
add_user priv/s.db admin.token rev1 reviewer $DEPT
run credit import reject "$(sqlite3 priv/s.db "select max(id) from import_batches")" \
  --reason "=HYPERLINK(1)" --token-file rev1.token
expect_rc 0 "a reviewer rejects the batch with a formula as the reason"
run credit audit export --format csv --out audit.csv --token-file aud1.token
expect_rc 0 "audit export as CSV"
grep -q "'=HYPERLINK(1)" audit.csv && pass || fail "the reason is guarded in the CSV export"
run credit audit verify --export audit.csv --token-file aud1.token
expect_rc 0 "a guarded CSV export verifies"

# --- 8. tokens: an explicit --token-file or --token wins over CREDIT_TOKEN; --token warns ---
run env CREDIT_TOKEN="$(cat admin.token)" "$CREDIT_BIN" --store priv/s.db whoami --token-file op1.token --format json
expect_eq "$(json_get .user <<<"$OUT")" op1 "--token-file wins over CREDIT_TOKEN"
run env CREDIT_TOKEN_FILE=admin.token "$CREDIT_BIN" --store priv/s.db whoami --token "$(cat op1.token)" --format json
expect_eq "$(json_get .user <<<"$OUT")" op1 "--token wins over CREDIT_TOKEN_FILE"
expect_err "--token on the command line is visible to other users" "--token warns"
run env CREDIT_TOKEN="$(cat op1.token)" "$CREDIT_BIN" --store priv/s.db whoami --format json
expect_eq "$(json_get .user <<<"$OUT")" op1 "CREDIT_TOKEN alone still works"
grep -q "visible to other users" <<<"$ERR" && fail "CREDIT_TOKEN does not warn" || pass
# --token-out: the token goes to a new 0600 file, never overwriting one, never through a terminal
run credit --store tok.db init --token-out tok-admin.token
expect_rc 0 "init --token-out"
expect_eq "$(mode_of tok-admin.token)" 600 "the token file is 0600 under umask 022"
grep -q "credit_" <<<"$OUT$ERR" && fail "the token is not shown" || pass
run credit --store tok.db whoami --token-file tok-admin.token --format json
expect_eq "$(json_get .user <<<"$OUT")" admin "the written token works"
run credit --store tok.db user add v1 --role viewer --token-file tok-admin.token --token-out tok-admin.token
expect_rc 7 "--token-out never overwrites"
expect_eq "$(mode_of tok-admin.token)" 600 "the existing file is untouched"
run credit --store tok.db user list --token-file tok-admin.token --format json
grep -q '"v1"' <<<"$OUT" && fail "no account was created when the file exists" || pass
run credit --store tok.db user add v1 --role viewer --token-file tok-admin.token --token-out v1.token
expect_rc 0 "user add --token-out"
run credit --store tok.db user token --token-file v1.token --token-out v1-new.token
expect_rc 0 "user token --token-out"
run credit --store tok.db whoami --token-file v1-new.token --format json
expect_eq "$(json_get .user <<<"$OUT")" v1 "the rotated token works"

finish
