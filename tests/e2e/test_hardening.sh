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

finish
