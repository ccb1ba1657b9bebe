#!/usr/bin/env bash
# Installs the Debian package on this machine, checks what it installed, runs a short workflow as
# the `credit` system user, verifies the systemd units and runs lintian; then purges the package.
# Needs root (CI runs as root). Usage: tests/package/check_package.sh build/credit_*.deb
set -euo pipefail
DEB=$(realpath "$1")
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  "$@" >/dev/null 2>&1 || fail "$what"
}
as_root=()
[[ $(id -u) == 0 ]] || as_root=(sudo)
WORK=$(mktemp -d)
cleanup() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq credit >/dev/null 2>&1 || true
  "${as_root[@]}" rm -rf /var/lib/credit "$WORK"
}
trap cleanup EXIT

echo "== dpkg-deb --info"
dpkg-deb --info "$DEB" | grep -E '^ (Package|Version|Depends|Recommends):'
dpkg-deb --field "$DEB" Depends | grep -q 'libcurl4' || fail "Depends names libcurl4 (shlibdeps of the plugin)"
dpkg-deb --field "$DEB" Depends | grep -q 'adduser' || fail "Depends names adduser"

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$DEB" >/dev/null

for f in /usr/bin/credit /usr/lib/credit/credit-net.so /usr/share/credit/policy/national-2026.json \
  /usr/share/credit/kinds/penalty.json /usr/share/man/man1/credit.1.gz /usr/share/man/man1/credit-import.1.gz \
  /usr/share/bash-completion/completions/credit /usr/share/zsh/vendor-completions/_credit \
  /usr/share/fish/vendor_completions.d/credit.fish /lib/systemd/system/credit-serve.service \
  /lib/systemd/system/credit-publish.timer /lib/systemd/system/credit-purge-expired.timer \
  /lib/systemd/system/credit-audit-checkpoint.timer /usr/lib/sysusers.d/credit.conf /usr/lib/tmpfiles.d/credit.conf /etc/credit/credit.toml \
  /usr/share/doc/credit/copyright /usr/share/doc/credit/changelog.gz; do
  [[ -e $f ]] || fail "installed: $f"
done
grep -qx /etc/credit/credit.toml <(dpkg-query --control-show credit conffiles 2>/dev/null ||
  cat /var/lib/dpkg/info/credit.conffiles) || fail "/etc/credit/credit.toml is a conffile"
getent passwd credit >/dev/null || fail "the credit system user exists"
[[ $(stat -c '%a %U' /var/lib/credit) == "750 credit" ]] || fail "/var/lib/credit is 0750 credit"
grep -q '^ExecStart=/usr/bin/credit ' /lib/systemd/system/credit-publish.service ||
  fail "the units call /usr/bin/credit"

echo "== credit --version"
/usr/bin/credit --version || fail "credit --version"
/usr/bin/credit --version | grep -q '^commit ' || fail "--version names the commit"

echo "== a workflow as the credit user"
as_credit() { "${as_root[@]}" runuser -u credit -- env -C /var/lib/credit CREDIT_STORE=/var/lib/credit/store.db "$@"; }
tok() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
DEPT=11110000000013127H
as_credit sh -c 'umask 077; credit init --format json' | tok | as_credit sh -c 'umask 077; cat >admin.token'
add_user() {  # add_user NAME ROLE [DEPT]
  as_credit credit --token-file admin.token user add "$1" --role "$2" ${3:+--dept "$3"} --format json |
    tok | as_credit sh -c "umask 077; cat >$1.token"
}
add_user op operator "$DEPT"
add_user rev reviewer "$DEPT"
add_user aud auditor
as_credit sh -c "credit generate sample --rows 50 --dept $DEPT >sample.csv"
as_credit credit --token-file op.token import sample.csv --kind penalty --quiet || fail "import as credit"
BATCH=$(as_credit credit --token-file rev.token import list --status staged --format json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["batch"])')
as_credit credit --token-file rev.token import approve "$BATCH" --quiet || fail "approve as credit"
as_credit credit --token-file aud.token audit verify || fail "audit verify as credit"
as_credit credit --token-file aud.token --version | grep -q '^policy ' || fail "--version with a store names its policy"

echo "== systemd-analyze verify"
# The units name token and key files the administrator creates later; verify checks the units.
(cd /lib/systemd/system &&
  systemd-analyze verify credit-serve.service credit-publish.service credit-publish.timer \
    credit-purge-expired.service credit-purge-expired.timer credit-audit-checkpoint.service \
    credit-audit-checkpoint.timer) || fail "systemd-analyze verify"

echo "== lintian"
lintian --fail-on error "$DEB" ||
  fail "lintian reports errors"

((FAILURES == 0)) && echo "package check: all passed" || { echo "package check: $FAILURES failed" >&2; exit 1; }
