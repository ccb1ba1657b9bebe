#!/usr/bin/env bash
# The foundation: init, accounts, tokens, exit codes, the audit chain against a tampering sqlite3.
source "$(dirname "$0")/lib.sh"
DEPT=91110000600037341L

# --- init ---
run credit --store s.db init --format json
expect_rc 0 "init"
expect_eq "$(json_get .user <<<"$OUT")" "admin" "init JSON user"
TOKEN=$(json_get .token <<<"$OUT")
[[ "$TOKEN" =~ ^credit_1_[A-Za-z0-9_-]{43}$ ]] && pass || fail "token format: $TOKEN"
printf '%s\n' "$TOKEN" >admin.token && chmod 600 admin.token
[[ -z "$(sqlite3 s.db "select 1 from users where token_hash like '%${TOKEN: -20}%'")" ]] && pass || fail "token stored in clear"
expect_eq "$(sqlite3 s.db 'pragma journal_mode')" "wal" "WAL mode"

run credit --store s.db init
expect_rc 7 "init refuses an existing store"
expect_err "already exists" "init refusal message"

export CREDIT_STORE=s.db
run credit init
expect_rc 7 "CREDIT_STORE is honoured by init"

# --- accounts ---
export CREDIT_TOKEN_FILE=admin.token
add_user s.db admin.token op1 operator $DEPT
add_user s.db admin.token rev1 reviewer $DEPT
add_user s.db admin.token aud1 auditor
add_user s.db admin.token view1 viewer
run credit user add op2 --role operator
expect_rc 3 "operator without --dept"
run credit user add op2 --role operator --dept 91110000600037341X
expect_rc 3 "invalid department code"
expect_err "check" "the message names the failed check"
run credit user add op1 --role viewer
expect_rc 7 "duplicate user"
run credit user add 'bad name' --role viewer
expect_rc 3 "bad user name"
run credit user add x --role king
expect_rc 2 "unknown role is a usage error"

run credit user list --format json
expect_rc 0 "user list"
expect_eq "$(json_get .1.role <<<"$OUT")" "auditor" "user list JSON (sorted by name)"
run credit user list --format csv
expect_out "^name,role,dept,status" "user list CSV header"
run credit user list
expect_out "op1 +operator +$DEPT +active" "user list table"

# --- authentication and permission exit codes ---
unset CREDIT_TOKEN_FILE
run credit whoami
expect_rc 4 "no token"
expect_err "no token" "missing token message"
run credit whoami --token "credit_2_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect_rc 4 "wrong token"
chmod 644 op1.token
run credit whoami --token-file op1.token
expect_rc 4 "world-readable token file"
expect_err "chmod 600" "token file hint"
chmod 600 op1.token
run credit whoami --token-file op1.token --format json
expect_rc 0 "whoami"
expect_eq "$(json_get .dept <<<"$OUT")" "$DEPT" "whoami department"
CREDIT_TOKEN=$(cat view1.token) run credit whoami --format json
expect_eq "$(json_get .user <<<"$OUT")" "view1" "CREDIT_TOKEN is honoured"
run credit user list --token-file view1.token
expect_rc 5 "viewer may not list users"
expect_err "user.manage" "permission message names the right"
run credit audit verify --token-file admin.token
expect_rc 5 "admin may not read the audit log"

# --- rotation and disabling ---
run credit user token op1 --token-file admin.token --format json
expect_rc 0 "rotate another's token"
NEW_OP1=$(json_get .token <<<"$OUT")
run credit whoami --token-file op1.token
expect_rc 4 "the old token stops working"
run credit whoami --token "$NEW_OP1"
expect_rc 0 "the new token works"
run credit user disable view1 --token-file admin.token
expect_rc 0 "disable"
run credit whoami --token-file view1.token
expect_rc 4 "a disabled user can do nothing"
expect_err "disabled" "disabled message"
run credit user disable admin --token-file admin.token
expect_rc 7 "the last admin cannot be disabled"

# --- every command leaves an audit entry, refusals included ---
OUTCOMES=$(sqlite3 s.db "select group_concat(distinct outcome) from (select outcome from audit_log order by outcome)")
expect_eq "$OUTCOMES" "denied,failed,ok,unauthenticated" "all outcomes are audited"
run sqlite3 s.db "select count(*) from audit_log where action='user.list' and outcome='denied' and actor='view1'"
expect_eq "$OUT" "1" "the refused user list is audited with its actor"
CREDIT_NOW=2026-03-01T10:00:00+08:00 credit whoami --token-file aud1.token >/dev/null
expect_eq "$(sqlite3 s.db "select ts_sim from audit_log order by seq desc limit 1")" "2026-03-01T02:00:00.000000+00:00" "simulated time recorded"
[[ -n "$(sqlite3 s.db "select ts_utc from audit_log order by seq desc limit 1")" ]] && pass || fail "real time recorded"
run env CREDIT_NOW=yesterday "$CREDIT_BIN" whoami --token-file aud1.token
expect_rc 2 "a bad CREDIT_NOW is a usage error"

# --- audit verify, and tampering with the sqlite3 shell ---
run credit audit verify --token-file aud1.token
expect_rc 0 "intact log verifies"
expect_out "^[0-9]+/[0-9]+ entries valid" "verify summary"
sqlite3 s.db ".backup pristine.db" && chmod 600 pristine.db  # a consistent, private copy
run sqlite3 s.db "update audit_log set actor='mallory' where seq=5"
[[ $RC != 0 ]] && pass || fail "the trigger blocks a plain update"
sqlite3 s.db "drop trigger audit_log_no_update; update audit_log set actor='mallory' where seq=5"
run credit audit verify --token-file aud1.token
expect_rc 9 "edited entry detected"
expect_err "entry 5" "names the first broken entry"
rm -f s.db s.db-wal s.db-shm; cp pristine.db s.db
sqlite3 s.db "drop trigger audit_log_no_delete; delete from audit_log where seq=7"
run credit audit verify --token-file aud1.token --format json
expect_rc 9 "deleted entry detected"
expect_eq "$(json_get .broken_seq <<<"$OUT")" "7" "deletion located"
rm -f s.db s.db-wal s.db-shm; cp pristine.db s.db
sqlite3 s.db "drop trigger audit_log_no_update; update audit_log set seq=-1 where seq=3; update audit_log set seq=3 where seq=4; update audit_log set seq=4 where seq=-1"
run credit audit verify --token-file aud1.token --format json
expect_rc 9 "reordered entries detected"
expect_eq "$(json_get .broken_seq <<<"$OUT")" "3" "reordering located"
rm -f s.db s.db-wal s.db-shm; cp pristine.db s.db
LAST=$(sqlite3 s.db "select max(seq) from audit_log")
sqlite3 s.db "drop trigger audit_log_no_delete; delete from audit_log where seq=$LAST"
run credit audit verify --token-file aud1.token --format json
expect_rc 9 "truncated log detected"
expect_eq "$(json_get .broken_seq <<<"$OUT")" "$LAST" "truncation located"

# --- store errors ---
run credit whoami --store missing.db --token-file aud1.token
expect_rc 8 "missing store"
expect_err "credit init" "missing store hint"
echo "not a database" >junk.db && chmod 600 junk.db
run credit whoami --store junk.db --token-file aud1.token
expect_rc 8 "not a store"
run credit whoami --store "" --token-file aud1.token
expect_rc 2 "no store given"
run credit frobnicate
expect_rc 2 "unknown command"

# --- migrations: an older store is refused by reads and upgraded only explicitly ---
LATEST=$(ls "$CREDIT_SOURCE_DIR"/share/migrations/*.sql | wc -l)
if ((LATEST >= 2)); then
  credit --store old.db init --schema-version 1 --format json | json_get .token >old.token
  chmod 600 old.token
  run credit --store old.db whoami --token-file old.token
  expect_rc 8 "an older store is refused"
  expect_err "credit migrate" "the refusal points to credit migrate"
  expect_eq "$(sqlite3 old.db 'pragma user_version')" "1" "a read did not migrate"
  run credit --store old.db migrate --dry-run --token-file old.token
  expect_rc 0 "migrate --dry-run"
  expect_eq "$(sqlite3 old.db 'pragma user_version')" "1" "dry run changed nothing"
  run credit --store old.db migrate --token-file old.token --format json
  expect_rc 0 "migrate"
  expect_eq "$(json_get .to <<<"$OUT")" "$LATEST" "migrated to the latest version"
  run credit --store old.db whoami --token-file old.token
  expect_rc 0 "the migrated store opens"
  run credit --store old.db migrate --token-file old.token
  expect_out "nothing to do" "migrate is idempotent"
else
  fail "expected at least two migrations to test credit migrate"
fi

# --- output conventions ---
run credit --store pristine.db whoami --token-file aud1.token --format ndjson
[[ $(wc -l <<<"$OUT") == 1 ]] && pass || fail "ndjson is one line"
run credit --store pristine.db whoami --token-file aud1.token --quiet
expect_eq "$OUT" "" "--quiet prints nothing in table format"
run credit --store pristine.db --token-file aud1.token whoami
expect_rc 0 "global options before the command"
printf 'store = "pristine.db"\nformat = "json"\n' >credit.toml
run credit --config credit.toml whoami --token-file aud1.token
expect_eq "$(json_get .role <<<"$OUT")" "auditor" "--config supplies global options"
run credit --version
expect_out "^credit [0-9]+\.[0-9]+\.[0-9]+" "--version"
expect_out "^commit +[0-9a-f]{7,}|^commit +unknown" "--version names the commit"
expect_out "^SQLite +3\." "--version names the SQLite version"
run credit --store pristine.db --token-file aud1.token --version
expect_out "^schema +[0-9]+" "--version with a store names its schema"
expect_out "^policy +national-2026 \(sha256 [0-9a-f]{64}\)" "--version with a store names its policy"
run credit --store pristine.db --token-file aud1.token --version --format json
expect_eq "$(json_get .store.policy <<<"$OUT")" "national-2026" "--version --format json"
run credit --store pristine.db --version
expect_rc 0 "--version without a token still answers"
expect_out "not read" "--version says why it could not read the store"

# --- -o is --format ---
run credit --store pristine.db whoami --token-file aud1.token -o json
expect_eq "$(json_get .role <<<"$OUT")" "auditor" "-o json"

# --- typo help, at every level of command ---
run credit imprt
expect_rc 2 "a mistyped command is a usage error"
expect_err "unknown command 'imprt' — did you mean 'import'\?" "a mistyped command names the closest"
run credit user ad x --role viewer
expect_err "unknown command 'user ad' — did you mean 'user add'\?" "a mistyped subcommand"
run credit --store pristine.db query --uscc 9111010600000006XA --fromat json
expect_rc 2 "a mistyped option is a usage error"
expect_err "unknown option '--fromat' — did you mean '--format'\?" "a mistyped option names the closest"
run credit user
expect_err "\`credit user\` needs a command: add, list" "a command group without its command"
run credit
expect_err "\`credit\` needs a command: .*import" "no command at all"

# --- configuration files: system, user, --config; unknown keys are errors ---
mkdir -p xdg/credit
printf 'format = "json"\n' >system.toml
printf 'store = "pristine.db"\n' >xdg/credit/credit.toml
run env CREDIT_SYSTEM_CONFIG=system.toml XDG_CONFIG_HOME=$PWD/xdg "$CREDIT_BIN" whoami --token-file aud1.token
expect_eq "$(json_get .role <<<"$OUT")" "auditor" "the system and the user's configuration files apply"
printf 'format = "ndjson"\n' >later.toml
run env CREDIT_SYSTEM_CONFIG=system.toml XDG_CONFIG_HOME=$PWD/xdg "$CREDIT_BIN" --config later.toml \
  whoami --token-file aud1.token
[[ $(wc -l <<<"$OUT") == 1 && $OUT == "{"* ]] && pass || fail "a later --config wins over the system file"
run env CREDIT_SYSTEM_CONFIG=system.toml XDG_CONFIG_HOME=$PWD/xdg "$CREDIT_BIN" whoami \
  --token-file aud1.token --format table
expect_out "^user +aud1" "the command line wins over configuration files"
printf 'store = "pristine.db"\nformt = "json"\n' >typo.toml
run credit --config typo.toml whoami --token-file aud1.token
expect_rc 2 "an unknown key is an error"
expect_err "typo.toml: unknown key 'formt' — did you mean 'format'\?" "the error names the file and the closest key"
printf '[imprt]\nrejects = "r.csv"\n' >section.toml
run credit --config section.toml --store pristine.db whoami --token-file aud1.token
expect_err "unknown section 'imprt' — did you mean 'import'\?" "an unknown section"
printf '[import]\nrejcts = "r.csv"\n' >subkey.toml
run credit --config subkey.toml --store pristine.db whoami --token-file aud1.token
expect_err "unknown key 'import.rejcts' — did you mean 'import.rejects'\?" "an unknown key in a section"
run env CREDIT_SYSTEM_CONFIG=typo.toml "$CREDIT_BIN" --store pristine.db whoami --token-file aud1.token
expect_err "typo.toml: unknown key 'formt'" "the system file is checked too"

finish
