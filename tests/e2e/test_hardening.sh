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

finish
