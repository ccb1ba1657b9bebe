# Shared helpers for the end-to-end suites: each suite runs the real binary on temporary stores.
# Usage: source "$(dirname "$0")/lib.sh"
set -u
CREDIT_BIN=${CREDIT_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/credit}
CREDIT_SOURCE_DIR=${CREDIT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/credit-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
unset CREDIT_STORE CREDIT_TOKEN CREDIT_TOKEN_FILE CREDIT_NOW
# No configuration file of this machine or of the user running the tests applies.
export CREDIT_SYSTEM_CONFIG=/nonexistent XDG_CONFIG_HOME="$WORK/.config"
export NO_COLOR=1
FAILURES=0
CHECKS=0

credit() { "$CREDIT_BIN" "$@"; }

# Runs a command, capturing stdout in $OUT, stderr in $ERR and the exit status in $RC.
run() {
  OUT=$("$@" 2>"$WORK/.stderr") && RC=0 || RC=$?
  ERR=$(cat "$WORK/.stderr")
}

fail() {
  FAILURES=$((FAILURES + 1))
  echo "FAIL: $*" >&2
  echo "  stdout: ${OUT:-}" | head -20 >&2
  echo "  stderr: ${ERR:-}" | head -20 >&2
}
pass() { CHECKS=$((CHECKS + 1)); }

expect_rc() {  # expect_rc N description
  if [[ "$RC" == "$1" ]]; then pass; else fail "$2: exit $RC, expected $1"; fi
}
expect_out() {  # expect_out REGEX description
  if grep -qE -- "$1" <<<"$OUT"; then pass; else fail "$2: stdout does not match /$1/"; fi
}
expect_err() {
  if grep -qE -- "$1" <<<"$ERR"; then pass; else fail "$2: stderr does not match /$1/"; fi
}
expect_eq() {  # expect_eq ACTUAL EXPECTED description
  if [[ "$1" == "$2" ]]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}
# jq-free JSON field access with python3: json_get '.a.b' <<<"$json"
json_get() {
  python3 -c '
import json, sys
v = json.load(sys.stdin)
for part in [p for p in sys.argv[1].split(".") if p]:
    v = v[int(part)] if isinstance(v, list) else v[part]
print(v if not isinstance(v, (dict, list, bool)) and v is not None else json.dumps(v))
' "$1"
}

# audit_calls STORE: how many calls the store's audit holds: the main log's entries (a folded read
# is one) and the reads still in the side log STORE-reads (recorded while a writer held the store).
audit_calls() {
  local side=0
  [[ -e $1-reads ]] && side=$(sqlite3 "$1-reads" "select count(*) from read_log")
  echo $(($(sqlite3 "$1" "select count(*) from audit_log") + side))
}

# Creates a store at $1 and writes the admin token to $2 (mode 600).
new_store() {
  local store=$1 tokfile=$2
  credit --store "$store" init --format json | json_get .token >"$tokfile"
  chmod 600 "$tokfile"
}
# Adds a user; writes its token to $WORK/<name>.token (mode 600).
add_user() {  # add_user STORE ADMIN_TOKEN_FILE NAME ROLE [DEPT]
  local store=$1 admin=$2 name=$3 role=$4 dept=${5:-}
  local args=(--store "$store" --token-file "$admin" user add "$name" --role "$role" --format json)
  [[ -n "$dept" ]] && args+=(--dept "$dept")
  credit "${args[@]}" | json_get .token >"$WORK/$name.token"
  chmod 600 "$WORK/$name.token"
}

# The latest --until of a standing import authorisation: a year from the suite's clock (the
# shipped profiles allow 366 days, national-2026/platform.authorization_max).
authorize_until() {
  local today=${CREDIT_NOW:-$(date +%F)}
  date -d "${today:0:10} + 365 days" +%F
}

# A store s.db (CREDIT_STORE) with admin.token and a department's operator op, reviewer rev and
# publisher pub, the reviewer granting a standing penalty import authorisation.
department_store() {  # department_store DEPT
  new_store s.db admin.token
  export CREDIT_STORE=s.db
  add_user s.db admin.token op operator "$1"
  add_user s.db admin.token rev reviewer "$1"
  add_user s.db admin.token pub publisher
  credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
}

finish() {
  if ((FAILURES > 0)); then
    echo "$(basename "$0"): $FAILURES of $((CHECKS + FAILURES)) checks failed" >&2
    exit 1
  fi
  echo "$(basename "$0"): all $CHECKS checks passed"
}

# start_server STORE [OPTION…]: credit serve on 127.0.0.1 with server.pem/server.key
# (test_certificate server); port 0 lets it pick a free port, which it prints. Sets URL and
# SERVER_PID. A suite that starts one sets `trap 'stop_server; rm -rf "$WORK"' EXIT`.
SERVER_PID=
SERVER_RC=
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" && SERVER_RC=0 || SERVER_RC=$?
  SERVER_PID=
}
start_server() {  # start_server STORE [OPTION…]: sets URL, or fails the suite
  local store=$1 port=
  shift
  : >serve.log
  # A small ASan quarantine, so that test_remote's memory check measures the server, not ASan.
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=4" "$CREDIT_BIN" --store "$store" serve \
    --listen 127.0.0.1:0 --cert server.pem --key server.key "$@" 2>serve.log &
  SERVER_PID=$!
  for _ in $(seq 200); do
    port=$(grep -o 'listening on https://127\.0\.0\.1:[0-9]*' serve.log | grep -o '[0-9]*$')
    [[ -n $port ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -z $port ]]; then
    cat serve.log >&2
    echo "credit serve did not start" >&2
    exit 1
  fi
  URL=https://127.0.0.1:$port
}
# test_certificate NAME: a throwaway CA (ca.pem, ca.key) and a certificate for 127.0.0.1 signed by
# it (NAME.pem, NAME.key), in the current directory, for the suites that run real HTTPS servers.
test_certificate() {
  local name=$1
  tls() { openssl "$@" 2>>openssl.log || { echo "openssl $1 failed" >&2; cat openssl.log >&2; exit 1; }; }
  tls req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 2 -subj /CN=credit-test-ca
  tls req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf
  tls x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" -days 2 \
    -extfile ext.cnf
}
